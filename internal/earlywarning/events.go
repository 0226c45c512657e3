package earlywarning

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/warn"
)

// eventBatch is how many events one transaction commits: large enough that a big upload
// is not one commit per event, small enough that the SQLite writer is not held for long.
const eventBatch = 1000

// EventsResult is what one events upload did.
type EventsResult struct {
	// Accepted events were valid; Routed of them reached at least one organisation and
	// Unrouted matched nobody's assets (kept for analysts).
	Accepted, Routed, Unrouted int
	// Alerts raised and Repeats (deduplicated into an existing alert of the same day).
	Alerts, Repeats int
	// Rejected lines, with line numbers and reasons (the first few).
	Rejected int
	Problems []warn.Problem
}

// IngestEvents reads NDJSON threat events that the sector centre's p uploads, routes each
// to the organisations owning its observable and raises or repeats their alerts; what
// routes nowhere is kept as unrouted, with p as its reporter. Everything counted in the
// result is committed before it returns, in batches, so an upload that stored events is
// audited afterwards and a failed audit write is logged rather than undoing them. When
// reading r or writing fails, the error comes with the result of what was committed
// before it.
func (s *Service) IngestEvents(ctx context.Context, p vigil.Principal, r io.Reader) (EventsResult, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return EventsResult{}, err
	}
	res, err := s.ingestEvents(ctx, p.Email, r)
	if err == nil && res.Accepted > 0 {
		s.auditEvents(ctx, p, res)
	}
	return res, err
}

// auditEvents records an upload that stored events.
func (s *Service) auditEvents(ctx context.Context, p vigil.Principal, res EventsResult) {
	_, err := s.store.Audit(ctx, p.Email, "events.ingest", "events", map[string]any{"accepted": res.Accepted,
		"routed": res.Routed, "unrouted": res.Unrouted, "alerts": res.Alerts, "repeats": res.Repeats, "rejected": res.Rejected})
	if err != nil {
		s.log.ErrorContext(ctx, "audit events upload", slog.Any("error", err))
	}
}

// ingestEvents is IngestEvents without the check and the audit.
func (s *Service) ingestEvents(ctx context.Context, reporter string, r io.Reader) (EventsResult, error) {
	in := &eventIngest{s: s, ctx: ctx, router: s.Router(), reporter: reporter}
	stop := &stopReader{r: r}
	in.stop = stop.stop
	rep, readErr := warn.Parser{Now: s.now}.Parse(stop, in.add)
	in.flush()
	in.res.Rejected, in.res.Problems = rep.Rejected, rep.Problems
	s.metrics.eventsRejected.Add(float64(rep.Rejected))
	if in.err != nil {
		return in.res, in.err
	}
	return in.res, readErr
}

// eventIngest is the state of one upload: the batch being built and what has been
// committed.
type eventIngest struct {
	s        *Service
	ctx      context.Context
	router   *warn.Router
	reporter string
	stop     func(error)

	owners   []string
	alerts   []alerts.Raising
	unrouted []vigil.UnroutedEvent
	pending  eventsCount // counts of the batch, added to res once committed
	res      EventsResult
	err      error
}

// eventsCount is what a batch adds to the result.
type eventsCount struct{ accepted, routed, unrouted int }

// add routes one valid event into the batch, committing the batch when it is full.
func (in *eventIngest) add(_ int, ev vigil.ThreatEvent) {
	if in.err != nil {
		return
	}
	in.pending.accepted++
	in.owners = in.router.Route(ev.ObservableType, ev.Observable, in.owners[:0])
	if len(in.owners) == 0 {
		in.pending.unrouted++
		in.unrouted = append(in.unrouted, vigil.UnroutedEvent{Event: ev, Reporter: in.reporter, DedupKey: warn.DedupKey("", ev)})
	} else {
		in.pending.routed++
		for _, org := range in.owners {
			in.alerts = append(in.alerts, eventAlert(org, ev))
		}
	}
	if in.pending.accepted >= eventBatch {
		in.flush()
	}
}

// flush commits the batch in one transaction; on failure it stops the upload.
func (in *eventIngest) flush() {
	if in.err != nil || in.pending.accepted == 0 {
		return
	}
	// Upsert in key order, so that concurrent uploads about the same observables lock
	// the same rows in the same order rather than deadlocking.
	sortUnrouted(in.unrouted)
	sortRaisings(in.alerts)
	var created, repeated int
	err := in.s.store.Tx(in.ctx, func(tx *store.Store) error {
		created, repeated = 0, 0
		count := func(done []alerts.Raised) {
			for _, d := range done {
				if d.Created {
					created++
				} else {
					repeated++
				}
			}
		}
		done, err := in.s.alerts.RaiseAll(in.ctx, tx, in.alerts)
		if err != nil {
			return err
		}
		count(done)
		// The unrouted events come last: every upload's batches share the few rows of
		// the addresses nobody registered, so their locks are held only from here to
		// the commit rather than across the whole batch, and concurrent uploads do not
		// queue behind one another for the length of a batch.
		kept, err := tx.KeepUnroutedAll(in.ctx, in.unrouted)
		if err != nil {
			return err
		}
		var assigned []alerts.Raising
		for i, k := range kept {
			if k.AssignedOrg != "" {
				// A repeat of an event an analyst assigned is that organisation's, as the
				// first report was: it repeats the alert the assignment raised.
				assigned = append(assigned, eventAlert(k.AssignedOrg, in.unrouted[i].Event))
			}
		}
		if len(assigned) == 0 {
			return nil
		}
		sortRaisings(assigned)
		done, err = in.s.alerts.RaiseAll(in.ctx, tx, assigned)
		count(done)
		return err
	})
	if err != nil {
		in.err = err
		in.stop(err)
		return
	}
	in.commit(created, repeated)
}

// commit adds the committed batch to the result and the metrics, and empties it.
func (in *eventIngest) commit(created, repeated int) {
	p, m := in.pending, in.s.metrics
	in.res.Accepted += p.accepted
	in.res.Routed += p.routed
	in.res.Unrouted += p.unrouted
	in.res.Alerts += created
	in.res.Repeats += repeated
	m.eventsReceived.Add(float64(p.accepted))
	m.eventsUnrouted.Add(float64(p.unrouted))
	in.s.alerts.Counted(vigil.AlertEarlyWarning, created+repeated)
	in.pending = eventsCount{}
	in.alerts, in.unrouted = in.alerts[:0], in.unrouted[:0]
}

// sortRaisings puts alerts in the order their rows are locked: organisation, then
// dedup key, stably. It sorts small keys and moves each alert once: an alert is large,
// and a stable sort of them moved each many times.
func sortRaisings(rs []alerts.Raising) {
	type key struct {
		org, dedup string
		at         int
	}
	keys := make([]key, len(rs))
	for i, r := range rs {
		keys[i] = key{r.Alert.Org, r.Alert.DedupKey, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.org, b.org), strings.Compare(a.dedup, b.dedup), cmp.Compare(a.at, b.at))
	})
	sorted := make([]alerts.Raising, len(rs))
	for i, k := range keys {
		sorted[i] = rs[k.at]
	}
	copy(rs, sorted)
}

// sortUnrouted puts unrouted events in dedup key order, stably, the order their rows
// are upserted in, moving each event once as sortRaisings does.
func sortUnrouted(us []vigil.UnroutedEvent) {
	at := make([]int, len(us))
	for i := range at {
		at[i] = i
	}
	slices.SortFunc(at, func(a, b int) int { return cmp.Or(strings.Compare(us[a].DedupKey, us[b].DedupKey), cmp.Compare(a, b)) })
	sorted := make([]vigil.UnroutedEvent, len(us))
	for i, j := range at {
		sorted[i] = us[j]
	}
	copy(us, sorted)
}

// stopReader ends the stream with an error once stopped, so that the parser stops
// reading an upload whose batches can no longer be committed. The parser reads and
// calls back on one goroutine, so it needs no lock.
type stopReader struct {
	r   io.Reader
	err error
}

func (sr *stopReader) stop(err error) { sr.err = err }

func (sr *stopReader) Read(p []byte) (int, error) {
	if sr.err != nil {
		return 0, sr.err
	}
	return sr.r.Read(p)
}
