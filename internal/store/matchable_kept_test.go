package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// readKept reads every matchable indicator through the kept ranges, writes back what
// was read from rows, and returns what was read.
func readKept(t *testing.T, s *store.Store) []vigil.StoredIndicator {
	t.Helper()
	var out []vigil.StoredIndicator
	keep, err := s.EachMatchableKept(t.Context(), collectMatchable(&out))
	if err != nil {
		t.Fatal(err)
	}
	if err := keep(t.Context()); err != nil {
		t.Fatal(err)
	}
	return out
}

// readDirect reads every matchable indicator from the rows, the kept ranges bypassed.
func readDirect(t *testing.T, s *store.Store) []vigil.StoredIndicator {
	t.Helper()
	var out []vigil.StoredIndicator
	if err := s.EachMatchable(t.Context(), collectMatchable(&out)); err != nil {
		t.Fatal(err)
	}
	return out
}

func collectMatchable(out *[]vigil.StoredIndicator) func(*vigil.StoredIndicator) error {
	return func(si *vigil.StoredIndicator) error {
		c := *si
		c.Sources = append([]vigil.IndicatorSource(nil), si.Sources...)
		*out = append(*out, c)
		return nil
	}
}

// validKept counts the ranges whose blob a read would take.
func validKept(t *testing.T, s *store.Store) int64 {
	t.Helper()
	n, err := s.QueryInt(t.Context(), `SELECT count(*) FROM matchable_ranges WHERE stale = 0 AND kept_gen = gen`)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// readRanges is how many kept ranges a read goes through.
func readRanges(t *testing.T, s *store.Store) int64 {
	t.Helper()
	n, err := s.QueryInt(t.Context(), `SELECT max(id) / 8192 - min(id) / 8192 + 1 FROM indicators`)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// seedKept stores indicators in two kept ranges (ids below 8192 and one at 9000) from
// two sources, one of them a feed, and reads them once so that both ranges are kept.
func seedKept(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.CreateFeed(ctx, feed("feed-b")); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 890123000, time.UTC)
	full := vigil.Provenance{Publisher: "CERT", TLP: vigil.TLPAmber, Reliability: 'A', Credibility: 1, Confidence: 60,
		ValidFrom: at, ValidUntil: at.AddDate(1, 0, 0), FirstSeen: at.Add(-time.Hour), LastSeen: at, Labels: []string{"c2", "x\ty"}}
	var a, b []vigil.Indicator
	for i := range 6 {
		p := full
		p.Ref = fmt.Sprint("line ", i)
		a = append(a, vigil.Indicator{Type: vigil.TypeIPv4, Value: fmt.Sprintf("192.0.2.%d", i), Provenance: p})
		b = append(b, vigil.Indicator{Type: vigil.TypeDomain, Value: fmt.Sprintf("d%d.example", i), Provenance: vigil.Provenance{Confidence: -1}})
	}
	far := vigil.Indicator{Type: vigil.TypeDomain, Value: "far.example", Provenance: full}
	b = append(b, a[0])
	store := func(source string, inds ...vigil.Indicator) {
		if _, err := s.UpsertSourceIndicators(ctx, source, inds); err != nil {
			t.Fatal(err)
		}
	}
	store("feed-a", a...)
	store("feed-b", b...)
	// SQLite numbers new rows after the highest id: the far one comes last
	if _, err := s.ExecRaw(ctx, `INSERT INTO indicators (id, type, value) VALUES (9000, 'domain', 'far.example')`); err != nil {
		t.Fatal(err)
	}
	store("feed-a", far)
	store("feed-b", far)
	readKept(t, s)
	if n := validKept(t, s); n != 2 {
		t.Fatalf("%d kept ranges after the first read, want 2", n)
	}
}

// TestKeptRangesFollowEveryWrite checks, for every way the rows a matcher rebuild reads
// change, that the read through the kept ranges afterwards equals the read from the
// rows: the change marked its range stale, and the stale range was read again.
func TestKeptRangesFollowEveryWrite(t *testing.T) {
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	relabel := func(p *vigil.Provenance) { p.Labels = []string{"relabelled"} }
	upsert := func(source string, change func(*vigil.Provenance), values ...string) func(context.Context, *store.Store) error {
		return func(ctx context.Context, s *store.Store) error {
			var inds []vigil.Indicator
			for _, v := range values {
				typ := vigil.TypeIPv4
				if v == "far.example" || v[0] == 'd' {
					typ = vigil.TypeDomain
				}
				ind := vigil.Indicator{Type: typ, Value: v, Provenance: vigil.Provenance{Confidence: 10, Ref: "line 0"}}
				change(&ind.Provenance)
				inds = append(inds, ind)
			}
			_, err := s.UpsertSourceIndicators(ctx, source, inds)
			return err
		}
	}
	raw := func(q string, args ...any) func(context.Context, *store.Store) error {
		return func(ctx context.Context, s *store.Store) error {
			_, err := s.ExecRaw(ctx, q, args...)
			return err
		}
	}
	tests := []struct {
		name   string
		change func(context.Context, *store.Store) error
	}{
		{"claim added to a kept indicator", upsert("feed-c", func(*vigil.Provenance) {}, "192.0.2.3")},
		{"indicator added", upsert("feed-a", func(*vigil.Provenance) {}, "198.51.100.1")},
		{"labels changed", upsert("feed-b", relabel, "far.example")},
		{"confidence changed", upsert("feed-b", func(p *vigil.Provenance) { p.Confidence = 99 }, "d1.example")},
		{"TLP changed", upsert("feed-b", func(p *vigil.Provenance) { p.TLP = vigil.TLPRed }, "d2.example")},
		{"validity changed", upsert("feed-b", func(p *vigil.Provenance) { p.ValidUntil = at }, "d3.example")},
		{"publisher changed", upsert("feed-b", func(p *vigil.Provenance) { p.Publisher = "someone" }, "d4.example")},
		{"grade changed", raw(`UPDATE indicator_sources SET reliability = 'C', credibility = 3 WHERE source = 'feed-a'`)},
		{"ref changed", raw(`UPDATE indicator_sources SET ref = 'moved' WHERE source = 'feed-a'`)},
		{"first and last seen changed", raw(`UPDATE indicator_sources SET first_seen = NULL, last_seen = NULL WHERE source = 'feed-a'`)},
		{"published changed", raw(`UPDATE indicator_sources SET published_at = ? WHERE source = 'feed-b'`, "2026-05-06T07:08:09.000000Z")},
		{"kept as intelligence only", raw(`UPDATE indicator_sources SET not_for_matching = 'warninglist' WHERE source = 'feed-b'`)},
		{"claim moved to another indicator", func(ctx context.Context, s *store.Store) error {
			if err := raw(`INSERT INTO indicators (id, type, value) VALUES (9001, 'domain', 'moved.example')`)(ctx, s); err != nil {
				return err
			}
			return raw(`UPDATE indicator_sources SET indicator_id = 9001 WHERE source = 'feed-b' AND indicator_id =
				(SELECT id FROM indicators WHERE value = 'd0.example')`)(ctx, s)
		}},
		{"indicator's value rewritten", raw(`UPDATE indicators SET value = 'renamed.example' WHERE id = 9000`)},
		{"claims withdrawn (complete pull)", func(ctx context.Context, s *store.Store) error {
			_, err := s.ReplaceSourceIndicators(ctx, "feed-a", []vigil.Indicator{{Type: vigil.TypeIPv4, Value: "192.0.2.1"}})
			return err
		}},
		{"claim deleted", raw(`DELETE FROM indicator_sources WHERE indicator_id = 9000 AND source = 'feed-b'`)},
		{"indicator deleted", raw(`DELETE FROM indicators WHERE id = 9000`)},
		{"source renamed", func(ctx context.Context, s *store.Store) error {
			f, err := s.GetFeedByName(ctx, "feed-b")
			if err == nil {
				name := "feed-renamed"
				_, err = s.UpdateFeed(ctx, f.ID, vigil.FeedPatch{Name: &name})
			}
			return err
		}},
		{"feed deleted", func(ctx context.Context, s *store.Store) error {
			f, err := s.GetFeedByName(ctx, "feed-b")
			if err == nil {
				_, _, err = s.DeleteFeed(ctx, f.ID)
			}
			return err
		}},
		{"sighted", func(ctx context.Context, s *store.Store) error {
			return s.MarkSighted(ctx, vigil.TypeDomain, "far.example", at)
		}},
		{"sighted in the low range", func(ctx context.Context, s *store.Store) error {
			return s.MarkSighted(ctx, vigil.TypeIPv4, "192.0.2.5", at)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				seedKept(t, s)
				before := readDirect(t, s)
				if err := tc.change(t.Context(), s); err != nil {
					t.Fatal(err)
				}
				want := readDirect(t, s)
				if cmp.Equal(before, want) {
					t.Fatal("the change changed nothing a rebuild reads: the case tests nothing")
				}
				if diff := cmp.Diff(want, readKept(t, s)); diff != "" {
					t.Errorf("read through the kept ranges after the change (-rows +kept):\n%s", diff)
				}
				if diff := cmp.Diff(want, readKept(t, s)); diff != "" { // now from the blobs written back
					t.Errorf("second read through the kept ranges (-rows +kept):\n%s", diff)
				}
				if n, want := validKept(t, s), readRanges(t, s); n != want {
					t.Errorf("%d kept ranges valid after the second read, want %d", n, want)
				}
			})
		})
	}
}

// TestKeptRangeCorruptIsReadFromRows checks that a blob that does not decode (its bytes
// changed, cut short, or replaced by one of another range) is read from the rows instead
// and written anew.
func TestKeptRangeCorruptIsReadFromRows(t *testing.T) {
	for _, tc := range []struct{ name, set string }{
		{"bytes changed", `blob = ?`},
		{"empty", `blob = ?`},
		{"another range's", `blob = (SELECT blob FROM matchable_kept WHERE k = 1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := t.Context()
				seedKept(t, s)
				want := readDirect(t, s)
				var args []any
				switch tc.name {
				case "bytes changed":
					args = append(args, []byte("\x01\x05not a range at all, though the version byte fits"))
				case "empty":
					args = append(args, []byte{})
				}
				if n, err := s.ExecRaw(ctx, `UPDATE matchable_kept SET `+tc.set+` WHERE k = 0`, args...); err != nil || n != 1 {
					t.Fatalf("corrupt the blob: %d rows, %v", n, err)
				}
				if diff := cmp.Diff(want, readKept(t, s)); diff != "" {
					t.Errorf("read with a corrupt kept range (-rows +kept):\n%s", diff)
				}
				if diff := cmp.Diff(want, readKept(t, s)); diff != "" {
					t.Errorf("read after the corrupt range was written anew (-rows +kept):\n%s", diff)
				}
				if n := validKept(t, s); n != 2 {
					t.Errorf("%d kept ranges valid, want 2: the corrupt one was not written anew", n)
				}
			})
		})
	}
}

// TestKeptRangeChangedDuringReadIsNotKept forces a change to commit after a claimed
// range's rows were read but before its blob is written back, and another before the
// write: neither may be lost, on this store or on a second one sharing the database.
func TestKeptRangeChangedDuringReadIsNotKept(t *testing.T) {
	for _, stage := range []string{"read", "write"} {
		t.Run(stage, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := t.Context()
				seedKept(t, s)
				if _, err := s.ExecRaw(ctx, `UPDATE matchable_ranges SET stale = 1`); err != nil {
					t.Fatal(err)
				}
				changed := false
				s.SetKeptHook(func(ctx context.Context, at string, k int64) {
					if at != stage || k != 0 || changed {
						return
					}
					changed = true
					if err := s.MarkSighted(ctx, vigil.TypeIPv4, "192.0.2.2", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); err != nil {
						t.Error(err)
					}
				})
				readKept(t, s)
				s.SetKeptHook(nil)
				if !changed {
					t.Fatal("the hook never ran")
				}
				want := readDirect(t, s)
				if diff := cmp.Diff(want, readKept(t, s)); diff != "" {
					t.Errorf("read after a change during the last one (-rows +kept):\n%s", diff)
				}
			})
		})
	}
}

// TestKeptRangesInsideATransaction checks that the read inside a transaction sees the
// transaction's own writes, never a kept range.
func TestKeptRangesInsideATransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedKept(t, s)
		err := s.Tx(t.Context(), func(tx *store.Store) error {
			if _, err := tx.ExecRaw(t.Context(), `DELETE FROM indicators WHERE id = 9000`); err != nil {
				return err
			}
			var got []vigil.StoredIndicator
			keep, err := tx.EachMatchableKept(t.Context(), collectMatchable(&got))
			if err != nil {
				return err
			}
			for _, si := range got {
				if si.ID == 9000 {
					t.Error("the read inside the transaction saw the indicator it deleted")
				}
			}
			return keep(t.Context())
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestKeptWriterDropsRatherThanWaits: the write-back runs beside the read through a
// short queue; when the writer is held up (here by a hook, in life behind an import's
// batch), a range offered to a full queue is dropped at once, not waited for, and what
// was queued is still written.
func TestKeptWriterDropsRatherThanWaits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		entered, release := make(chan int64, 3), make(chan struct{})
		s.SetKeptHook(func(_ context.Context, stage string, k int64) {
			if stage == "write" {
				entered <- k
				<-release
			}
		})
		t.Cleanup(func() { s.SetKeptHook(nil) })
		w := s.StartKeptWriter(t.Context(), 1)
		if !w.Offer(1, 1, []byte("one")) {
			t.Fatal("the first range was refused by an empty queue")
		}
		if k := <-entered; k != 1 {
			t.Fatalf("the writer took range %d first", k)
		}
		if !w.Offer(2, 1, []byte("two")) {
			t.Fatal("the second range was refused while the queue had room")
		}
		if w.Offer(3, 1, []byte("three")) {
			t.Fatal("a third range was queued past the queue's length")
		}
		close(release)
		if err := w.CloseAndWait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if k := <-entered; k != 2 || len(entered) != 0 {
			t.Errorf("written after the first: range %d, and %d more", k, len(entered))
		}
	})
}

// TestKeptWriteBackLowersTheWritersCache: on SQLite, while a rebuild writes its ranges
// back, the writer's cache is cut to 1 MB (handing back what the import before it left
// cached: the blobs are written once and never read by the writer), and it is 16 MB again
// once the write-back ends.
func TestKeptWriteBackLowersTheWritersCache(t *testing.T) {
	s := storetest.Open(t)
	if _, err := s.ReplaceSourceIndicators(t.Context(), "feed", benchIndicators(100, 1)); err != nil {
		t.Fatal(err)
	}
	var during []int
	s.SetKeptHook(func(ctx context.Context, stage string, _ int64) {
		if stage == "write" {
			n, err := s.WriterCacheSize(ctx)
			if err != nil {
				t.Error(err)
			}
			during = append(during, n)
		}
	})
	t.Cleanup(func() { s.SetKeptHook(nil) })
	readKept(t, s)
	after, err := s.WriterCacheSize(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(during) == 0 || during[0] != -1024 || after != -16384 {
		t.Errorf("cache_size %v while writing back, %d after; want -1024, then -16384", during, after)
	}
}
