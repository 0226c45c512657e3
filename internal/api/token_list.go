package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type tokenListIn struct {
	Org            string `query:"org" maxLength:"20" doc:"List this organisation's tokens, sensors' and users' (sector_admin only)."`
	IncludeRevoked bool   `query:"include_revoked" doc:"List revoked tokens too."`
}

type tokenListOut struct {
	Body struct {
		Items []Token `json:"items" nullable:"false"`
	}
}

// tokenList lists the caller's own tokens, newest first; a sector_admin may list an
// organisation's instead.
func (a *API) tokenList(ctx context.Context, in *tokenListIn) (*tokenListOut, error) {
	p := principal(ctx)
	f := vigil.TokenFilter{UserID: p.UserID, IncludeRevoked: in.IncludeRevoked}
	if in.Org != "" {
		if p.Role != vigil.RoleSectorAdmin {
			return nil, vigil.Errorf(vigil.EFORBIDDEN, "only a sector_admin may list an organisation's tokens; leave out org to list your own")
		}
		f = vigil.TokenFilter{Org: in.Org, IncludeRevoked: in.IncludeRevoked}
	}
	ts, err := a.store.ListTokens(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &tokenListOut{}
	out.Body.Items = mapSlice(ts, tokenOut)
	return out, nil
}
