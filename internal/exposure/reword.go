package exposure

import (
	"context"
	"fmt"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// reword brings an organisation's open alert about finding e up to date with what the
// check found: another component affected, one no longer affected (upgraded, or closed by
// a VEX statement), another fix published. Its title, body and component list are written
// as a new alert about e would be, so the alert always lists the components affected now
// and what fixes them. Nothing else moves: no second alert, no message, no new deadline
// (a change that makes it more urgent is a repeat, which raising handles), and an alert
// whose words are already these is not written at all. A resolved alert keeps the words
// it was resolved with.
func (r *reconcile) reword(ctx context.Context, e vigil.Exposure) error {
	return rewordAlert(ctx, r.s, r.tx, e)
}

// rewordAlert is reword in transaction tx, for a batch's repeats too.
func rewordAlert(ctx context.Context, s *Service, tx *store.Store, e vigil.Exposure) error {
	if e.AlertID == 0 || len(e.Components) == 0 {
		return nil
	}
	a, err := tx.GetAlert(ctx, e.AlertID)
	if err != nil {
		return fmt.Errorf("alert %d for %s: %w", e.AlertID, e.Vuln, err)
	}
	want := s.raising(e).Alert
	if a.Status == vigil.AlertResolved || a.Title == want.Title && a.Body == want.Body && a.Observable == want.Observable {
		return nil
	}
	return tx.RedescribeAlert(ctx, e.AlertID, want.Title, want.Body, want.Observable)
}
