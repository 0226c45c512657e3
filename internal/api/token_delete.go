package api

import "context"

type tokenDeleteIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The token's number."`
}

// tokenDelete revokes a token: the caller's own, their organisation's sensor tokens
// for an org_admin, or any for a sector_admin. Another's token is not found. An API
// token may revoke only itself: tokens are managed from a signed-in session.
func (a *API) tokenDelete(ctx context.Context, in *tokenDeleteIn) (*struct{}, error) {
	return nil, a.app.Accounts.RevokeToken(ctx, principal(ctx), in.ID)
}
