package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestIntelChangesLogWhatChangedUntilPruned checks the log of changed indicators: what
// a write changes is logged under a version the count reaches, a refresh that changes
// nothing a matcher reads is not, and once pruned the log says it can no longer tell.
func TestIntelChangesLogWhatChangedUntilPruned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		version := func() int64 {
			v, err := s.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v.Intel
		}
		since := func(after int64) store.IntelChanges {
			ch, err := s.IntelChangesSince(ctx, after, 100)
			if err != nil {
				t.Fatal(err)
			}
			return ch
		}
		p := vigil.Provenance{TLP: vigil.TLPGreen}
		a := vigil.Indicator{Type: vigil.TypeDomain, Value: "a.evil.example", Provenance: p}
		b := vigil.Indicator{Type: vigil.TypeIPv4, Value: "203.0.113.9", Provenance: p}
		start := version()
		if _, err := s.UpsertSourceIndicators(ctx, "feed", []vigil.Indicator{a, b}); err != nil {
			t.Fatal(err)
		}
		v1 := version()
		if ch := since(start); !ch.Complete || len(ch.Keys) != 2 {
			t.Fatalf("after a first import: %+v, want both indicators, complete", ch)
		}
		b.Provenance.Ref = "line 2" // not read by the matcher's rules: no change to log
		if _, err := s.UpsertSourceIndicators(ctx, "feed", []vigil.Indicator{a, b}); err != nil {
			t.Fatal(err)
		}
		if ch := since(v1); len(ch.Keys) != 0 {
			t.Errorf("a refresh logged %v", ch.Keys)
		}
		a.Provenance.TLP = vigil.TLPAmber // read by the matcher's rules: logged
		if _, err := s.UpsertSourceIndicators(ctx, "feed", []vigil.Indicator{a, b}); err != nil {
			t.Fatal(err)
		}
		if ch := since(v1); len(ch.Keys) != 1 || ch.Keys[0].Value != a.Value {
			t.Errorf("after a new marking: %v, want %s alone", ch.Keys, a.Value)
		}
		v1 = version()
		if _, err := s.ReplaceSourceIndicators(ctx, "feed", []vigil.Indicator{a}); err != nil {
			t.Fatal(err)
		}
		v2 := version()
		if ch := since(v1); len(ch.Keys) != 1 || ch.Keys[0].Value != b.Value {
			t.Errorf("after a withdrawal: %v, want %s alone", ch.Keys, b.Value)
		}
		if err := s.PruneIntelChanges(ctx, v1, time.Now().Add(-time.Minute)); err != nil { // the withdrawal stays
			t.Fatal(err)
		}
		if ch := since(v1); !ch.Complete || len(ch.Keys) != 1 || ch.Keys[0].Value != b.Value {
			t.Errorf("pruned up to %d, after it: %+v, want %s alone, complete", v1, ch, b.Value)
		}
		if err := s.PruneIntelChanges(ctx, v2, time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if ch := since(v1); ch.Complete {
			t.Errorf("the log pruned up to %d still calls itself complete after %d", v2, v1)
		}
		if ch := since(v2); !ch.Complete || len(ch.Keys) != 0 {
			t.Errorf("after %d, the pruned version: %+v, want complete and empty", v2, ch)
		}
	})
}
