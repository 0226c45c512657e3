package api

import "context"

// supportClose closes a support request.
func (a *API) supportClose(ctx context.Context, in *supportIDIn) (*supportOut, error) {
	r, err := a.app.Support.Close(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &supportOut{Body: r}, nil
}
