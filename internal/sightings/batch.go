package sightings

import (
	"context"
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
	day     time.Time
	snap    *match.Snapshot
	ex      *telemetry.Extractor
	keys    *keyer
	res     TelemetryResult
	flushed TelemetryResult // what earlier flushes counted, for the metrics' deltas

	obs      []vigil.Observable
	ids      []match.ID
	listings map[match.ID]*alerts.Listing
	seen     map[seenKey]struct{}
	batch    telemetryBatch
}

// telemetryBatch is what the lines since the last flush added.
type telemetryBatch struct {
	keys map[indexKey]struct{}
	hits map[hitKey]int64
}

// seenKey is an observable's type and value; the extractor interns the values.
type seenKey struct {
	typ   vigil.IndicatorType
	value string
}

// hitKey is one sighting row of the batch: an observable in a field that matched an indicator.
type hitKey struct {
	field string
	typ   vigil.IndicatorType
	value string
	id    match.ID
}

func (b *telemetryBatch) full() bool {
	return len(b.keys) >= batchKeys || len(b.hits) >= batchSightings
}

func (s *Service) newIngest(org, name string, snap *match.Snapshot) *ingest {
	return &ingest{s: s, org: org, orgName: name, day: vigil.DayOf(s.now()), snap: snap,
		ex: telemetry.NewExtractor(telemetry.FormatAuto), keys: newKeyer(s.secret),
		listings: map[match.ID]*alerts.Listing{}, seen: map[seenKey]struct{}{},
		batch: telemetryBatch{keys: map[indexKey]struct{}{}, hits: map[hitKey]int64{}}}
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
	for i := range in.obs {
		o := &in.obs[i]
		in.index(o)
		in.ids = in.snap.Lookup(*o, in.ids[:0])
		for _, id := range in.ids {
			in.batch.hits[hitKey{field: o.Field, typ: o.Type, value: o.Value, id: id}]++
			in.res.Sightings++
		}
	}
}

// index adds the observable's keys to the batch unless this upload already did: the
// keyed hashes cost more than the rest of the line.
func (in *ingest) index(o *vigil.Observable) {
	k := seenKey{o.Type, o.Value}
	if _, done := in.seen[k]; done {
		return
	}
	if len(in.seen) >= seenMemory {
		clear(in.seen)
	}
	in.seen[k] = struct{}{}
	in.keys.observableKeys(o.Type, o.Value, in.addKey)
}

func (in *ingest) addKey(k indexKey) { in.batch.keys[k] = struct{}{} }

// flush writes the batch in one transaction: index rows, sightings, alerts. Only then
// are its counts reported, its indicators' decay reset and the batch emptied.
func (in *ingest) flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := in.s.now()
	keys := in.batchKeys()
	sightings, alerts := in.batchRows(now)
	var raised, repeats int64
	err := in.s.store.Tx(ctx, func(tx *store.Store) error {
		raised, repeats = 0, 0
		if err := tx.IndexObservables(ctx, in.org, in.day, keys); err != nil {
			return err
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
	in.committed(ctx, raised, repeats, now)
	return nil
}

// batchKeys returns the batch's index keys.
func (in *ingest) batchKeys() [][]byte {
	out := make([][]byte, 0, len(in.batch.keys))
	for k := range in.batch.keys {
		out = append(out, k[:])
	}
	return out
}

// batchRows turns the batch's hits into sighting rows and one alert per observable and
// indicator.
func (in *ingest) batchRows(now time.Time) ([]vigil.Sighting, []alerts.Raising) {
	type pair struct {
		typ   vigil.IndicatorType
		value string
		id    match.ID
	}
	perPair := map[pair]int64{}
	var order []pair
	rows := make([]vigil.Sighting, 0, len(in.batch.hits))
	for h, n := range in.batch.hits {
		l := in.listing(h.id)
		rows = append(rows, vigil.Sighting{Org: in.org, Day: in.day, Field: h.field, Observable: h.value,
			ObservableType: h.typ, Indicator: l.Value, IndicatorType: l.Type, Sources: l.Sources, Labels: l.Labels,
			TLP: l.TLP, Count: n, FirstSeen: now, LastSeen: now})
		p := pair{h.typ, h.value, h.id}
		if _, ok := perPair[p]; !ok {
			order = append(order, p)
		}
		perPair[p] += n
	}
	raising := make([]alerts.Raising, 0, len(order))
	for _, p := range order {
		raising = append(raising, sightingAlert(in.org, in.orgName, in.day, p.typ, p.value, in.listing(p.id), perPair[p], now))
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
func (in *ingest) committed(ctx context.Context, raised, repeats int64, now time.Time) {
	in.res.Alerts += raised
	in.res.AlertRepeats += repeats
	m, was := in.s.metrics, in.flushed
	m.telemetryBytes.Add(float64(in.res.Bytes - was.Bytes))
	m.telemetryEvents.Add(float64(in.res.Events - was.Events))
	m.observables.Add(float64(in.res.Observables - was.Observables))
	m.sightings.Add(float64(in.res.Sightings - was.Sightings))
	in.s.alerts.Counted(vigil.AlertSighting, int(raised+repeats))
	in.flushed = in.res
	sighted := map[match.ID]bool{}
	for h := range in.batch.hits {
		if !sighted[h.id] {
			sighted[h.id] = true
			l := in.listing(h.id)
			in.s.sighted(ctx, l.Type, l.Value, now)
		}
	}
	clear(in.batch.keys)
	clear(in.batch.hits)
}
