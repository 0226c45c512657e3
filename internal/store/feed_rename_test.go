package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// A feed with many claims can be renamed, its claims credited to the new name. On
// PostgreSQL the claims triggers had planned their joins of the statement's old and new
// rows for an import's batch and kept that plan for the connection: a rename of 100,000
// claims then compared every row with every other and never finished (migration 00046).
func TestRenameFeedWithManyClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, err := s.CreateFeed(t.Context(), vigil.Feed{Name: "big list", Kind: vigil.FeedURL, URL: "https://list.example/big.txt", Schedule: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		const n = 100_000
		if _, err := s.ReplaceSourceIndicators(t.Context(), f.Name, storetest.FeedIndicators(0, n, "botnet")); err != nil {
			t.Fatal(err)
		}
		// Bounded so that a plan that never ends fails the test rather than the package.
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		name := "big list renamed"
		if _, err := s.UpdateFeed(ctx, f.ID, vigil.FeedPatch{Name: &name}); err != nil {
			t.Fatalf("rename a feed of %d claims: %v", n, err)
		}
		got, err := s.GetFeed(t.Context(), f.ID)
		if err != nil || got.Name != name || got.Indicators != n {
			t.Errorf("renamed feed %+v (%v), want %q holding %d indicators", got, err, name, n)
		}
	})
}
