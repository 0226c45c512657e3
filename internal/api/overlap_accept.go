package api

import (
	"context"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

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
	p := principal(ctx)
	var o vigil.Overlap
	err := a.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if o, err = tx.AcceptOverlap(ctx, in.ID, p.Email, in.Body.Note); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "overlap.accept", "overlap/"+strconv.FormatInt(in.ID, 10),
			map[string]any{"overlap": o.String(), "note": o.Note})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &overlapResult{Body: overlapOut(o)}, nil
}
