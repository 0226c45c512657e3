package api

import "context"

// advisorySourceDelete removes an advisory source and the data it held.
func (a *API) advisorySourceDelete(ctx context.Context, in *advisorySourceIDIn) (*struct{}, error) {
	if err := a.app.Exposure.DeleteSource(ctx, principal(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
