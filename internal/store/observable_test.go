package store_test

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// hashOf stands in for the keyed hash the centre makes.
func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func hashesOf(prefix string, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = hashOf(prefix + string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('0'+i/260)))
	}
	return out
}

// The index answers the same whether a day's rows sit in a partition of their own or
// in the default one (PostgreSQL; SQLite has one table either way), and housekeeping
// removes past days from both.
func TestObservableIndex(t *testing.T) {
	day := time.Date(2025, 11, 9, 0, 0, 0, 0, time.UTC)
	for _, partitioned := range [][]time.Time{nil, {day.AddDate(0, 0, -6), day}} {
		name := "default partition"
		if partitioned != nil {
			name = "day partitions"
		}
		t.Run(name, func(t *testing.T) { testObservableIndex(t, day, partitioned) })
	}
}

func testObservableIndex(t *testing.T, day time.Time, partitioned []time.Time) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		if err := s.PrepareObservableDays(ctx, partitioned...); err != nil {
			t.Fatal(err)
		}
		evil := hashOf("domain:evil.example")
		// 700 hashes exercise the batching (512 + 128 + 32 + 16 + 8 + 4).
		many := append(hashesOf("x", 699), evil)
		for _, d := range []time.Time{day.AddDate(0, 0, -6), day.AddDate(0, 0, -2), day.Add(13 * time.Hour)} {
			if err := s.IndexObservables(ctx, "rxa", d, many); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.IndexObservables(ctx, "RXA", day, [][]byte{evil, evil}); err != nil {
			t.Fatalf("indexing a repeat: %v", err)
		}
		if err := s.IndexObservables(ctx, "RXB", day.AddDate(0, 0, -40), [][]byte{evil}); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.QueryInt(ctx, `SELECT COUNT(*) FROM observable_index`); n != 3*700+1 {
			t.Errorf("%d index rows, want %d: one per organisation, day and hash", n, 3*700+1)
		}
		hits, err := s.FindObservables(ctx, append(hashesOf("nothing", 600), evil), day.AddDate(0, 0, -30))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ObservableHit{{Hash: evil, Org: "RXA", FirstDay: day.AddDate(0, 0, -6), LastDay: day}}
		if !slices.EqualFunc(hits, want, sameHit) {
			t.Errorf("FindObservables = %+v, want %+v (RXB's sighting is past the window)", hits, want)
		}
		n, err := s.PurgeObservables(ctx, day.AddDate(0, 0, -2))
		if err != nil || n != 700+1 {
			t.Errorf("PurgeObservables = %d, %v; want the 701 rows before %s", n, err, day.AddDate(0, 0, -2).Format(time.DateOnly))
		}
		hits, _ = s.FindObservables(ctx, [][]byte{evil}, time.Time{})
		if len(hits) != 1 || !hits[0].FirstDay.Equal(day.AddDate(0, 0, -2)) {
			t.Errorf("after purge: %+v, want RXA from %s", hits, day.AddDate(0, 0, -2).Format(time.DateOnly))
		}
		if s.Engine() == store.EnginePostgres {
			parts, _ := s.QueryInt(ctx, `SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'observable_index'::regclass`)
			if want := int64(1 + max(len(partitioned)-1, 0)); parts != want { // the default, and the day kept
				t.Errorf("%d partitions after purge, want %d", parts, want)
			}
		}
	})
}

func TestIndexObservablesRefusesUnknownOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.IndexObservables(t.Context(), "RZZ", time.Now(), [][]byte{hashOf("x")}); err == nil {
			t.Error("indexing for an unregistered organisation succeeded")
		}
	})
}

func sameHit(a, b store.ObservableHit) bool {
	return bytes.Equal(a.Hash, b.Hash) && a.Org == b.Org && a.FirstDay.Equal(b.FirstDay) && a.LastDay.Equal(b.LastDay)
}
