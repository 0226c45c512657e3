package api

import "context"

// advisorySourcePull pulls an advisory source now and answers it with the outcome. A
// pull that fails is still a 200: the source shows status "error" and why. A pull of the
// source under way, on any server, is a 409 (no second one starts); a pull cut short by
// this server stopping is a 503.
func (a *API) advisorySourcePull(ctx context.Context, in *advisorySourceIDIn) (*advisorySourceResult, error) {
	s, err := a.app.Exposure.PullSource(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &advisorySourceResult{Body: advisorySourceOut(s)}, nil
}
