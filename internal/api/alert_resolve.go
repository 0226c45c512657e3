package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

type alertResolveIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The alert's number."`
	Body struct {
		Note string `json:"note" maxLength:"4000" example:"Blocked the address at the firewall and reset the affected account." doc:"What was done about the alert."`
	}
}

// alertResolve records that an alert has been dealt with, and how.
func (a *API) alertResolve(ctx context.Context, in *alertResolveIn) (*alertResult, error) {
	p := principal(ctx)
	if _, err := a.visibleAlert(ctx, in.ID); err != nil {
		return nil, err
	}
	var al vigil.Alert
	err := a.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if al, err = tx.ResolveAlert(ctx, in.ID, p.Email, in.Body.Note); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "alert.resolve", alertTarget(in.ID), map[string]any{"org": al.Org, "note": al.ResolutionNote})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &alertResult{Body: alertOut(al)}, nil
}
