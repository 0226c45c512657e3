package api

import "context"

type unroutedAssignIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The unrouted event's number, from GET /unrouted."`
	Body struct {
		Org string `json:"org" minLength:"1" maxLength:"20" example:"RXA" doc:"The ODS code of the organisation the event's address or name belongs to."`
	}
}

// unroutedAssign gives an event nobody owned to the organisation an analyst knows it
// belongs to, raising that organisation's alert.
func (a *API) unroutedAssign(ctx context.Context, in *unroutedAssignIn) (*alertResult, error) {
	al, err := a.app.EarlyWarning.Assign(ctx, principal(ctx), in.ID, in.Body.Org)
	if err != nil {
		return nil, err
	}
	return &alertResult{Body: alertOut(al)}, nil
}
