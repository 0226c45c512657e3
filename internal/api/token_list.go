package api

import "context"

type tokenListIn struct {
	Org            string `query:"org" maxLength:"20" doc:"List this organisation's tokens, sensors' and users' (sector_admin only; an org_admin's own list has their organisation's sensor tokens)."`
	IncludeRevoked bool   `query:"include_revoked" doc:"List revoked tokens too."`
}

type tokenListOut struct {
	Body struct {
		Items []Token `json:"items" nullable:"false"`
	}
}

// tokenList lists the caller's own tokens, newest first, with an org_admin's
// organisation's sensor tokens; a sector_admin may list an organisation's instead.
// Called with an API token, it lists that token only.
func (a *API) tokenList(ctx context.Context, in *tokenListIn) (*tokenListOut, error) {
	ts, err := a.app.Accounts.ListTokens(ctx, principal(ctx), in.Org, in.IncludeRevoked)
	if err != nil {
		return nil, err
	}
	out := &tokenListOut{}
	out.Body.Items = mapSlice(ts, tokenOut)
	return out, nil
}
