package centre

import (
	"context"
	"fmt"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// raiseAlert raises or repeats an alert inside tx and arranges for the organisation to
// hear of it: every alert raised or repeated goes into the next daily digest, and a new
// high or critical one also gets an immediate message in the outbox. Any flow that
// raises alerts should use it, so that nothing reaches an organisation by one path only.
func (s *Service) raiseAlert(ctx context.Context, tx *store.Store, a vigil.Alert) (id int64, created bool, err error) {
	if id, created, err = tx.RaiseAlert(ctx, a); err != nil {
		return 0, false, err
	}
	if err := tx.QueueDigest(ctx, id, created); err != nil {
		return 0, false, err
	}
	if !created || a.Severity.Rank() < vigil.SeverityHigh.Rank() {
		return id, created, nil
	}
	_, _, err = tx.AddOutbox(ctx, immediateMessage(id, a))
	return id, created, err
}

// immediateMessage is the outbox entry for a new high or critical alert.
func immediateMessage(id int64, a vigil.Alert) vigil.OutboxEntry {
	subject := fmt.Sprintf("%s alert: %s", severityWord(a.Severity), a.Title)
	body := a.Body + "\n\nThis is vigil alert " + strconv.FormatInt(id, 10) +
		". Sign in to vigil to acknowledge it and to record what you did about it."
	return vigil.OutboxEntry{Org: a.Org, Kind: vigil.OutboxImmediate, Subject: shorten(subject, 300), Body: body,
		AlertID: id, DedupKey: "alert|" + strconv.FormatInt(id, 10)}
}

// severityWord is the severity as a capitalised word for subjects and lists.
func severityWord(sev vigil.Severity) string {
	switch sev {
	case vigil.SeverityCritical:
		return "Critical"
	case vigil.SeverityHigh:
		return "High"
	case vigil.SeverityMedium:
		return "Medium"
	}
	return "Low"
}

// shorten cuts s to at most n characters, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
