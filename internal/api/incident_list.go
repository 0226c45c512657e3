package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type incidentListIn struct {
	Org      string               `query:"org" maxLength:"20" doc:"Only this organisation's incidents."`
	Status   vigil.IncidentStatus `query:"status" enum:"new,triaged,contained,recovered,closed"`
	Category int                  `query:"category" minimum:"0" maximum:"6" doc:"Only this NCSC category."`
	Assignee string               `query:"assignee" maxLength:"254" doc:"Only the incidents this analyst handles."`
	Open     bool                 `query:"open" doc:"Only incidents not closed."`
	Sort     string               `query:"sort" enum:"newest,oldest,category,status" doc:"newest first (the default), oldest first, most serious category first, or earliest in the lifecycle first."`
	PageParams
}

// incidentList lists the incidents the caller may see: the centre's board, or an
// organisation's own.
func (a *API) incidentList(ctx context.Context, in *incidentListIn) (*pageOut[Incident], error) {
	list, next, err := a.app.Incidents.List(ctx, principal(ctx), vigil.IncidentFilter{Org: in.Org, Status: in.Status,
		Category: vigil.NCSCCategory(in.Category), Assignee: in.Assignee, Open: in.Open, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(list, incidentOut), next), nil
}
