package store_test

import (
	"cmp"
	"fmt"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestListSightingsSorted pages through every order of the sighting list, with
// sightings recorded in the same instant, of the same count, at one organisation and of
// one indicator.
func TestListSightingsSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		day := vigil.DayOf(clk.now())
		for batch := range 4 {
			var rows []vigil.Sighting
			for i := range 4 {
				n := batch*4 + i
				rows = append(rows, sighting([]string{"RXB", "RXA"}[n%2], day, fmt.Sprintf("192.0.2.%d", n),
					fmt.Sprintf("198.51.100.%d", n%3), int64(1+n%3)))
			}
			if err := s.AddSightings(ctx, rows); err != nil {
				t.Fatal(err)
			}
			clk.advance(time.Minute)
		}
		all, _, err := s.ListSightings(ctx, vigil.SightingFilter{Limit: 1000})
		if err != nil || len(all) != 16 {
			t.Fatalf("ListSightings: %d, %v", len(all), err)
		}
		if all[0].LastSeen.Equal(all[15].LastSeen) {
			t.Fatalf("want sightings seen at different times, all seen at %v", all[0].LastSeen)
		}
		newest := func(a, b vigil.Sighting) int { return cmp.Compare(b.ID, a.ID) }
		list := func(sort vigil.SightingSort) listFunc[vigil.Sighting] {
			return func(cursor string, limit int) ([]vigil.Sighting, string, error) {
				return s.ListSightings(ctx, vigil.SightingFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		type c = sortCase[vigil.SightingSort, vigil.Sighting]
		checkSorted(t, all, func(r vigil.Sighting) string { return r.Observable }, list, c{"", newest}, c{vigil.SightingByNewest, newest},
			c{vigil.SightingByLatest, func(a, b vigil.Sighting) int { return cmp.Or(b.LastSeen.Compare(a.LastSeen), newest(a, b)) }},
			c{vigil.SightingByCount, func(a, b vigil.Sighting) int { return cmp.Or(cmp.Compare(b.Count, a.Count), newest(a, b)) }},
			c{vigil.SightingByOrg, func(a, b vigil.Sighting) int { return cmp.Or(cmp.Compare(a.Org, b.Org), newest(a, b)) }},
			c{vigil.SightingByIndicator, func(a, b vigil.Sighting) int { return cmp.Or(cmp.Compare(a.Indicator, b.Indicator), newest(a, b)) }})
		checkSortErrors(t, list, vigil.SightingByCount, vigil.SightingByOrg, "newest, latest, count, org, indicator")
	})
}
