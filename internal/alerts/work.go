package alerts

import (
	"context"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Ack records that p has seen alert id, in its history too, and audits it (alert.ack). Acknowledging an
// acknowledged alert changes nothing and writes no audit entry; acknowledging a resolved
// one is a conflict; an alert p may not see is not found.
func (s *Service) Ack(ctx context.Context, p vigil.Principal, id int64) (vigil.Alert, error) {
	if err := p.Need(vigil.AlertWorkers...); err != nil {
		return vigil.Alert{}, err
	}
	var al vigil.Alert
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if al, err = visible(ctx, tx, p, id); err != nil {
			return err
		}
		var moved bool
		if al, moved, err = tx.AckAlert(ctx, id, p.Email); err != nil || !moved {
			return err // not moved: already acknowledged, so nothing changes and nothing is audited
		}
		err = tx.AddAlertHistory(ctx, vigil.HistoryEntry{Alert: id, At: s.now().UTC(), Kind: vigil.HistoryAcknowledged, By: p.Email})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "alert.ack", target(id), map[string]any{"org": al.Org})
		return err
	})
	if err != nil {
		return vigil.Alert{}, err
	}
	return al, nil
}

// Resolve records that alert id has been dealt with, by p and how (note, required), in
// its history too, and audits it (alert.resolve). Resolving a resolved alert is a conflict; an alert p may
// not see is not found.
func (s *Service) Resolve(ctx context.Context, p vigil.Principal, id int64, note string) (vigil.Alert, error) {
	if err := p.Need(vigil.AlertWorkers...); err != nil {
		return vigil.Alert{}, err
	}
	var al vigil.Alert
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := visible(ctx, tx, p, id); err != nil {
			return err
		}
		// The store checks the note before the state machine: a missing note is invalid
		// even on a resolved alert, as it always was.
		var err error
		if al, err = tx.ResolveAlert(ctx, id, p.Email, note); err != nil {
			return err
		}
		err = tx.AddAlertHistory(ctx, vigil.HistoryEntry{Alert: id, At: s.now().UTC(), Kind: vigil.HistoryResolved,
			By: p.Email, Note: al.ResolutionNote})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "alert.resolve", target(id), map[string]any{"org": al.Org, "note": al.ResolutionNote})
		return err
	})
	if err != nil {
		return vigil.Alert{}, err
	}
	return al, nil
}

// target names an alert in the audit log.
func target(id int64) string { return "alert/" + strconv.FormatInt(id, 10) }
