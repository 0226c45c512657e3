package api

import "context"

// advisorySourcePull pulls an advisory source now and answers it with the outcome. A
// pull that fails is still a 200: the source shows status "error" and why.
func (a *API) advisorySourcePull(ctx context.Context, in *advisorySourceIDIn) (*advisorySourceResult, error) {
	s, err := a.app.Exposure.PullSource(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &advisorySourceResult{Body: advisorySourceOut(s)}, nil
}
