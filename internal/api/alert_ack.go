package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// alertAck records that someone has seen an alert. Acknowledging twice changes
// nothing; acknowledging a resolved alert is a conflict.
func (a *API) alertAck(ctx context.Context, in *alertIDIn) (*alertResult, error) {
	p := principal(ctx)
	al, err := a.visibleAlert(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if al.Status == vigil.AlertAcknowledged {
		return &alertResult{Body: alertOut(al)}, nil // nothing changes, nothing to audit
	}
	err = a.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if al, err = tx.AckAlert(ctx, in.ID, p.Email); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "alert.ack", alertTarget(in.ID), map[string]any{"org": al.Org})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &alertResult{Body: alertOut(al)}, nil
}
