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
