package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// ThrottledError refuses a sign-in because the address, or the email from the address,
// tried too often, or
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

// guarded runs check, one check of a password for email tried from ip, within the
// login limits. The attempt is reserved first, so that attempts sent in parallel count
// against each other; past the limits for the address, or for the email from the
// address, or when every password-hashing slot is busy, it is refused (ThrottledError)
// before check runs. A check that fails goes to failed, which says what to answer; a
// wrong password (unauthorized) stays counted and, past the limit for the email from
// all addresses, its answer is held back.
func (s *Service) guarded(ctx context.Context, email, ip string, check func() error, failed func(error) error) error {
	now := s.now()
	attempt, err := s.store.ReserveLoginAttempt(ctx, email, ip, now)
	if err != nil {
		return err
	}
	wrong := false
	defer func() {
		if !wrong {
			s.release(ctx, attempt)
		}
	}()
	if err := s.loginAllowed(ctx, email, ip, attempt, now); err != nil {
		return err
	}
	done, err := s.hashSlot(ctx)
	if err != nil {
		return err
	}
	err = check()
	done()
	if err == nil {
		return nil
	}
	wrong = vigil.ErrorCode(err) == vigil.EUNAUTHORIZED
	err = failed(err) // audited before the answer is held back, which the caller may cut short
	if wrong {
		s.holdBack(ctx, email, attempt)
	}
	return err
}

// loginAllowed decides the reserved attempt made at now: past the free attempts from
// the address, or for the email from the address, it must come at least delay after
// the attempt before it. Failures for the email from other addresses do not count
// here: they must not keep its owner out (holdBack slows them down instead).
func (s *Service) loginAllowed(ctx context.Context, email, ip string, attempt int64, now time.Time) error {
	l := s.login
	c, err := s.store.LoginAttempts(ctx, email, ip, now.Add(-l.Window), attempt)
	if err != nil {
		return err
	}
	byPair, byIP := s.wait(c.Pair, l.PerEmail, now), s.wait(c.IP, l.PerIP, now)
	wait := max(byPair, byIP)
	if wait <= 0 {
		return nil
	}
	s.log.WarnContext(ctx, "sign-in slowed down", slog.String("email", email), slog.String("ip", ip),
		slog.Int("attempts_pair", c.Pair.N), slog.Int("attempts_ip", c.IP.N), slog.Duration("wait", wait))
	msg := "too many failed sign-ins from this address: wait " + waitFor(wait) + " and try again"
	if byPair >= byIP {
		msg = "too many failed sign-ins to this account from this address: wait " + waitFor(wait) +
			" and try again, or ask your administrator to reset your password"
	}
	return &ThrottledError{RetryAfter: wait, Message: msg}
}

// holdBack holds back the answer to the wrong password of the attempt when the email
// has had PerAccount wrong passwords or more in the window, from whatever addresses:
// as long as loginAllowed would make an address wait, counted from the newest of them,
// up to MaxDelay. The attempt counts from when it is answered, so wrong passwords sent
// in parallel are answered one after another. It slows down guessing from many
// addresses without refusing the right password to anyone.
func (s *Service) holdBack(ctx context.Context, email string, attempt int64) {
	l := s.login
	now := s.now()
	c, err := s.store.LoginAttempts(ctx, email, "", now.Add(-l.Window), attempt)
	if err != nil {
		s.log.WarnContext(ctx, "count sign-in failures", slog.Any("error", err))
		return
	}
	hold := min(s.wait(c.Email, l.PerAccount, now), l.MaxDelay)
	if hold <= 0 {
		return
	}
	if err := s.store.PostponeLoginAttempt(context.WithoutCancel(ctx), attempt, now.Add(hold)); err != nil {
		s.log.WarnContext(ctx, "postpone sign-in attempt", slog.Any("error", err))
	}
	s.log.WarnContext(ctx, "wrong password answered late", slog.String("email", email),
		slog.Int("attempts_email", c.Email.N), slog.Duration("hold", hold))
	s.sleep(ctx, hold)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
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
