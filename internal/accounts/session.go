package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Session is a signed-in user's server-side session.
type Session struct {
	// ID is the session's secret, which the session cookie carries.
	ID string
	// User is who signed in.
	User vigil.User
	// ExpiresAt is when the session ends.
	ExpiresAt time.Time
}

// ThrottledError refuses a sign-in because the email or the address failed too often;
// the doors answer it as "too many requests" with RetryAfter.
type ThrottledError struct {
	// Message says what happened and what to do, safe for the person signing in.
	Message string
	// RetryAfter is how long to wait before trying again.
	RetryAfter time.Duration
}

// Error implements error.
func (e *ThrottledError) Error() string { return "throttled: " + e.Message }

// SignIn checks email and password, tried from address ip, and starts a session,
// audited as user.login. Past the login limits for the email or the address it refuses
// (ThrottledError) before the password is even checked; a wrong password counts towards
// them and is audited as user.login_failed.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (Session, error) {
	if err := s.loginAllowed(ctx, email, ip); err != nil {
		return Session{}, err
	}
	u, err := s.store.Authenticate(ctx, email, password)
	if err != nil {
		return Session{}, s.loginFailed(ctx, email, ip, err)
	}
	ses := Session{User: u}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if ses.ID, ses.ExpiresAt, err = tx.CreateSession(ctx, u.ID, s.sessionTTL); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, u.Email, "user.login", userTarget(u.ID), map[string]any{"ip": ip})
		return err
	})
	if err != nil {
		return Session{}, err
	}
	return ses, nil
}

// loginAllowed refuses a sign-in when the email or the address has failed too often.
func (s *Service) loginAllowed(ctx context.Context, email, ip string) error {
	l := s.login
	byEmail, byIP, err := s.store.RecentLoginFailures(ctx, email, ip, s.now().Add(-l.Window))
	if err != nil {
		return err
	}
	if byEmail < l.PerEmail && byIP < l.PerIP {
		return nil
	}
	s.log.WarnContext(ctx, "sign-in throttled", slog.String("email", email), slog.String("ip", ip),
		slog.Int("failures_email", byEmail), slog.Int("failures_ip", byIP))
	return &ThrottledError{RetryAfter: l.Window,
		Message: "too many failed sign-ins for this account or from this address: wait " + waitFor(l.Window) +
			" and try again, or ask your administrator to reset your password"}
}

// waitFor says a duration as the throttling message does: "15 minutes".
func waitFor(d time.Duration) string {
	switch m := d / time.Minute; {
	case d%time.Minute != 0:
		return d.String()
	case m == 1:
		return "1 minute"
	default:
		return fmt.Sprintf("%d minutes", m)
	}
}

// loginFailed records a failed sign-in for the limits and the audit log, and returns
// the error to answer with. A disabled account's owner is told so (Authenticate only
// says so after the right password); it does not count towards the limits.
func (s *Service) loginFailed(ctx context.Context, email, ip string, cause error) error {
	code := vigil.ErrorCode(cause)
	if code != vigil.EUNAUTHORIZED && code != vigil.EFORBIDDEN {
		return cause
	}
	reason := map[string]string{vigil.EUNAUTHORIZED: "bad_credentials", vigil.EFORBIDDEN: "disabled"}[code]
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		if code == vigil.EUNAUTHORIZED {
			if err := tx.RecordLoginFailure(ctx, email, ip); err != nil {
				return err
			}
		}
		_, err := tx.Audit(ctx, auditActor(email), "user.login_failed", "", map[string]any{"ip": ip, "reason": reason})
		return err
	})
	if err != nil {
		return err
	}
	return cause
}

// auditActor is the email a failed sign-in typed, bounded, or "anonymous" when empty:
// the audit log's actor must name someone.
func auditActor(email string) string {
	e := []rune(strings.ToLower(strings.TrimSpace(email)))
	if len(e) == 0 {
		return "anonymous"
	}
	return string(e[:min(len(e), 254)])
}

// SignOut ends p's session (the secret the session cookie carried), audited as
// user.logout. A caller who came with an API token, or without a session, has none to
// end: that does nothing and succeeds.
func (s *Service) SignOut(ctx context.Context, p vigil.Principal, session string) error {
	if p.TokenID != 0 || p.UserID == 0 || session == "" {
		return nil
	}
	return s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteSession(ctx, session); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, p.Email, "user.logout", userTarget(p.UserID), nil)
		return err
	})
}

// Identify returns who a request comes from: the user or sensor an API token acts for
// when token is set, and otherwise the user of the session. A token that is not valid
// is an (unauthorized) error; a missing or ended session makes the request anonymous
// (ok false).
func (s *Service) Identify(ctx context.Context, token, session string) (p vigil.Principal, ok bool, err error) {
	if token != "" {
		p, err = s.store.TokenPrincipal(ctx, token)
		return p, err == nil, err
	}
	if session == "" {
		return vigil.Principal{}, false, nil
	}
	p, err = s.store.SessionPrincipal(ctx, session)
	if vigil.ErrorCode(err) == vigil.EUNAUTHORIZED {
		return vigil.Principal{}, false, nil
	}
	return p, err == nil, err
}

// Me returns the user p is or acts for.
func (s *Service) Me(ctx context.Context, p vigil.Principal) (vigil.User, error) {
	if err := p.Need(vigil.People...); err != nil {
		return vigil.User{}, err
	}
	return s.store.GetUser(ctx, p.UserID)
}
