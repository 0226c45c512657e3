package accounts

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// ErrWrongPassword is ChangePassword's answer when the current password given is not
// the person's: the doors show it beside the current-password field.
var ErrWrongPassword error = vigil.Errorf(vigil.EINVALID, "your current password is not right: check it and try again")

// ChangePassword replaces p's own password, tried from address ip, audited as
// user.password_change. The current password is checked as a sign-in checks it, under
// the same limits, so that a stolen session cannot be used to guess it: a wrong one is
// ErrWrongPassword, counted and audited as user.password_change_failed. The new one must
// meet the password rules (length, not a common password). Every session of p's ends,
// so whoever else was signed in as p is signed out, and p gets a new session to carry
// on with (the doors replace the cookie). An API token cannot change a password: a
// leaked token must not be able to take the account over.
func (s *Service) ChangePassword(ctx context.Context, p vigil.Principal, current, newPassword, ip string) (Session, error) {
	if err := p.Need(vigil.People...); err != nil {
		return Session{}, err
	}
	if p.TokenID != 0 || p.UserID == 0 {
		return Session{}, vigil.Errorf(vigil.EFORBIDDEN, "an API token cannot change a password: sign in to change yours")
	}
	if current == "" {
		return Session{}, vigil.Errorf(vigil.EINVALID, "enter your current password")
	}
	if newPassword == current {
		return Session{}, vigil.Errorf(vigil.EINVALID, "the new password is the same as your current one: choose a different one")
	}
	if err := s.checkCurrent(ctx, p, current, ip); err != nil {
		return Session{}, err
	}
	var ses Session
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		u, err := tx.GetUser(ctx, p.UserID)
		if err != nil {
			return err
		}
		// SetPassword checks the rules and ends every session of p's, this one too.
		if err := tx.SetPassword(ctx, u, newPassword); err != nil {
			return err
		}
		ses.User = u
		if ses.ID, ses.ExpiresAt, err = tx.CreateSession(ctx, u.ID, s.sessionTTL); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "user.password_change", userTarget(u.ID), map[string]any{"ip": ip})
		return err
	})
	if err != nil {
		return Session{}, err
	}
	return ses, nil
}

// checkCurrent checks p's current password the way SignIn checks a password, within
// the login limits for p's email and ip (guarded); a wrong password is audited.
func (s *Service) checkCurrent(ctx context.Context, p vigil.Principal, current, ip string) error {
	return s.guarded(ctx, p.Email, ip, func() error {
		u, err := s.store.Authenticate(ctx, p.Email, current)
		if err == nil && u.ID != p.UserID {
			err = vigil.Errorf(vigil.EUNAUTHORIZED, "the password is not this user's") // the email moved to another account
		}
		return err
	}, func(cause error) error {
		if vigil.ErrorCode(cause) != vigil.EUNAUTHORIZED {
			return cause
		}
		err := s.store.Tx(ctx, func(tx *store.Store) error {
			_, err := tx.Audit(ctx, p.Email, "user.password_change_failed", userTarget(p.UserID),
				map[string]any{"ip": ip, "reason": "bad_credentials"})
			return err
		})
		if err != nil {
			return err
		}
		return ErrWrongPassword
	})
}
