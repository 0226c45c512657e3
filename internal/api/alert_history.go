package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

// HistoryEntry is one thing that happened to an alert.
type HistoryEntry struct {
	// At is when it happened.
	At time.Time `json:"at"`
	// Kind says what happened.
	Kind vigil.HistoryKind `json:"kind" enum:"raised,repeated,severity_raised,tlp_raised,acknowledged,resolved,acknowledge_missed,remediate_overdue"`
	// By is who did it; absent for what vigil did.
	By string `json:"by,omitempty"`
	// Note is what they said, for resolved.
	Note string `json:"note,omitempty"`
	// Count is how many times the alert had been seen, for raised and repeated.
	Count int `json:"count,omitempty"`
	// Severity is the alert's severity, for raised and severity_raised.
	Severity vigil.Severity `json:"severity,omitempty"`
	// TLP is the alert's marking, for raised and tlp_raised.
	TLP vigil.TLP `json:"tlp,omitempty"`
	// DueAt is the deadline that was missed, for acknowledge_missed and remediate_overdue.
	DueAt *time.Time `json:"due_at,omitempty"`
	// To are who an escalation went to, for acknowledge_missed (shown to the centre and
	// the organisation only).
	To []string `json:"to,omitempty"`
}

type alertHistoryOut struct {
	Body struct {
		// Entries are the alert's timeline, oldest first.
		Entries []HistoryEntry `json:"entries" nullable:"false"`
	}
}

// alertHistory returns an alert's timeline, for a caller who may see the alert.
func (a *API) alertHistory(ctx context.Context, in *alertIDIn) (*alertHistoryOut, error) {
	h, err := a.app.Alerts.History(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &alertHistoryOut{}
	out.Body.Entries = mapSlice(h, func(e vigil.HistoryEntry) HistoryEntry {
		return HistoryEntry{At: e.At, Kind: e.Kind, By: e.By, Note: e.Note, Count: e.Count, Severity: e.Severity,
			TLP: e.TLP, DueAt: timePtr(e.DueAt), To: e.To}
	})
	return out, nil
}
