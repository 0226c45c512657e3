package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type incidentReportIn struct {
	Body vigil.IncidentReport
}

// incidentReport files an incident: an organisation's people for their own, the
// centre for any. Every field to fix is listed in the 422's errors.
func (a *API) incidentReport(ctx context.Context, in *incidentReportIn) (*incidentResult, error) {
	inc, err := a.app.Incidents.Report(ctx, principal(ctx), in.Body)
	if err != nil {
		return nil, fieldsProblem(err)
	}
	return &incidentResult{Body: incidentOut(inc)}, nil
}
