package accounts

import (
	"context"
	"crypto/rand"

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

// ListUsers lists the accounts in f.Sort's order, a page at a time, with the cursor of the
// next page; only a sector_admin may (f.Org keeps to one organisation). Password hashes
// are never read.
func (s *Service) ListUsers(ctx context.Context, p vigil.Principal, f vigil.UserFilter) ([]vigil.User, string, error) {
	if err := p.Need(vigil.RoleSectorAdmin); err != nil {
		return nil, "", err
	}
	return s.store.ListUsers(ctx, f)
}

// NewPassword returns a password for an administrator to hand to a person once (a new
// account, or a reset): 20 random letters and digits (100 bits) in groups of four, so
// that it can be read out over the phone.
func NewPassword() string {
	t := rand.Text() // 26 base32 characters
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16] + "-" + t[16:20]
}

// ResetPassword gives the user with this e-mail address a new password and ends every
// session of theirs, so whoever held the old one is signed out; sector_admin only, audited
// as user.password (never with the password).
func (s *Service) ResetPassword(ctx context.Context, p vigil.Principal, email, password string) (vigil.User, error) {
	return s.changeUser(ctx, p, email, "user.password", func(tx *store.Store, u vigil.User) error {
		return tx.SetPassword(ctx, u, password)
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
		if disabled && p.UserID != 0 && u.ID == p.UserID {
			return vigil.Errorf(vigil.EINVALID, "you cannot disable your own account: ask another sector administrator")
		}
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
