package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

type tokenDeleteIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The token's number."`
}

// tokenDelete revokes a token: the caller's own, or any for a sector_admin. Another
// user's token is not found.
func (a *API) tokenDelete(ctx context.Context, in *tokenDeleteIn) (*struct{}, error) {
	p := principal(ctx)
	t, err := a.store.GetToken(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if p.Role != vigil.RoleSectorAdmin && (p.UserID == 0 || t.UserID != p.UserID) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no token %d", in.ID)
	}
	if !t.RevokedAt.IsZero() {
		return nil, nil // revoked already: nothing changes, nothing to audit
	}
	err = a.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.RevokeToken(ctx, in.ID); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, p.Email, "token.revoke", tokenTarget(in.ID), map[string]any{"name": t.Name, "hint": t.Hint})
		return err
	})
	return nil, err
}
