package api

import "context"

// alertGet returns one alert the caller may see.
func (a *API) alertGet(ctx context.Context, in *alertIDIn) (*alertResult, error) {
	al, err := a.app.Alerts.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &alertResult{Body: alertOut(al)}, nil
}
