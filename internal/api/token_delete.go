package api

import "context"

type tokenDeleteIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The token's number."`
}

// tokenDelete revokes a token: the caller's own, or any for a sector_admin. Another
// user's token is not found.
func (a *API) tokenDelete(ctx context.Context, in *tokenDeleteIn) (*struct{}, error) {
	return nil, a.app.Accounts.RevokeToken(ctx, principal(ctx), in.ID)
}
