package api

import "context"

// advisorySourceGet returns one advisory source with how its last pull went.
func (a *API) advisorySourceGet(ctx context.Context, in *advisorySourceIDIn) (*advisorySourceResult, error) {
	s, err := a.app.Exposure.GetSource(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &advisorySourceResult{Body: advisorySourceOut(s)}, nil
}
