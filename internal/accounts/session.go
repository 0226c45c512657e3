package accounts

import (
	"context"
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

// SignIn checks email and password, tried from address ip, and starts a session,
// audited as user.login. The email must be in its one canonical form
// (store.CanonicalEmail): other spellings of an address are invalid, so that each
// mailbox has one account and one count of attempts. The login limits apply (guarded):
// a sign-in may be refused (ThrottledError) before the password is checked, but never
// because of failures from other addresses. A wrong password is audited as
// user.login_failed.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (Session, error) {
	email, err := store.CanonicalEmail(email)
	if err != nil {
		return Session{}, err
	}
	var u vigil.User
	err = s.guarded(ctx, email, ip, func() (err error) {
		u, err = s.store.Authenticate(ctx, email, password)
		return err
	}, func(cause error) error { return s.loginFailed(ctx, email, ip, cause) })
	if err != nil {
		return Session{}, err
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

// loginFailed audits a sign-in whose password check failed, and returns the error to
// answer with. A disabled account's owner is told so (Authenticate only says so after
// the right password); that does not count towards the limits.
func (s *Service) loginFailed(ctx context.Context, email, ip string, cause error) error {
	code := vigil.ErrorCode(cause)
	if code != vigil.EUNAUTHORIZED && code != vigil.EFORBIDDEN {
		return cause
	}
	reason := map[string]string{vigil.EUNAUTHORIZED: "bad_credentials", vigil.EFORBIDDEN: "disabled"}[code]
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		_, err := tx.Audit(ctx, email, "user.login_failed", "", map[string]any{"ip": ip, "reason": reason})
		return err
	})
	if err != nil {
		return err
	}
	return cause
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
	p, err = s.store.SessionPrincipal(ctx, session, max(s.idle, 0))
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
