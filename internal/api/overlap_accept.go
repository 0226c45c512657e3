package api

import "context"

type overlapAcceptIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The overlap's number."`
	Body struct {
		Note string `json:"note" minLength:"1" maxLength:"2000" example:"The trust hosts this GP practice's network." doc:"Why the overlap is right."`
	}
}

type overlapResult struct {
	Body Overlap
}

// overlapAccept records that an analyst confirmed two organisations' overlapping claims.
func (a *API) overlapAccept(ctx context.Context, in *overlapAcceptIn) (*overlapResult, error) {
	o, err := a.app.Orgs.AcceptOverlap(ctx, principal(ctx), in.ID, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &overlapResult{Body: overlapOut(o)}, nil
}
