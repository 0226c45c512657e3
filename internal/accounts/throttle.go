package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

// ThrottledError refuses a sign-in because the email or the address tried too often, or
// because the server is busy checking other passwords; the doors answer it as "too many
// requests" with RetryAfter.
type ThrottledError struct {
	// Message says what happened and what to do, safe for the person signing in.
	Message string
	// RetryAfter is how long to wait before trying again.
	RetryAfter time.Duration
}

// Error implements error.
func (e *ThrottledError) Error() string { return "throttled: " + e.Message }

// loginAllowed decides the reserved attempt made at now: past the free attempts for the
// email or the address, it must come at least delay after the attempt before it.
func (s *Service) loginAllowed(ctx context.Context, email, ip string, attempt int64, now time.Time) error {
	l := s.login
	byEmail, byIP, err := s.store.LoginAttempts(ctx, email, ip, now.Add(-l.Window), attempt)
	if err != nil {
		return err
	}
	wait := max(s.wait(byEmail, l.PerEmail, now), s.wait(byIP, l.PerIP, now))
	if wait <= 0 {
		return nil
	}
	s.log.WarnContext(ctx, "sign-in slowed down", slog.String("email", email), slog.String("ip", ip),
		slog.Int("attempts_email", byEmail.N), slog.Int("attempts_ip", byIP.N), slog.Duration("wait", wait))
	return &ThrottledError{RetryAfter: wait,
		Message: "too many failed sign-ins for this account or from this address: wait " + waitFor(wait) +
			" and try again, or ask your administrator to reset your password"}
}

// wait is how much longer an attempt must wait, given the attempts c before it and the
// free allowance: nothing within the allowance, then 1s, 2s, 4s… after the newest
// attempt, up to MaxDelay.
func (s *Service) wait(c store.LoginCount, free int, now time.Time) time.Duration {
	if c.N < free {
		return 0
	}
	delay := s.login.MaxDelay
	if shift := c.N - free; shift < 30 {
		delay = min(delay, time.Second<<shift)
	}
	return c.Last.Add(delay).Sub(now)
}

// waitFor says a wait as the throttling message does, rounded up: "1 second",
// "20 seconds", "2 minutes".
func waitFor(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs <= 1:
		return "1 second"
	case secs < 120:
		return fmt.Sprintf("%d seconds", secs)
	default:
		return fmt.Sprintf("%d minutes", (secs+59)/60)
	}
}

// release forgets a reserved attempt that was not a failure; a failure to do so only
// costs its owner a slower next attempt, so it is logged.
func (s *Service) release(ctx context.Context, attempt int64) {
	if err := s.store.ReleaseLoginAttempt(context.WithoutCancel(ctx), attempt); err != nil {
		s.log.WarnContext(ctx, "release sign-in attempt", slog.Any("error", err))
	}
}

// hashSlot waits up to hashWait for one of the password-hashing slots and returns the
// function that gives it back. Argon2id takes about 19 MiB per hash, so unbounded
// parallel sign-ins could exhaust memory: when every slot stays busy the sign-in is
// refused as too many requests.
func (s *Service) hashSlot(ctx context.Context) (func(), error) {
	t := time.NewTimer(s.hashWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		s.log.WarnContext(ctx, "sign-in refused: every password-hashing slot is busy", slog.Int("slots", cap(s.hashSlots)))
		return nil, &ThrottledError{RetryAfter: time.Second,
			Message: "the server is busy checking other sign-ins: try again in a few seconds"}
	}
}
