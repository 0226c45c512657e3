package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/vigil-health/vigil"
)

// keptSpan is how many indicator ids a kept range covers: range k holds the ids
// k*keptSpan to (k+1)*keptSpan-1. Migration 00037's triggers divide by it.
const keptSpan = 8192

// keptQueue is how many encoded ranges wait for the write-back at most. The write-back
// runs beside the read, so that the blobs (42 bytes an indicator) are not all held at
// the rebuild's peak of memory; a range that finds the queue full (the writer is slower,
// or waits behind an import) is not kept this time rather than make the read wait, and
// the next rebuild reads it from the rows and keeps it.
const keptQueue = 8

// keptBlob is a range read from the rows and encoded, to be written back if nothing
// changed it since the read claimed it (gen).
type keptBlob struct {
	k, gen int64
	blob   []byte
}

// KeepMatchable waits for the write-back of what a read of EachMatchableKept encoded to
// end: call it once the rebuild it served no longer waits (after the new snapshot is
// swapped in). It reports the write-back's first error.
type KeepMatchable func(context.Context) error

// EachMatchableKept is EachMatchable taking each range of ids (keptSpan) from the blob
// the store keeps for it when that blob is still valid (nothing it holds changed since
// it was read), and from the rows otherwise. Ranges whose blob is missing or stale are
// claimed before their rows are read and encoded as they are: keep writes them back,
// each only if nothing changed it since the claim (see migration 00037 and
// docs/adr/0004-kept-matchable-ranges.md). A blob holds what the rows held, nothing
// judged at a time: decay and expiry are for the caller. Inside a transaction it is
// EachMatchable, and keep does nothing.
func (s *Store) EachMatchableKept(ctx context.Context, fn func(*vigil.StoredIndicator) error) (keep KeepMatchable, err error) {
	none := func(context.Context) error { return nil }
	if s.tx != nil {
		return none, s.EachMatchable(ctx, fn)
	}
	if fn, err = s.withListings(ctx, fn); err != nil { // after the ranges are encoded: blobs hold the rows
		return none, err
	}
	lo, hi, _, ok, err := s.idBounds(ctx)
	if err != nil || !ok {
		return none, err
	}
	klo, khi := lo/keptSpan, hi/keptSpan
	claimed, err := s.claimKept(ctx, klo, khi, false)
	if err != nil { // the read does without: every range not valid is read from its rows
		s.log.WarnContext(ctx, "claim the matcher's kept ranges", slog.Any("error", err))
	}
	kw := s.startKeptWriter(ctx, keptQueue, len(claimed) > 0)
	err = s.eachRange(ctx, khi-klo+1, func(ctx context.Context, w *rangeWorker, b *rangeBatch, i int64) error {
		return w.fillKept(ctx, b, klo+i, claimed)
	}, fn, func(kb keptBlob) { kw.offer(kb) })
	kw.close()
	if err != nil {
		_ = kw.wait(ctx)
		return none, err
	}
	return kw.wait, nil
}

// keptWriter writes encoded ranges back on a goroutine of its own, as the read hands
// them over, through a queue of a few.
type keptWriter struct {
	queue chan keptBlob
	done  chan struct{}
	err   error // the first write's error; later ranges are dropped
}

// startKeptWriter starts writing back ranges offered, queue at most waiting. With
// lower (ranges were claimed: there will be blobs to write), SQLite's writer's cache is
// cut to keptWriterCache from the start until the write-back ends: the pages an import
// left cached are handed back before the rebuild's read reaches its peak of memory, and
// the blobs, written once, need no cache. (The next import finds the cache cold, as it
// did when the blobs pushed its pages out.)
func (s *Store) startKeptWriter(ctx context.Context, queue int, lower bool) *keptWriter {
	kw := &keptWriter{queue: make(chan keptBlob, queue), done: make(chan struct{})}
	go func() {
		defer close(kw.done)
		lowered := lower && s.setWriterCache(ctx, keptWriterCache)
		for kb := range kw.queue {
			if kw.err == nil {
				kw.err = s.writeKept(ctx, kb)
			}
		}
		if lowered {
			s.setWriterCache(ctx, writerCache)
		}
	}()
	return kw
}

// setWriterCache sets SQLite's writer's cache_size (a no-op on PostgreSQL) and reports
// whether it did. A failure costs only memory or speed, so it is logged, not returned.
func (s *Store) setWriterCache(ctx context.Context, size string) bool {
	if s.isPG() {
		return false
	}
	if _, err := s.wdb().exec(ctx, `PRAGMA cache_size = `+size); err != nil {
		s.log.WarnContext(ctx, "set the writer's cache size", slog.String("size", size), slog.Any("error", err))
		return false
	}
	return true
}

// offer queues kb for writing back, reporting false (kb is not kept) when the queue is full.
func (kw *keptWriter) offer(kb keptBlob) bool {
	select {
	case kw.queue <- kb:
		return true
	default:
		return false
	}
}

// close says no more ranges come; wait then returns once the queue is written.
func (kw *keptWriter) close() { close(kw.queue) }

func (kw *keptWriter) wait(context.Context) error {
	<-kw.done
	return kw.err
}

// fillKept reads range k into b: from its blob when it is valid, else from the rows,
// encoding them to be kept when the range is claimed (claimed[k] is the generation).
// A blob that does not decode is read from the rows and claimed, to be written anew.
func (w *rangeWorker) fillKept(ctx context.Context, b *rangeBatch, k int64, claimed map[int64]int64) error {
	from, to := k*keptSpan, (k+1)*keptSpan
	gen, ok := claimed[k]
	if !ok {
		blob, err := w.s.keptBlob(ctx, k)
		if err != nil {
			return err
		}
		if blob == nil {
			return w.fillRange(ctx, b, from, to)
		}
		if err := decodeKept(blob, from, to, b); err == nil {
			return nil
		}
		w.s.log.WarnContext(ctx, "a kept range of the matcher's read does not decode: read from the rows",
			slog.Int64("range", k), slog.Int("bytes", len(blob)))
		if again, err := w.s.claimKept(ctx, k, k, true); err == nil {
			gen, ok = again[k]
		}
	}
	if err := w.fillRange(ctx, b, from, to); err != nil || !ok {
		return err
	}
	w.s.keptHook(ctx, "read", k)
	if w.enc == nil {
		w.enc = newKeptEncoder(from)
	}
	e := w.enc
	e.reset(from)
	for i := range b.inds {
		e.add(&b.inds[i])
	}
	b.blob = &keptBlob{k: k, gen: gen, blob: e.bytes()}
	return nil
}

// keptBlob returns range k's blob when it is valid, or nil.
func (s *Store) keptBlob(ctx context.Context, k int64) ([]byte, error) {
	var blob []byte
	err := s.rdb().row(ctx, `SELECT b.blob FROM matchable_ranges r JOIN matchable_kept b ON b.k = r.k
		WHERE r.k = ? AND r.stale = 0 AND r.kept_gen = r.gen`, k).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read a kept range: %w", err)
	}
	return blob, nil
}

// claimKept claims the ranges klo to khi that need reading from the rows (those with
// no valid blob, or every one when all) and returns their new generations. On
// PostgreSQL it first takes the exclusive side of the lock every marking statement
// holds shared until its transaction ends, without waiting: then no transaction that
// changed a range without marking it (it was stale already) is still open. When a
// writer holds it, nothing is claimed this time.
func (s *Store) claimKept(ctx context.Context, klo, khi int64, all bool) (map[int64]int64, error) {
	claimed := map[int64]int64{}
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		clear(claimed)
		if s.isPG() {
			var got bool
			if err := c.row(ctx, `SELECT pg_try_advisory_xact_lock(matchable_ranges_lock())`).Scan(&got); err != nil || !got {
				return err
			}
		}
		if _, err := c.exec(ctx, `WITH RECURSIVE r(k) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT k + 1 FROM r WHERE k < ?)
			INSERT INTO matchable_ranges (k) SELECT k FROM r WHERE true ON CONFLICT (k) DO NOTHING`, klo, khi); err != nil {
			return err
		}
		rows, err := c.query(ctx, `UPDATE matchable_ranges SET stale = 0, gen = gen + 1
			WHERE k >= ? AND k <= ? AND (? OR stale = 1 OR kept_gen <> gen) RETURNING k, gen`, klo, khi, all)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, gen int64
			if err := rows.Scan(&k, &gen); err != nil {
				return err
			}
			claimed[k] = gen
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim kept ranges: %w", err)
	}
	return claimed, nil
}

// writeKept writes an encoded range back where nothing changed it since its claim, in a
// transaction of its own so that SQLite's writer is never held for long.
func (s *Store) writeKept(ctx context.Context, kb keptBlob) error {
	s.keptHook(ctx, "write", kb.k)
	err := s.inTx(ctx, func(_ *Store, c conn) error {
		res, err := c.exec(ctx, `UPDATE matchable_ranges SET kept_gen = gen WHERE k = ? AND gen = ? AND stale = 0`, kb.k, kb.gen)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // changed since the claim, or claimed again: not this blob's to write
		}
		_, err = c.exec(ctx, `INSERT INTO matchable_kept (k, blob) VALUES (?, ?)
			ON CONFLICT (k) DO UPDATE SET blob = excluded.blob`, kb.k, kb.blob)
		return err
	})
	if err != nil {
		return fmt.Errorf("write a kept range: %w", err)
	}
	return nil
}

// keptHook calls the test hook of the kept ranges, if one is set: at "read", after a
// claimed range's rows were read, and at "write", before its blob is written back.
func (s *Store) keptHook(ctx context.Context, stage string, k int64) {
	if s.keptTestHook != nil {
		(*s.keptTestHook)(ctx, stage, k)
	}
}

// ForgetKeptMatchable drops every kept range, so that the next read takes every range
// from its rows (and keeps them again): for a tool or migration that rewrites the rows
// behind the triggers' back, and for benchmarks of that first read.
func (s *Store) ForgetKeptMatchable(ctx context.Context) error {
	return s.inTx(ctx, func(_ *Store, c conn) error {
		for _, table := range []string{"matchable_ranges", "matchable_kept"} {
			if _, err := c.exec(ctx, `DELETE FROM `+table); err != nil {
				return fmt.Errorf("forget kept ranges: %w", err)
			}
		}
		return nil
	})
}

// KeptMatchableBytes is how many bytes the kept ranges' blobs hold, what keeping them
// costs the store beside its rows (the table's own overhead aside).
func (s *Store) KeptMatchableBytes(ctx context.Context) (int64, error) {
	var n int64
	if err := s.rdb().row(ctx, `SELECT COALESCE(sum(length(blob)), 0) FROM matchable_kept`).Scan(&n); err != nil {
		return 0, fmt.Errorf("size of the kept ranges: %w", err)
	}
	return n, nil
}
