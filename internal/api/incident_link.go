package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/incidents"
)

type incidentLinkIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The incident's number."`
	Body struct {
		Kind vigil.IncidentLinkKind `json:"kind" enum:"alert,indicator,org"`
		Ref  string                 `json:"ref" minLength:"1" maxLength:"2000" doc:"The alert's number, the ODS code, or the indicator (type:value, or a value whose type is clear; defanged is fine)."`
		Type vigil.IndicatorType    `json:"type,omitempty" doc:"The indicator's type, when ref does not make it clear."`
		TLP  string                 `json:"tlp,omitempty" maxLength:"20" doc:"How far an indicator may be shared; the incident's marking when absent."`
		Note string                 `json:"note,omitempty" maxLength:"1000"`
	}
}

type incidentLinkOut struct {
	Body IncidentLink
}

// incidentLink links an incident to an alert, an indicator or another organisation.
func (a *API) incidentLink(ctx context.Context, in *incidentLinkIn) (*incidentLinkOut, error) {
	b := in.Body
	tlp, ok := vigil.ParseTLP(b.TLP)
	if b.TLP != "" && !ok {
		return nil, vigil.Errorf(vigil.EINVALID, "tlp %q is not a TLP 2.0 marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", b.TLP)
	}
	l, err := a.app.Incidents.Link(ctx, principal(ctx), in.ID, incidents.NewLink{Kind: b.Kind, Ref: b.Ref, Type: b.Type, TLP: tlp, Note: b.Note})
	if err != nil {
		return nil, fieldsProblem(err)
	}
	return &incidentLinkOut{Body: linkOut(l)}, nil
}
