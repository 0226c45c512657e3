package api

import "context"

// alertGet returns one alert the caller may see.
func (a *API) alertGet(ctx context.Context, in *alertIDIn) (*alertResult, error) {
	al, err := a.visibleAlert(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &alertResult{Body: alertOut(al)}, nil
}
