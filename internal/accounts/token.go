package accounts

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// TokenRequest is what a caller asks CreateToken for.
type TokenRequest struct {
	// Name says what the token is for; the store names it after its user or
	// organisation when empty.
	Name string
	// Sensor asks for a sensor token for Org (sector_admin only).
	Sensor bool
	// Org is the organisation of a sensor token; only for sensor tokens.
	Org string
	// User is the email of the user the token acts as, for a sector_admin making a
	// token for someone else (the command line does); empty means the caller.
	User string
	// ExpiresAt is when the token stops working; zero for never.
	ExpiresAt time.Time
}

// CreateToken makes an API token, audited as token.create, and returns it (the only
// time it is shown) with its description. A token acts as the caller, as the user
// r.User names (sector_admin only), or for a sector_admin is a sensor token for one
// organisation. An API token cannot make tokens: a leaked token must not be able to
// outlive its revocation.
func (s *Service) CreateToken(ctx context.Context, p vigil.Principal, r TokenRequest) (string, vigil.Token, error) {
	if err := p.Need(vigil.People...); err != nil {
		return "", vigil.Token{}, err
	}
	nt, err := newToken(p, r)
	if err != nil {
		return "", vigil.Token{}, err
	}
	var raw string
	var t vigil.Token
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if r.User != "" {
			u, err := tx.GetUserByEmail(ctx, r.User)
			if err != nil {
				return err
			}
			nt.UserID = u.ID
		}
		if raw, t, err = tx.CreateToken(ctx, nt); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "token.create", tokenTarget(t.ID),
			map[string]any{"name": t.Name, "hint": t.Hint, "user_id": t.UserID, "sensor_org": t.SensorOrg})
		return err
	})
	if err != nil {
		return "", vigil.Token{}, err
	}
	return raw, t, nil
}

// newToken checks who may make which token; a token for r.User gets its user id from
// the caller.
func newToken(p vigil.Principal, r TokenRequest) (vigil.NewToken, error) {
	nt := vigil.NewToken{Name: r.Name, ExpiresAt: r.ExpiresAt}
	switch {
	case p.TokenID != 0:
		return nt, vigil.Errorf(vigil.EFORBIDDEN, "an API token cannot create tokens: sign in to create one")
	case r.Sensor && p.Role != vigil.RoleSectorAdmin:
		return nt, vigil.Errorf(vigil.EFORBIDDEN, "only a sector_admin may create sensor tokens")
	case r.Sensor && r.User != "":
		return nt, vigil.Errorf(vigil.EINVALID, "a sensor token acts for no user: leave out the user")
	case r.Sensor && r.Org == "":
		return nt, vigil.Errorf(vigil.EINVALID, "a sensor token needs org: the ODS code of the organisation it pushes telemetry for")
	case r.Sensor:
		nt.SensorOrg = r.Org
	case r.Org != "":
		return nt, vigil.Errorf(vigil.EINVALID, "org is only for sensor tokens (sensor: true); a user's token acts for the user's own organisation")
	case r.User != "" && p.Role != vigil.RoleSectorAdmin:
		return nt, vigil.Errorf(vigil.EFORBIDDEN, "only a sector_admin may create a token for another user")
	case r.User == "":
		nt.UserID = p.UserID
	}
	return nt, nil
}

// ListTokens lists p's own tokens, newest first; a sector_admin may list an
// organisation's (its sensors' and its users') instead.
func (s *Service) ListTokens(ctx context.Context, p vigil.Principal, org string, includeRevoked bool) ([]vigil.Token, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, err
	}
	f := vigil.TokenFilter{UserID: p.UserID, IncludeRevoked: includeRevoked}
	if org != "" {
		if p.Role != vigil.RoleSectorAdmin {
			return nil, vigil.Errorf(vigil.EFORBIDDEN, "only a sector_admin may list an organisation's tokens; leave out org to list your own")
		}
		f = vigil.TokenFilter{Org: org, IncludeRevoked: includeRevoked}
	}
	return s.store.ListTokens(ctx, f)
}

// RevokeToken revokes a token, audited as token.revoke: p's own, or any for a
// sector_admin; another user's token is not found. Revoking a revoked token changes
// nothing and writes no audit entry.
func (s *Service) RevokeToken(ctx context.Context, p vigil.Principal, id int64) error {
	if err := p.Need(vigil.People...); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.GetToken(ctx, id)
		if err != nil {
			return err
		}
		if p.Role != vigil.RoleSectorAdmin && (p.UserID == 0 || t.UserID != p.UserID) {
			return vigil.Errorf(vigil.ENOTFOUND, "no token %d", id)
		}
		if !t.RevokedAt.IsZero() {
			return nil
		}
		if err := tx.RevokeToken(ctx, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "token.revoke", tokenTarget(id), map[string]any{"name": t.Name, "hint": t.Hint})
		return err
	})
}
