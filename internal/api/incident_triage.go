package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/incidents"
)

type incidentTriageIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The incident's number."`
	Body struct {
		Category            *int            `json:"category,omitempty" minimum:"1" maximum:"6" doc:"The NCSC category."`
		Severity            *vigil.Severity `json:"severity,omitempty" enum:"low,medium,high,critical"`
		Assignee            *string         `json:"assignee,omitempty" maxLength:"254" doc:"The analyst's e-mail address; empty unassigns."`
		TLP                 *string         `json:"tlp,omitempty" maxLength:"20" doc:"How far what the report says may be shared."`
		SharedWithSuppliers *bool           `json:"shared_with_suppliers,omitempty" doc:"Let the organisation's suppliers read it (without contacts or files)."`
	}
}

// incidentTriage records an analyst's decisions; what is left out stays as it is.
func (a *API) incidentTriage(ctx context.Context, in *incidentTriageIn) (*incidentResult, error) {
	b := in.Body
	t := incidents.Triage{Severity: b.Severity, Assignee: b.Assignee, SharedWithSuppliers: b.SharedWithSuppliers}
	if b.Category != nil {
		c := vigil.NCSCCategory(*b.Category)
		t.Category = &c
	}
	if b.TLP != nil {
		tlp, _ := vigil.ParseTLP(*b.TLP) // an unknown marking is refused by the use case
		t.TLP = &tlp
	}
	inc, err := a.app.Incidents.Triage(ctx, principal(ctx), in.ID, t)
	if err != nil {
		return nil, fieldsProblem(err)
	}
	return &incidentResult{Body: incidentOut(inc)}, nil
}
