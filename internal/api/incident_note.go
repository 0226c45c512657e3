package api

import "context"

type incidentNoteIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The incident's number."`
	Body struct {
		Note string `json:"note" minLength:"1" maxLength:"4000" doc:"What was done or found."`
	}
}

type incidentNoteOut struct {
	Body IncidentEntry
}

// incidentNote adds a note to an incident's timeline: the centre, or the organisation's own people.
func (a *API) incidentNote(ctx context.Context, in *incidentNoteIn) (*incidentNoteOut, error) {
	e, err := a.app.Incidents.AddNote(ctx, principal(ctx), in.ID, in.Body.Note)
	if err != nil {
		return nil, fieldsProblem(err)
	}
	return &incidentNoteOut{Body: IncidentEntry{At: e.At, Kind: e.Kind, By: e.By, Note: e.Note}}, nil
}
