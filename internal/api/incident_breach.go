package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type incidentBreachIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The incident's number."`
	Body struct {
		Likelihood int    `json:"likelihood" minimum:"1" maximum:"5" doc:"That people's rights were affected: 1 not occurred, 2 not likely, 3 likely, 4 highly likely, 5 occurred."`
		Severity   int    `json:"severity" minimum:"1" maximum:"5" doc:"Of the effect: 1 none, 2 minor, 3 some adverse effect, 4 pain and suffering or financial loss, 5 death or catastrophic."`
		Note       string `json:"note,omitempty" maxLength:"4000" doc:"Why, in a sentence or two."`
	}
}

// incidentBreach records the DSPT-grid breach assessment and, when reportable, its deadline.
func (a *API) incidentBreach(ctx context.Context, in *incidentBreachIn) (*incidentResult, error) {
	b := in.Body
	inc, err := a.app.Incidents.AssessBreach(ctx, principal(ctx), in.ID, vigil.BreachAssessment{Likelihood: b.Likelihood,
		Severity: b.Severity, Note: b.Note})
	if err != nil {
		return nil, err
	}
	return &incidentResult{Body: incidentOut(inc)}, nil
}
