package api

import "context"

// incidentBreachReported records that the breach was reported to the national service.
func (a *API) incidentBreachReported(ctx context.Context, in *incidentIDIn) (*incidentResult, error) {
	inc, err := a.app.Incidents.MarkBreachReported(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &incidentResult{Body: incidentOut(inc)}, nil
}
