package api

import "context"

type orgGetIn struct {
	ODS string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
}

type orgResult struct {
	Body Org
}

// orgGet returns one organisation the caller may see; any other is not found.
func (a *API) orgGet(ctx context.Context, in *orgGetIn) (*orgResult, error) {
	o, err := a.app.Orgs.Get(ctx, principal(ctx), in.ODS)
	if err != nil {
		return nil, err
	}
	return &orgResult{Body: orgOut(o)}, nil
}
