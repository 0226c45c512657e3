package alerts

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Raise raises or repeats an alert inside the caller's transaction tx and arranges for
// the organisation to hear of it: every alert raised or repeated goes into the next daily
// digest, and a new high or critical one also gets an immediate message in the outbox.
// When the alert is marked TLP:RED or TLP:AMBER+STRICT (vigil.NamedOnly), that message
// names its recipients, the organisation's administrators and named contacts, rather
// than going to everyone; a repeat so marked narrows and rewords such a message that
// has not been sent yet.
// A repeat merges into the stored alert (vigil.Alert.Merge), taking the stricter TLP of
// the two; when that changes its sources or TLP, r.Words (the raising flow's wording,
// nil to keep the old words) rewrites its title and body from the merged alert in the
// same transaction, so that its sharing line and source names match what it now holds.
// The visibility rule reads the stored TLP, so an alert whose marking rose is hidden
// from those it no longer reaches as soon as tx commits.
// The alert gets its severity's deadlines (Deps.Deadlines) counted from now; a repeat
// brings the stored ones in when its own are earlier (vigil.Alert.Merge). What happened
// goes into the alert's history: raised, or repeated and, when the repeat made it so,
// severity raised and TLP raised.
// It runs in the caller's transaction because the flows that raise alerts write other
// rows with them (a telemetry batch writes its sightings too). Every flow that raises
// alerts calls it, so that nothing reaches an organisation by one path only.
func (s *Service) Raise(ctx context.Context, tx *store.Store, r Raising) (id int64, created bool, err error) {
	a := r.Alert
	now := s.now().UTC()
	a.AckDueAt, a.FixDueAt = s.deadlines.Due(a.Severity, now)
	if r.Due != (vigil.Deadline{}) {
		a.AckDueAt, a.FixDueAt = vigil.Deadlines{a.Severity: r.Due}.Due(a.Severity, now)
	}
	res, err := tx.RaiseAlertMerged(ctx, a, r.Words)
	if err != nil {
		return 0, false, err
	}
	id, created = res.Alert.ID, res.Created
	if err := writeRaiseHistory(ctx, tx, res, now); err != nil {
		return 0, false, err
	}
	if err := tx.QueueDigest(ctx, id, created); err != nil {
		return 0, false, err
	}
	if !created && vigil.NamedOnly(a.TLP) {
		return id, created, s.narrowPending(ctx, tx, id)
	}
	if !created || a.Severity.Rank() < vigil.SeverityHigh.Rank() {
		return id, created, nil
	}
	msg, err := s.immediate(ctx, tx, id, a)
	if err != nil {
		return 0, false, err
	}
	_, _, err = tx.AddOutbox(ctx, msg)
	return id, created, err
}

// immediate is the immediate message about alert id, a, addressed to its named
// recipients when it is marked for them.
func (s *Service) immediate(ctx context.Context, tx *store.Store, id int64, a vigil.Alert) (vigil.OutboxEntry, error) {
	msg := immediateMessage(id, a)
	if !vigil.NamedOnly(a.TLP) {
		return msg, nil
	}
	var err error
	if msg.Recipients, err = tx.NamedRecipients(ctx, a.Org); err != nil {
		return msg, err
	}
	msg.Body += "\n\nIt is marked TLP:" + string(a.TLP) + ", so it is sent only to your organisation's administrators " +
		"and named contacts: " + AndList(msg.Recipients, "nobody is named yet; ask the sector centre to add your contacts") + "."
	return msg, nil
}

// narrowPending rewrites the immediate message of alert id, if one still waits to be
// sent, from the alert as it now stands: a repeat marked TLP:RED or AMBER+STRICT made it
// one for named recipients, and its words changed with it.
func (s *Service) narrowPending(ctx context.Context, tx *store.Store, id int64) error {
	merged, err := tx.GetAlert(ctx, id)
	if err != nil {
		return err
	}
	msg, err := s.immediate(ctx, tx, id, merged)
	if err != nil {
		return err
	}
	_, err = tx.RewritePending(ctx, msg)
	return err
}

// writeRaiseHistory records in the alert's history what raising it did.
func writeRaiseHistory(ctx context.Context, tx *store.Store, res store.Raised, now time.Time) error {
	a, was := res.Alert, res.Was
	entries := []vigil.HistoryEntry{{Kind: vigil.HistoryRaised, Count: a.Count, Severity: a.Severity, TLP: a.TLP}}
	if !res.Created {
		entries = []vigil.HistoryEntry{{Kind: vigil.HistoryRepeated, Count: a.Count}}
		if a.Severity.Rank() > was.Severity.Rank() {
			entries = append(entries, vigil.HistoryEntry{Kind: vigil.HistorySeverityRaised, Severity: a.Severity})
		}
		if a.TLP.Rank() > was.TLP.Rank() {
			entries = append(entries, vigil.HistoryEntry{Kind: vigil.HistoryTLPRaised, TLP: a.TLP})
		}
	}
	for _, e := range entries {
		e.Alert, e.At = a.ID, now
		if err := tx.AddAlertHistory(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// ResolveFixed resolves alert id inside the caller's transaction tx for a flow that
// found the problem gone (a vulnerability no longer in the inventory), with note saying
// why, in its history too. An alert already resolved is left as it is (false).
func (s *Service) ResolveFixed(ctx context.Context, tx *store.Store, id int64, note string) (bool, error) {
	a, err := tx.GetAlert(ctx, id)
	if err != nil || a.Status == vigil.AlertResolved {
		return false, err
	}
	if a, err = tx.ResolveAlert(ctx, id, SystemActor, note); err != nil {
		return false, err
	}
	err = tx.AddAlertHistory(ctx, vigil.HistoryEntry{Alert: id, At: s.now().UTC(), Kind: vigil.HistoryResolved,
		By: SystemActor, Note: a.ResolutionNote})
	return err == nil, err
}

// SystemActor is who the history names for what vigil itself did to an alert.
const SystemActor = "vigil"

// Raising is an alert a flow raises, with the way that flow words it.
type Raising struct {
	// Alert is the alert, worded for what it holds.
	Alert vigil.Alert
	// Words words the alert again from the merged sources and TLP of a repeat; nil keeps
	// a repeat's title and body.
	Words vigil.AlertWords
	// Due, when not zero, replaces the severity's deadlines (Deps.Deadlines): a
	// vulnerability CISA lists as exploited is chased as a high one whatever its score.
	Due vigil.Deadline
}

// Worded is the Raising of a, its title and body written by words from what it holds.
func Worded(a vigil.Alert, words vigil.AlertWords) Raising {
	a.Title, a.Body = words(a)
	return Raising{Alert: a, Words: words}
}

// Counted adds n alerts of a kind, raised or repeated and committed, to the metrics. The
// flows call it after their transaction commits, so that a rolled-back batch counts nothing.
func (s *Service) Counted(kind vigil.AlertKind, n int) {
	s.raised.WithLabelValues(string(kind)).Add(float64(n))
}

// Collectors returns the Service's Prometheus collectors, for the server's /metrics.
func (s *Service) Collectors() []prometheus.Collector { return []prometheus.Collector{s.raised} }

// newRaisedCounter counts alerts raised or repeated, by kind.
func newRaisedCounter() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_alerts_raised_total",
		Help: "Alerts raised or repeated, by kind."}, []string{"kind"})
}

// immediateMessage is the outbox entry for a new high or critical alert.
func immediateMessage(id int64, a vigil.Alert) vigil.OutboxEntry {
	subject := fmt.Sprintf("%s alert: %s", SeverityWord(a.Severity), a.Title)
	body := a.Body + "\n\nThis is vigil alert " + strconv.FormatInt(id, 10) +
		". Sign in to vigil to acknowledge it and to record what you did about it."
	return vigil.OutboxEntry{Org: a.Org, Kind: vigil.OutboxImmediate, Subject: Shorten(subject, 300), Body: body,
		AlertID: id, TLP: a.TLP, DedupKey: "alert|" + strconv.FormatInt(id, 10)}
}
