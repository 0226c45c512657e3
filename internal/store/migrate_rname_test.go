package store_test

import (
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Migration 9 fills the reversed-name column for domains registered before it, so that
// overlap checks keep finding names under a new domain in an upgraded database.
func TestReversedNamesAreBackfilled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXA", vigil.OrgTrust, "portal.trust.example", "a.b.other.example"))
		if err := s.RedoMigrationsAfter(ctx, 8); err != nil {
			t.Fatalf("migrate down to 8 and up again: %v", err)
		}
		_, overlaps, err := s.CreateOrg(ctx, org("A81001", vigil.OrgGP, "trust.example", "b.other.example"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range overlaps {
			got = append(got, o.String())
		}
		want := []string{"A81001 claims b.other.example, which contains RXA's a.b.other.example",
			"A81001 claims trust.example, which contains RXA's portal.trust.example"}
		if !sameSet(got, want) {
			t.Errorf("overlaps after the upgrade:\n%q\nwant\n%q", got, want)
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}
