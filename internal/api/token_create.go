package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil/internal/accounts"
)

type tokenCreateIn struct {
	Body struct {
		Name      string    `json:"name,omitempty" maxLength:"100" example:"SIEM export" doc:"What the token is for."`
		Sensor    bool      `json:"sensor,omitempty" doc:"Make a sensor token, which may only push telemetry for org: a sector_admin's for any organisation, an org_admin's for their own."`
		Org       string    `json:"org,omitempty" maxLength:"20" doc:"The organisation of a sensor token; an org_admin may leave it out (their own)."`
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

// tokenCreate makes an API token that acts as the calling user, or a sensor token for
// one organisation (a sector_admin's for any, an org_admin's for their own). An API
// token cannot make tokens.
func (a *API) tokenCreate(ctx context.Context, in *tokenCreateIn) (*tokenCreateOut, error) {
	b := in.Body
	raw, t, err := a.app.Accounts.CreateToken(ctx, principal(ctx),
		accounts.TokenRequest{Name: b.Name, Sensor: b.Sensor, Org: b.Org, ExpiresAt: b.ExpiresAt})
	if err != nil {
		return nil, err
	}
	out := &tokenCreateOut{CacheControl: "no-store"}
	out.Body.Secret, out.Body.Token = raw, tokenOut(t)
	return out, nil
}
