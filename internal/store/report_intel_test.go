package store_test

import (
	"maps"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The indicators received in a period, counted from the kept tally, are those counted
// directly over the claims: each indicator once however many sources sent it in the
// period, and again in a later period a new source sends it in.
func TestIndicatorReceiptsCountWhatIsReceived(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
		upload := func(d int, source string, inds ...vigil.Indicator) {
			t.Helper()
			s.SetNow(func() time.Time { return day(d).Add(13 * time.Hour) })
			if _, err := s.UpsertSourceIndicators(ctx, source, inds); err != nil {
				t.Fatal(err)
			}
		}
		x, y := ind(vigil.TypeIPv4, "192.0.2.1", vigil.TLPClear), ind(vigil.TypeIPv4, "192.0.2.2", vigil.TLPClear)
		z := ind(vigil.TypeDomain, "evil.example", vigil.TLPClear)
		upload(1, "feed-a", x, y)
		upload(1, "feed-b", x)     // the same day: still one indicator received on the 1st
		upload(3, "partner", x, z) // x again, from a new source, and z new
		upload(3, "upload", z)     // z from two sources on one day
		upload(5, "feed-c", y)

		receipts, err := s.IndicatorReceipts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ipv4, domain := vigil.TypeIPv4, vigil.TypeDomain
		tests := []struct {
			name        string
			first, last int // days, both included
			want        map[vigil.IndicatorType]int
		}{
			{"the first day", 1, 1, map[vigil.IndicatorType]int{ipv4: 2}},
			{"a day with nothing received", 2, 2, map[vigil.IndicatorType]int{}},
			{"a new source re-sends one", 3, 3, map[vigil.IndicatorType]int{ipv4: 1, domain: 1}},
			{"sent twice in the period, counted once", 1, 3, map[vigil.IndicatorType]int{ipv4: 2, domain: 1}},
			{"from the second day", 2, 5, map[vigil.IndicatorType]int{ipv4: 2, domain: 1}},
			{"the whole month", 1, 30, map[vigil.IndicatorType]int{ipv4: 2, domain: 1}},
			{"after every upload", 6, 30, map[vigil.IndicatorType]int{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				first, end := day(tt.first), day(tt.last+1)
				if got := receipts.Received(first, end); !maps.Equal(got, tt.want) {
					t.Errorf("from the tally %v, want %v", got, tt.want)
				}
				direct, err := s.IndicatorsReceived(ctx, first, end)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(direct, tt.want) {
					t.Errorf("counted directly %v, want %v", direct, tt.want)
				}
			})
		}
	})
}
