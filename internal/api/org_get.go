package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type orgGetIn struct {
	ODS string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
}

type orgResult struct {
	Body Org
}

// orgGet returns one organisation the caller may see; any other is not found.
func (a *API) orgGet(ctx context.Context, in *orgGetIn) (*orgResult, error) {
	sc, err := a.scopeOf(ctx, principal(ctx))
	if err != nil {
		return nil, err
	}
	code, err := vigil.NormalizeODS(in.ODS)
	if err != nil || !sc.seesOrg(code) {
		return nil, orgNotFound(in.ODS)
	}
	o, err := a.store.GetOrg(ctx, code)
	if err != nil {
		return nil, err
	}
	return &orgResult{Body: orgOut(o, sc.all || code == sc.own)}, nil
}
