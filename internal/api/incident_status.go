package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type incidentStatusIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The incident's number."`
	Body struct {
		Status vigil.IncidentStatus `json:"status" enum:"new,triaged,contained,recovered,closed"`
		Note   string               `json:"note,omitempty" maxLength:"4000" doc:"Why: required to close before recovery, or to reopen."`
	}
}

// incidentStatus moves an incident along its lifecycle.
func (a *API) incidentStatus(ctx context.Context, in *incidentStatusIn) (*incidentResult, error) {
	inc, err := a.app.Incidents.Move(ctx, principal(ctx), in.ID, in.Body.Status, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &incidentResult{Body: incidentOut(inc)}, nil
}
