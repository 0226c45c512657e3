package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestEachMatchableReadsWhatEachIndicatorReads checks the rebuild's read (on SQLite,
// through SQLite's C API: store/sqlite_raw.go) against the plain one: every field of every claim, with
// times set and unset, labels holding separators and quotes, several sources on one
// indicator, a claim kept as intelligence only, and claims that repeat the one before
// but for their Ref (one holding a NUL byte on SQLite); read in one range of ids or several. EachMatchableOf reads the same
// for the indicators it names.
func TestEachMatchableReadsWhatEachIndicatorReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		at := time.Date(2026, 3, 4, 5, 6, 7, 890123000, time.UTC)
		full := vigil.Provenance{Publisher: "CERT\tUK \"x\"", TLP: vigil.TLPAmberStrict, Reliability: 'A', Credibility: 1,
			Confidence: 0, ValidFrom: at, ValidUntil: at.AddDate(1, 0, 0), FirstSeen: at.Add(-time.Hour), LastSeen: at,
			Labels: []string{"tab\there", "quote\"s", "ünïcode", ""}, Ref: "indicator--1"}
		bare := vigil.Provenance{Confidence: -1}
		for _, c := range []struct {
			source string
			inds   []vigil.Indicator
		}{
			{"feed a", []vigil.Indicator{
				{Type: vigil.TypeIPv4, Value: "192.0.2.1", Provenance: full},
				{Type: vigil.TypeDomain, Value: "evil.example", Provenance: bare},
				{Type: vigil.TypeURL, Value: "http://evil.example/a b", Provenance: withRef(bare, "line 3")},
				{Type: vigil.TypeURL, Value: "http://evil.example/c", Provenance: withRef(bare, "line 4")},
			}},
			{"feed-b", []vigil.Indicator{
				{Type: vigil.TypeIPv4, Value: "192.0.2.1", Provenance: withRef(bare, "2")},
				{Type: vigil.TypeSHA256, Value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Provenance: full},
			}},
		} {
			if _, err := s.UpsertSourceIndicators(ctx, c.source, c.inds); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ExecRaw(ctx, `UPDATE indicator_sources SET not_for_matching = ? WHERE source = ?`, "on a warninglist", "feed-b"); err != nil {
			t.Fatal(err)
		}
		if s.Engine() == store.EngineSQLite { // PostgreSQL's text holds no NUL; SQLite's does
			if _, err := s.ExecRaw(ctx, `UPDATE indicator_sources SET ref = ? WHERE ref = ?`, "line\x004", "line 4"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MarkSighted(ctx, vigil.TypeDomain, "evil.example", at); err != nil {
			t.Fatal(err)
		}
		want := all(t, s)
		if len(want) != 5 {
			t.Fatalf("stored %d indicators, want 5", len(want))
		}
		for i := range want {
			for j := range want[i].Sources {
				want[i].Sources[j].Added = time.Time{} // not read for a rebuild
			}
		}
		copyOf := func(out *[]vigil.StoredIndicator) func(*vigil.StoredIndicator) error {
			return func(si *vigil.StoredIndicator) error {
				c := *si
				c.Sources = append([]vigil.IndicatorSource(nil), si.Sources...)
				*out = append(*out, c)
				return nil
			}
		}
		var got []vigil.StoredIndicator
		if err := s.EachMatchable(ctx, copyOf(&got)); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("EachMatchable (-EachIndicator +got):\n%s", diff)
		}
		for _, span := range []int64{1, 2, 3} { // several ranges, read by several workers
			var ranged []vigil.StoredIndicator
			if err := s.EachMatchableSpan(ctx, span, copyOf(&ranged)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, ranged); diff != "" {
				t.Errorf("EachMatchable, %d ids a statement (-EachIndicator +got):\n%s", span, diff)
			}
		}
		stop, calls := errors.New("stop"), 0
		err := s.EachMatchableSpan(ctx, 1, func(*vigil.StoredIndicator) error {
			if calls++; calls == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 2 {
			t.Errorf("EachMatchable whose fn fails at the second indicator: %d calls, error %v; want 2 calls, %v", calls, err, stop)
		}
		var some []vigil.StoredIndicator
		keys := []vigil.Indicator{{Type: vigil.TypeIPv4, Value: "192.0.2.1"}, {Type: vigil.TypeURL, Value: "http://evil.example/c"}}
		if err := s.EachMatchableOf(ctx, keys, copyOf(&some)); err != nil {
			t.Fatal(err)
		}
		var wantSome []vigil.StoredIndicator
		for _, si := range want {
			if si.Value == "192.0.2.1" || si.Value == "http://evil.example/c" {
				wantSome = append(wantSome, si)
			}
		}
		if diff := cmp.Diff(wantSome, some); diff != "" {
			t.Errorf("EachMatchableOf (-EachIndicator +got):\n%s", diff)
		}
	})
}

func withRef(p vigil.Provenance, ref string) vigil.Provenance {
	p.Ref = ref
	return p
}
