package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

// Me is who the caller is.
type Me struct {
	// UserID is the signed-in user's number.
	UserID int64 `json:"user_id"`
	// Email is the user's sign-in address.
	Email string `json:"email"`
	// Name is how the user is greeted.
	Name string `json:"name"`
	// Role is what the caller may do.
	Role vigil.Role `json:"role" enum:"sector_admin,sector_analyst,org_admin,org_member,supplier"`
	// Org is the caller's organisation; absent for sector roles.
	Org string `json:"org,omitempty"`
	// Auth says how the caller proved who they are: session or token.
	Auth string `json:"auth" enum:"session,token"`
	// TokenID is the API token used, when Auth is token.
	TokenID int64 `json:"token_id,omitempty"`
}

type meOut struct {
	Body Me
}

// meGet returns who the caller is: the signed-in user, or the user an API token acts for.
func (a *API) meGet(ctx context.Context, _ *struct{}) (*meOut, error) {
	p := principal(ctx)
	u, err := a.app.Accounts.Me(ctx, p)
	if err != nil {
		return nil, err
	}
	me := Me{UserID: u.ID, Email: u.Email, Name: u.Name, Role: p.Role, Org: p.Org, Auth: "session", TokenID: p.TokenID}
	if p.TokenID != 0 {
		me.Auth = "token"
	}
	return &meOut{Body: me}, nil
}
