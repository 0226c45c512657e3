package api

import "context"

type alertResolveIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The alert's number."`
	Body struct {
		Note string `json:"note" maxLength:"4000" example:"Blocked the address at the firewall and reset the affected account." doc:"What was done about the alert."`
	}
}

// alertResolve records that an alert has been dealt with, and how.
func (a *API) alertResolve(ctx context.Context, in *alertResolveIn) (*alertResult, error) {
	al, err := a.app.Alerts.Resolve(ctx, principal(ctx), in.ID, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &alertResult{Body: alertOut(al)}, nil
}
