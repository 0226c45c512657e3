package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

type tokenCreateIn struct {
	Body struct {
		Name      string    `json:"name,omitempty" maxLength:"100" example:"SIEM export" doc:"What the token is for."`
		Sensor    bool      `json:"sensor,omitempty" doc:"Make a sensor token, which may only push telemetry for org (sector_admin only)."`
		Org       string    `json:"org,omitempty" maxLength:"20" doc:"The organisation of a sensor token."`
		ExpiresAt time.Time `json:"expires_at,omitzero" doc:"When the token stops working; never when absent."`
	}
}

type tokenCreateOut struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Secret string `json:"token" doc:"The token itself, shown this once: send it as Authorization: Bearer <token>."`
		Token
	}
}

// tokenCreate makes an API token that acts as the calling user or, for a sector_admin,
// a sensor token for one organisation. An API token cannot make tokens: a leaked token
// must not be able to outlive its revocation.
func (a *API) tokenCreate(ctx context.Context, in *tokenCreateIn) (*tokenCreateOut, error) {
	p := principal(ctx)
	nt, err := newToken(p, in)
	if err != nil {
		return nil, err
	}
	var raw string
	var t vigil.Token
	err = a.store.Tx(ctx, func(tx *store.Store) error {
		if raw, t, err = tx.CreateToken(ctx, nt); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "token.create", tokenTarget(t.ID),
			map[string]any{"name": t.Name, "hint": t.Hint, "user_id": t.UserID, "sensor_org": t.SensorOrg})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &tokenCreateOut{CacheControl: "no-store"}
	out.Body.Secret, out.Body.Token = raw, tokenOut(t)
	return out, nil
}

// newToken checks who may make which token.
func newToken(p vigil.Principal, in *tokenCreateIn) (vigil.NewToken, error) {
	b := in.Body
	nt := vigil.NewToken{Name: b.Name, ExpiresAt: b.ExpiresAt}
	switch {
	case p.TokenID != 0:
		return nt, vigil.Errorf(vigil.EFORBIDDEN, "an API token cannot create tokens: sign in to create one")
	case b.Sensor && p.Role != vigil.RoleSectorAdmin:
		return nt, vigil.Errorf(vigil.EFORBIDDEN, "only a sector_admin may create sensor tokens")
	case b.Sensor && b.Org == "":
		return nt, vigil.Errorf(vigil.EINVALID, "a sensor token needs org: the ODS code of the organisation it pushes telemetry for")
	case b.Sensor:
		nt.SensorOrg = b.Org
	case b.Org != "":
		return nt, vigil.Errorf(vigil.EINVALID, "org is only for sensor tokens (sensor: true); a user's token acts for the user's own organisation")
	default:
		nt.UserID = p.UserID
	}
	return nt, nil
}
