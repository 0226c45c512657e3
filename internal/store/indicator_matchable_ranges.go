package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/vigil-health/vigil"
)

// matchableSpan is how many indicators one statement of EachMatchable reads, on
// average: enough that a statement's start is lost among its rows, few enough that the
// ranges read ahead of the caller hold a few megabytes.
const matchableSpan = 8192

// eachMatchableRanges is EachMatchable read as consecutive ranges of ids, each of about
// span indicators and read by one statement, by a worker per core (rangeWorkers), each
// on its own connection so that decoding rows uses every core (on SQLite, the pure-Go
// engine's own work is most of a read). fn is still called on the caller's goroutine, in id order: worker
// w reads ranges w, w+n, w+2n…, and the caller takes range k from worker k mod n.
//
// Each range is read in its own snapshot, so the indicators are not read at one instant:
// one changed during the read is seen before or after the change, and one removed and
// stored again under a new id may be seen twice or not at all. Every indicator is read
// whole (its claims share its id, so its range). A caller that reads the change counter
// first (Versions) and applies the changes logged after it, as threatintel's rebuild
// does, ends up where one snapshot would: every indicator read differently from the
// state at that count was changed after it, and so is logged after it.
func (s *Store) eachMatchableRanges(ctx context.Context, span int64, fn func(*vigil.StoredIndicator) error) error {
	// Ranges are as wide as the ids are sparse: PostgreSQL spends an id on every row an
	// import offers, stored or not, so that ids spread ever wider than the indicators.
	lo, hi, count, ok, err := s.idBounds(ctx)
	if err != nil || !ok {
		return err
	}
	ranges := max(1, (count+span-1)/span)
	width := (hi-lo)/ranges + 1
	return s.eachRange(ctx, ranges, func(ctx context.Context, w *rangeWorker, b *rangeBatch, k int64) error {
		from := lo + k*width
		return w.fillRange(ctx, b, from, from+width)
	}, fn, nil)
}

// idBounds returns the lowest and highest indicator id and how many there are; ok is
// false when there are none.
func (s *Store) idBounds(ctx context.Context) (lo, hi, count int64, ok bool, err error) {
	// Each of min, max and count is a quick look at an index; together in one SELECT
	// they would be a scan of the table on SQLite.
	var l, h sql.NullInt64
	if err := s.rdb().row(ctx, `SELECT (SELECT min(id) FROM indicators), (SELECT max(id) FROM indicators),
		(SELECT count(*) FROM indicators)`).Scan(&l, &h, &count); err != nil {
		return 0, 0, 0, false, fmt.Errorf("read indicators: %w", err)
	}
	return l.Int64, h.Int64, count, l.Valid, nil
}

// eachRange reads ranges 0 to ranges-1 with read, on rangeWorkers workers, and calls fn
// with their indicators in range order, on the caller's goroutine. It hands keep (when
// not nil) each range read encoded to be kept (rangeBatch.blob).
func (s *Store) eachRange(ctx context.Context, ranges int64, read func(context.Context, *rangeWorker, *rangeBatch, int64) error,
	fn func(*vigil.StoredIndicator) error, keep func(keptBlob)) error {
	n := int(min(ranges, int64(s.rangeWorkers())))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := make([]*rangeWorker, n)
	var wg sync.WaitGroup
	for w := range workers {
		workers[w] = newRangeWorker(s)
		wg.Go(func() {
			defer workers[w].close()
			for k := int64(w); k < ranges; k += int64(n) {
				if !workers[w].read(ctx, func(b *rangeBatch) error { return read(ctx, workers[w], b, k) }) {
					return
				}
			}
		})
	}
	err := deliverRanges(ctx, workers, ranges, fn, keep)
	cancel()
	wg.Wait()
	return err
}

// maxRangeWorkers bounds the connections a rebuild's read holds: past a few, the caller,
// adding what they read one indicator at a time, is what it waits for.
const maxRangeWorkers = 4

// rangeWorkers is how many workers eachMatchableRanges starts: one per core, at most
// maxRangeWorkers, and at most half the read connections, so that a rebuild leaves the
// readers telemetry and people wait on free (on PostgreSQL each worker holds one; on
// SQLite each reads through a connection of its own, but the bound keeps the rebuild's
// share of the cores the same).
func (s *Store) rangeWorkers() int {
	return max(1, min(runtime.GOMAXPROCS(0), maxRangeWorkers, s.r.Stats().MaxOpenConnections/2))
}

// deliverRanges calls fn with the indicators of ranges 0 to ranges-1 in turn, taking
// range k from workers[k mod len(workers)], and hands keep the ranges encoded to be kept.
func deliverRanges(ctx context.Context, workers []*rangeWorker, ranges int64, fn func(*vigil.StoredIndicator) error, keep func(keptBlob)) error {
	for k := range ranges {
		w := workers[k%int64(len(workers))]
		var b *rangeBatch
		select {
		case b = <-w.out:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b.err != nil {
			return b.err
		}
		for i := range b.inds {
			if err := fn(&b.inds[i]); err != nil {
				return err
			}
		}
		if b.blob != nil && keep != nil {
			keep(*b.blob)
		}
		w.free <- b
	}
	return nil
}

// rangeBatch is the indicators of one range, their Sources slices of srcs.
type rangeBatch struct {
	inds []vigil.StoredIndicator
	srcs []vigil.IndicatorSource
	ends []int // inds[i].Sources is srcs[ends[i-1]:ends[i]]
	err  error
	blob *keptBlob // the range encoded to be kept, when the read claimed it
}

// reset empties b for the next range, keeping its arrays.
func (b *rangeBatch) reset() { b.inds, b.srcs, b.ends = b.inds[:0], b.srcs[:0], b.ends[:0] }

// linkSources points each indicator's Sources at its part of srcs, once srcs holds them
// all (appending to it may have moved it).
func (b *rangeBatch) linkSources() {
	start := 0
	for i, end := range b.ends {
		b.inds[i].Sources = b.srcs[start:end:end]
		start = end
	}
}

// rangeWorker reads ranges into batches: out holds those read, free those the caller
// is done with. Two batches in flight let it read one range ahead of the caller. On
// SQLite it reads through a connection of its own (rawSQLite), opened on its first range.
type rangeWorker struct {
	s         *Store
	r         *claimReader
	out, free chan *rangeBatch
	raw       *rawSQLite
	stmt      *rawStmt
	enc       *keptEncoder // encodes the claimed ranges it reads (fillKept)
}

func newRangeWorker(s *Store) *rangeWorker {
	w := &rangeWorker{s: s, r: s.newClaimReader(), out: make(chan *rangeBatch, 2), free: make(chan *rangeBatch, 2)}
	for range 2 { // room for a range of the usual size: growing them copied each several times
		w.free <- &rangeBatch{inds: make([]vigil.StoredIndicator, 0, matchableSpan), srcs: make([]vigil.IndicatorSource, 0, matchableSpan),
			ends: make([]int, 0, matchableSpan)}
	}
	return w
}

// close lets go of the worker's connection, once it reads no more.
func (w *rangeWorker) close() {
	if w.stmt != nil {
		w.stmt.close()
	}
	if w.raw != nil {
		w.raw.close()
	}
}

// read fills a free batch with fill and hands it on, reporting false when the read
// failed or was cancelled.
func (w *rangeWorker) read(ctx context.Context, fill func(*rangeBatch) error) bool {
	var b *rangeBatch
	select {
	case b = <-w.free:
	case <-ctx.Done():
		return false
	}
	b.blob = nil
	b.err = fill(b)
	select {
	case w.out <- b:
	case <-ctx.Done():
		return false
	}
	return b.err == nil
}

// fillRange reads the indicators with ids in [from, to) into b: on SQLite through
// fillSQLite, on PostgreSQL through fillPG.
func (w *rangeWorker) fillRange(ctx context.Context, b *rangeBatch, from, to int64) error {
	b.reset()
	var err error
	if w.s.isPG() {
		err = w.fillPG(ctx, func(si *vigil.StoredIndicator) error {
			b.add(si)
			return nil
		}, from, to)
	} else {
		err = w.fillSQLite(ctx, b, from, to)
	}
	b.linkSources()
	return err
}

// add appends si, its claims copied into b.srcs.
func (b *rangeBatch) add(si *vigil.StoredIndicator) {
	b.srcs = append(b.srcs, si.Sources...)
	b.ends = append(b.ends, len(b.srcs))
	c := *si
	c.Sources = nil
	b.inds = append(b.inds, c)
}

// groupInto reads claim rows ordered by indicator id into b, as eachGroupedBy and add
// would, but filing each claim straight into b.srcs rather than copying it there from
// an indicator of its own first.
func groupInto(rows cursor, scan func() (int64, error), r *claimReader, b *rangeBatch) error {
	for rows.Next() {
		id, err := scan()
		if err != nil {
			return fmt.Errorf("read indicators: %w", err)
		}
		if n := len(b.inds); n == 0 || b.inds[n-1].ID != id {
			if n > 0 {
				b.ends = append(b.ends, len(b.srcs))
			}
			b.inds = append(b.inds, vigil.StoredIndicator{ID: id, Type: r.typVal, Value: r.valueString(), LastSighted: r.lastSighted})
		}
		b.srcs = append(b.srcs, r.src)
	}
	if len(b.inds) > len(b.ends) {
		b.ends = append(b.ends, len(b.srcs))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read indicators: %w", err)
	}
	return nil
}

// matchableRangeSQLite reads a range of ids on SQLite. The claims drive: their primary
// key (indicator_id, source) hands them over in the order asked for, and each indicator
// is then found by its rowid, which costs a tenth less than seeking the key for every
// indicator. CROSS JOIN keeps that order whatever the planner's statistics say (a store
// filled after its last ANALYZE looks empty to it), where another plan would sort every
// range first.
const matchableRangeSQLite = `SELECT ` + matchableColumns + ` FROM indicator_sources s
	CROSS JOIN indicators i ON i.id = s.indicator_id
	WHERE s.indicator_id >= ? AND s.indicator_id < ? ORDER BY s.indicator_id, s.source`

// fillSQLite is fillRange on SQLite, through the worker's own connection.
func (w *rangeWorker) fillSQLite(ctx context.Context, b *rangeBatch, from, to int64) error {
	if w.stmt == nil {
		raw, err := openRawSQLite(w.s.path)
		if err != nil {
			return fmt.Errorf("read indicators: %w", err)
		}
		w.raw = raw
		if w.stmt, err = raw.prepare(matchableRangeSQLite); err != nil {
			return fmt.Errorf("read indicators: %w", err)
		}
	}
	st := w.stmt
	defer st.reset()
	if err := errors.Join(st.bind(1, from), st.bind(2, to)); err != nil {
		return fmt.Errorf("read indicators: %w", err)
	}
	rows := &rawRows{ctx: ctx, st: st}
	return groupInto(rows, func() (int64, error) { return w.r.scanRaw(st) }, w.r, b)
}
