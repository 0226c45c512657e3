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
	res, err := s.RaiseAll(ctx, tx, []Raising{r})
	if err != nil {
		return 0, false, err
	}
	return res[0].ID, res[0].Created, nil
}

// Raised is what raising one alert did.
type Raised struct {
	// ID is the alert's number; Created says it is new rather than a repeat.
	ID      int64
	Created bool
}

// RaiseAll raises or repeats many alerts in the caller's transaction tx, with the same
// outcome as Raise on each in order (a later alert repeating an earlier one of the same
// organisation and dedup key), but in a handful of statements for the whole batch: the
// alerts, their history, the digest queue and the immediate messages are each written
// multi-row. The i-th result is the i-th alert's. Callers that raise many alerts sort
// them by organisation and dedup key, so that concurrent batches lock rows in one order.
func (s *Service) RaiseAll(ctx context.Context, tx *store.Store, rs []Raising) ([]Raised, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	now := s.now().UTC()
	in := make([]store.Raising, len(rs))
	for i, r := range rs {
		a := r.Alert
		a.AckDueAt, a.FixDueAt = s.deadlines.Due(a.Severity, now)
		if r.Due != (vigil.Deadline{}) {
			a.AckDueAt, a.FixDueAt = vigil.Deadlines{a.Severity: r.Due}.Due(a.Severity, now)
		}
		in[i] = store.Raising{Alert: a, Words: r.Words}
	}
	done, err := tx.RaiseAlerts(ctx, in)
	if err != nil {
		return nil, err
	}
	out := make([]Raised, len(done))
	var history []vigil.HistoryEntry
	var queued []store.Queued
	for i, res := range done {
		out[i] = Raised{ID: res.Alert.ID, Created: res.Created}
		history = append(history, raiseHistory(res, now)...)
		queued = append(queued, store.Queued{Alert: res.Alert.ID, New: res.Created})
	}
	if err := tx.AddAlertHistories(ctx, history); err != nil {
		return nil, err
	}
	if err := tx.QueueDigests(ctx, queued); err != nil {
		return nil, err
	}
	return out, s.tell(ctx, tx, in, done)
}

// tell queues the immediate message of each new high or critical alert, and rewrites
// the one still waiting of an alert a repeat marked for named recipients only
// (vigil.NamedOnly), from the alert as that repeat left it.
func (s *Service) tell(ctx context.Context, tx *store.Store, in []store.Raising, done []store.Raised) error {
	named := namedCache{tx: tx}
	var msgs []vigil.OutboxEntry
	narrow := map[int64]vigil.Alert{}
	var narrowOrder []int64
	for i, res := range done {
		a := in[i].Alert
		if !res.Created && vigil.NamedOnly(a.TLP) {
			if _, ok := narrow[res.Alert.ID]; !ok {
				narrowOrder = append(narrowOrder, res.Alert.ID)
			}
			narrow[res.Alert.ID] = res.Alert
		}
		if !res.Created || a.Severity.Rank() < vigil.SeverityHigh.Rank() {
			continue
		}
		msg, err := s.immediate(ctx, &named, res.Alert.ID, a)
		if err != nil {
			return err
		}
		msgs = append(msgs, msg)
	}
	if err := tx.AddOutboxes(ctx, msgs); err != nil {
		return err
	}
	for _, id := range narrowOrder {
		msg, err := s.immediate(ctx, &named, id, narrow[id])
		if err != nil {
			return err
		}
		if _, err := tx.RewritePending(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}

// namedCache reads each organisation's named recipients once per batch.
type namedCache struct {
	tx *store.Store
	by map[string][]string
}

func (n *namedCache) recipients(ctx context.Context, org string) ([]string, error) {
	if to, ok := n.by[org]; ok {
		return to, nil
	}
	to, err := n.tx.NamedRecipients(ctx, org)
	if err != nil {
		return nil, err
	}
	if n.by == nil {
		n.by = map[string][]string{}
	}
	n.by[org] = to
	return to, nil
}

// immediate is the immediate message about alert id, a, addressed to its named
// recipients when it is marked for them.
func (s *Service) immediate(ctx context.Context, named *namedCache, id int64, a vigil.Alert) (vigil.OutboxEntry, error) {
	msg := immediateMessage(id, a)
	if !vigil.NamedOnly(a.TLP) {
		return msg, nil
	}
	var err error
	if msg.Recipients, err = named.recipients(ctx, a.Org); err != nil {
		return msg, err
	}
	msg.Body += "\n\nIt is marked TLP:" + string(a.TLP) + ", so it is sent only to your organisation's administrators " +
		"and named contacts: " + AndList(msg.Recipients, "nobody is named yet; ask the sector centre to add your contacts") + "."
	return msg, nil
}

// raiseHistory is what raising an alert did, for its history: raised, or repeated and,
// when the repeat made it so, severity raised and TLP raised.
func raiseHistory(res store.Raised, now time.Time) []vigil.HistoryEntry {
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
	for i := range entries {
		entries[i].Alert, entries[i].At = a.ID, now
	}
	return entries
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
