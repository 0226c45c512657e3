package accounts

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// AddUser makes an account, audited as user.create; only a sector_admin may. A user
// without a name is greeted by email.
func (s *Service) AddUser(ctx context.Context, p vigil.Principal, nu vigil.NewUser) (vigil.User, error) {
	if err := p.Need(vigil.RoleSectorAdmin); err != nil {
		return vigil.User{}, err
	}
	if nu.Name == "" {
		nu.Name = nu.Email
	}
	var u vigil.User
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.CreateUser(ctx, nu); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "user.create", u.Email, map[string]any{"role": u.Role, "org": u.Org})
		return err
	})
	if err != nil {
		return vigil.User{}, err
	}
	return u, nil
}

// ResetPassword gives the user with this e-mail address a new password and ends every
// session of theirs, so whoever held the old one is signed out; sector_admin only, audited
// as user.password (never with the password).
func (s *Service) ResetPassword(ctx context.Context, p vigil.Principal, email, password string) (vigil.User, error) {
	return s.changeUser(ctx, p, email, "user.password", func(tx *store.Store, u vigil.User) error {
		return tx.SetPassword(ctx, u.ID, password)
	})
}

// SetDisabled disables (or enables again) the account with this e-mail address; a
// disabled user can neither sign in nor use their tokens, and their sessions end at once.
// sector_admin only, audited as user.disable or user.enable.
func (s *Service) SetDisabled(ctx context.Context, p vigil.Principal, email string, disabled bool) (vigil.User, error) {
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	return s.changeUser(ctx, p, email, action, func(tx *store.Store, u vigil.User) error {
		return tx.SetUserDisabled(ctx, u.ID, disabled)
	})
}

// changeUser runs change on the user with this e-mail address, ends their sessions and
// writes the audit entry, in one transaction.
func (s *Service) changeUser(ctx context.Context, p vigil.Principal, email, action string,
	change func(*store.Store, vigil.User) error) (vigil.User, error) {
	if err := p.Need(vigil.RoleSectorAdmin); err != nil {
		return vigil.User{}, err
	}
	var u vigil.User
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.GetUserByEmail(ctx, email); err != nil {
			return err
		}
		if err = change(tx, u); err != nil {
			return err
		}
		if err = tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if u, err = tx.GetUser(ctx, u.ID); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, action, u.Email, map[string]any{"role": u.Role, "org": u.Org})
		return err
	})
	if err != nil {
		return vigil.User{}, err
	}
	return u, nil
}
