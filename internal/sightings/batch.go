package sightings

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// A batch is written in one transaction when it holds this many distinct index keys or
// sightings, so that memory stays flat and the SQLite writer is never held for long.
const (
	batchKeys      = 32 << 10
	batchSightings = 2 << 10
	// seenMemory bounds the observables remembered as indexed earlier in the same
	// upload, whose keys are then neither computed nor written again. Past it the memory
	// starts afresh: a repeat written twice is ignored by the store.
	seenMemory = 256 << 10
)

// ingest is one telemetry upload in progress. It runs on one goroutine: uploads, not
// lines, are what run in parallel.
type ingest struct {
	s       *Service
	org     string
	orgName string
	clock   eventClock
	snap    *match.Snapshot
	ex      *telemetry.Extractor
	keys    *keyer
	res     TelemetryResult
	flushed TelemetryResult // what earlier flushes counted, for the metrics' deltas

	obs      []vigil.Observable
	ids      []match.ID
	listings map[match.ID]*alerts.Listing
	seen     map[seenKey]int32 // the day each observable was last indexed under, plus one
	batch    telemetryBatch
}

// telemetryBatch is what the lines since the last flush added. A batch may span days:
// each event's keys and sightings go under the UTC day of its own time.
type telemetryBatch struct {
	keys map[dayKey]struct{}
	hits map[hitKey]hitCount
}

// dayKey is an index key on a day (days since 1970).
type dayKey struct {
	day int32
	key indexKey
}

// seenKey is an observable's type and value; the extractor interns the values.
type seenKey struct {
	typ   vigil.IndicatorType
	value string
}

// hitKey is one sighting row of the batch: an observable in a field that matched an
// indicator on a day.
type hitKey struct {
	day   int32
	field string
	typ   vigil.IndicatorType
	value string
	id    match.ID
}

// hitCount is how many events of the batch held a hit, and the earliest and latest of
// their times (Unix nanoseconds).
type hitCount struct {
	n           int64
	first, last int64
}

func (h hitCount) add(at int64) hitCount {
	if h.n == 0 || at < h.first {
		h.first = at
	}
	h.last = max(h.last, at)
	h.n++
	return h
}

func (b *telemetryBatch) full() bool {
	return len(b.keys) >= batchKeys || len(b.hits) >= batchSightings
}

func (s *Service) newIngest(org, name string, snap *match.Snapshot, received time.Time) *ingest {
	return &ingest{s: s, org: org, orgName: name, clock: newEventClock(received, s.retention), snap: snap,
		ex: telemetry.NewExtractor(telemetry.FormatAuto), keys: newKeyer(s.secret),
		listings: map[match.ID]*alerts.Listing{}, seen: map[seenKey]int32{},
		batch: telemetryBatch{keys: map[dayKey]struct{}{}, hits: map[hitKey]hitCount{}}}
}

// line takes one line: its observables go into the batch's index keys, and those that
// match an indicator into its sightings.
func (in *ingest) line(l []byte, tooLong bool, no int64) {
	in.res.Lines++
	if tooLong {
		in.problem(no, "longer than "+strconv.Itoa(maxTelemetryLine>>20)+" MiB; skipped")
		return
	}
	var err error
	in.obs, err = in.ex.Extract(l, in.obs[:0])
	switch {
	case err != nil:
		in.problem(no, err.Error())
		return
	case in.ex.LastBlank():
		in.res.Blank++
		return
	}
	in.res.Events++
	in.res.Observables += int64(len(in.obs))
	at, day := in.when(no)
	for i := range in.obs {
		o := &in.obs[i]
		in.index(day, o)
		in.ids = in.snap.Lookup(*o, in.ids[:0])
		for _, id := range in.ids {
			k := hitKey{day: day, field: o.Field, typ: o.Type, value: o.Value, id: id}
			in.batch.hits[k] = in.batch.hits[k].add(at)
			in.res.Sightings++
		}
	}
}

// when returns the time and day the last line's observables take under the clock-skew
// rules, and counts the events whose time a rule changed.
func (in *ingest) when(no int64) (int64, int32) {
	own, field := in.ex.LastTime()
	at, day, rule := in.clock.place(own, field != "")
	switch rule {
	case timeNone:
		in.res.Untimed++
	case timeFuture:
		in.res.FutureTimes++
		in.clockProblem(in.res.FutureTimes, rule, no, own, field)
	case timeTooOld:
		in.res.OldTimes++
		in.clockProblem(in.res.OldTimes, rule, no, own, field)
	}
	return at, day
}

// clockProblem describes the first event of each clock-skew rule.
func (in *ingest) clockProblem(count int64, rule timeRule, no int64, own time.Time, field string) {
	if count == 1 {
		in.res.TimeProblems = append(in.res.TimeProblems, in.clock.clockProblem(rule, no, own, field))
	}
}

// index adds the observable's keys on day to the batch unless this upload just did: the
// keyed hashes cost more than the rest of the line. Only the last day an observable was
// indexed under is remembered — logs run in time order, so a day once left rarely comes
// back, and a repeat written twice is ignored by the store.
func (in *ingest) index(day int32, o *vigil.Observable) {
	k := seenKey{o.Type, o.Value}
	if in.seen[k] == day+1 {
		return
	}
	if len(in.seen) >= seenMemory {
		clear(in.seen)
	}
	in.seen[k] = day + 1
	in.keys.observableKeys(o.Type, o.Value, func(key indexKey) { in.batch.keys[dayKey{day, key}] = struct{}{} })
}

// flush writes the batch in one transaction: index rows, sightings, alerts. Only then
// are its counts reported, its indicators' decay reset and the batch emptied.
func (in *ingest) flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	days, keys := in.batchKeys()
	if err := in.s.store.PrepareObservableDays(ctx, days...); err != nil {
		return err
	}
	sightings, alerts := in.batchRows()
	var raised, repeats int64
	err := in.s.store.Tx(ctx, func(tx *store.Store) error {
		raised, repeats = 0, 0
		for i, day := range days {
			if err := tx.IndexObservables(ctx, in.org, day, keys[i]); err != nil {
				return err
			}
		}
		if err := tx.AddSightings(ctx, sightings); err != nil {
			return err
		}
		for _, a := range alerts {
			_, created, err := in.s.alerts.Raise(ctx, tx, a)
			if err != nil {
				return err
			}
			if created {
				raised++
			} else {
				repeats++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	in.committed(ctx, raised, repeats)
	return nil
}

// batchKeys returns the days of the batch's index keys, in order, and each day's keys.
func (in *ingest) batchKeys() ([]time.Time, [][][]byte) {
	byDay := map[int32][][]byte{}
	for k := range in.batch.keys {
		byDay[k.day] = append(byDay[k.day], k.key[:])
	}
	order := slices.Sorted(maps.Keys(byDay))
	days, keys := make([]time.Time, len(order)), make([][][]byte, len(order))
	for i, d := range order {
		days[i], keys[i] = dayTime(d), byDay[d]
	}
	return days, keys
}

// batchRows turns the batch's hits into sighting rows and one alert per day, observable
// and indicator.
func (in *ingest) batchRows() ([]vigil.Sighting, []alerts.Raising) {
	type pair struct {
		day   int32
		typ   vigil.IndicatorType
		value string
		id    match.ID
	}
	perPair := map[pair]hitCount{}
	var order []pair
	rows := make([]vigil.Sighting, 0, len(in.batch.hits))
	for h, c := range in.batch.hits {
		l := in.listing(h.id)
		rows = append(rows, vigil.Sighting{Org: in.org, Day: dayTime(h.day), Field: h.field, Observable: h.value,
			ObservableType: h.typ, Indicator: l.Value, IndicatorType: l.Type, Sources: l.Sources, Publishers: l.Publishers,
			Labels: l.Labels, TLP: l.TLP, Count: c.n, FirstSeen: time.Unix(0, c.first).UTC(), LastSeen: time.Unix(0, c.last).UTC()})
		p := pair{h.day, h.typ, h.value, h.id}
		sum, ok := perPair[p]
		if !ok {
			order = append(order, p)
			sum = c
		} else {
			sum = hitCount{n: sum.n + c.n, first: min(sum.first, c.first), last: max(sum.last, c.last)}
		}
		perPair[p] = sum
	}
	raising := make([]alerts.Raising, 0, len(order))
	for _, p := range order {
		c := perPair[p]
		raising = append(raising, sightingAlert(in.org, in.orgName, dayTime(p.day), p.typ, p.value, in.listing(p.id), c.n,
			time.Unix(0, c.first).UTC(), time.Unix(0, c.last).UTC()))
	}
	return rows, raising
}

// listing returns what the snapshot's sources say about indicator id.
func (in *ingest) listing(id match.ID) *alerts.Listing {
	if l, ok := in.listings[id]; ok {
		return l
	}
	e := in.snap.Entry(id)
	l := alerts.NewListing(e.Type, e.Value)
	for _, p := range e.Sources {
		l.Add(p)
	}
	in.listings[id] = l
	return l
}

// committed counts a written batch and starts the next.
func (in *ingest) committed(ctx context.Context, raised, repeats int64) {
	in.res.Alerts += raised
	in.res.AlertRepeats += repeats
	m, was := in.s.metrics, in.flushed
	m.telemetryBytes.Add(float64(in.res.Bytes - was.Bytes))
	m.telemetryEvents.Add(float64(in.res.Events - was.Events))
	m.observables.Add(float64(in.res.Observables - was.Observables))
	m.sightings.Add(float64(in.res.Sightings - was.Sightings))
	in.s.alerts.Counted(vigil.AlertSighting, int(raised+repeats))
	in.flushed = in.res
	sighted := map[match.ID]int64{} // the latest time each indicator was seen in the batch
	for h, c := range in.batch.hits {
		sighted[h.id] = max(sighted[h.id], c.last)
	}
	for id, at := range sighted {
		l := in.listing(id)
		in.s.sighted(ctx, l.Type, l.Value, time.Unix(0, at).UTC())
	}
	clear(in.batch.keys)
	clear(in.batch.hits)
}
