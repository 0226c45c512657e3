package api

import "context"

type supportIDIn struct {
	ID int64 `path:"id" doc:"The request's number."`
}

// supportGet returns one support request with its replies.
func (a *API) supportGet(ctx context.Context, in *supportIDIn) (*supportOut, error) {
	r, err := a.app.Support.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &supportOut{Body: r}, nil
}
