package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func sighting(org string, day time.Time, observable, indicator string, count int64) vigil.Sighting {
	return vigil.Sighting{Org: org, Day: day, Field: "id.resp_h", Observable: observable, ObservableType: vigil.TypeIPv4,
		Indicator: indicator, IndicatorType: vigil.TypeCIDR, Sources: []string{"abuse.ch"}, Labels: []string{"qakbot"},
		TLP: vigil.TLPGreen, Count: count}
}

// TestAddSightingsFoldsRepeatsOfTheSameDay: a repeat of a day's sighting adds its count,
// widens its seen times and takes the indicator's current sources and publishers.
func TestAddSightingsFoldsRepeatsOfTheSameDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		day := vigil.DayOf(clk.now())
		t0 := clk.now()
		if err := s.AddSightings(ctx, []vigil.Sighting{
			sighting("RXA", day, "192.0.2.7", "192.0.2.0/24", 2),
			sighting("rxb", day, "192.0.2.7", "192.0.2.0/24", 1),
		}); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Hour)
		again := sighting("RXA", day, "192.0.2.7", "192.0.2.0/24", 3)
		again.Sources, again.Publishers = []string{"abuse.ch", "Shadowserver"}, []string{"Partner CERT"}
		if err := s.AddSightings(ctx, []vigil.Sighting{again,
			sighting("RXA", day.AddDate(0, 0, 1), "192.0.2.7", "192.0.2.0/24", 1)}); err != nil {
			t.Fatal(err)
		}
		got, next, err := s.ListSightings(ctx, vigil.SightingFilter{Org: "rxa"})
		if err != nil || next != "" {
			t.Fatalf("ListSightings = %v, %q", err, next)
		}
		want := []vigil.Sighting{
			{Org: "RXA", Day: day.AddDate(0, 0, 1), Count: 1, Sources: []string{"abuse.ch"}, FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(time.Hour)},
			{Org: "RXA", Day: day, Count: 5, Sources: []string{"abuse.ch", "Shadowserver"}, Publishers: []string{"Partner CERT"},
				FirstSeen: t0, LastSeen: t0.Add(time.Hour)},
		}
		for i := range want {
			w := sighting(want[i].Org, want[i].Day, "192.0.2.7", "192.0.2.0/24", want[i].Count)
			w.Sources, w.Publishers, w.FirstSeen, w.LastSeen = want[i].Sources, want[i].Publishers, want[i].FirstSeen.Truncate(time.Microsecond), want[i].LastSeen.Truncate(time.Microsecond)
			want[i] = w
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(vigil.Sighting{}, "ID"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("sightings (-want +got):\n%s", diff)
		}
	})
}

func TestAddSightingsRefusesUnknownOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		err := s.AddSightings(t.Context(), []vigil.Sighting{sighting("RZZ", vigil.DayOf(time.Now()), "192.0.2.7", "192.0.2.7", 1)})
		wantError(t, err, vigil.EINVALID, "organisation RZZ is not registered")
	})
}

func TestListSightingsPagesAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		day := vigil.DayOf(clk.now())
		var rows []vigil.Sighting
		for i := range 7 {
			rows = append(rows, sighting("RXA", day.AddDate(0, 0, -i), "192.0.2.7", "192.0.2.0/24", 1))
		}
		rows = append(rows, sighting("RXA", day, "evil.example", "evil.example", 1))
		if err := s.AddSightings(ctx, rows); err != nil {
			t.Fatal(err)
		}
		var all []vigil.Sighting
		f := vigil.SightingFilter{Limit: 3}
		for {
			page, next, err := s.ListSightings(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if len(all) != 8 || all[0].Observable != "evil.example" {
			t.Errorf("paged through %d sightings, first %+v; want 8, newest first", len(all), all[0])
		}
		tests := []struct {
			name string
			f    vigil.SightingFilter
			want int
		}{
			{"by indicator", vigil.SightingFilter{Indicator: "evil.example"}, 1},
			{"since three days ago", vigil.SightingFilter{Since: day.AddDate(0, 0, -2).Add(5 * time.Hour)}, 4},
			{"other organisation", vigil.SightingFilter{Org: "RXB"}, 0},
			{"by indicator type", vigil.SightingFilter{Type: vigil.TypeCIDR}, 8},
			{"no indicator of that type", vigil.SightingFilter{Type: vigil.TypeDomain}, 0},
		}
		for _, tt := range tests {
			got, _, err := s.ListSightings(ctx, tt.f)
			if err != nil || len(got) != tt.want {
				t.Errorf("%s: %d sightings, %v; want %d", tt.name, len(got), err, tt.want)
			}
		}
		if _, _, err := s.ListSightings(ctx, vigil.SightingFilter{Cursor: "nonsense"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("bad cursor: %v, want invalid", err)
		}
	})
}

func TestSightingsPurgeAndSightedSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		day := vigil.DayOf(clk.now())
		old := sighting("RXA", day.AddDate(0, 0, -31), "192.0.2.7", "192.0.2.0/24", 1)
		recent := sighting("RXA", day.AddDate(0, 0, -3), "192.0.2.8", "192.0.2.0/24", 1)
		long := sighting("RXA", day, "http://evil.example/"+strings.Repeat("a", 3000), "http://evil.example/"+strings.Repeat("a", 3000), 1)
		long.ObservableType, long.IndicatorType = vigil.TypeURL, vigil.TypeURL
		if err := s.AddSightings(ctx, []vigil.Sighting{old, recent, long}); err != nil {
			t.Fatalf("AddSightings with a 3 kB URL: %v", err)
		}
		for _, tt := range []struct {
			since time.Time
			want  bool
		}{{day.AddDate(0, 0, -40), true}, {day.AddDate(0, 0, -3), true}, {day.AddDate(0, 0, -2), false}} {
			got, err := s.SightedSince(ctx, "rxa", vigil.TypeCIDR, "192.0.2.0/24", tt.since)
			if err != nil || got != tt.want {
				t.Errorf("SightedSince(%s) = %v, %v; want %v", tt.since.Format(time.DateOnly), got, err, tt.want)
			}
		}
		n, err := s.PurgeSightings(ctx, day.AddDate(0, 0, -30))
		if err != nil || n != 1 {
			t.Fatalf("PurgeSightings = %d, %v; want 1", n, err)
		}
		left, _, _ := s.ListSightings(ctx, vigil.SightingFilter{})
		if len(left) != 2 {
			t.Errorf("%d sightings left, want 2", len(left))
		}
	})
}

// TestListSightingsAudience: a supplier's list holds its own sightings and its
// customers' below TLP:AMBER+STRICT, filtered in the query, so every page is full and no
// cursor names a hidden row.
func TestListSightingsAudience(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, o := range []vigil.Org{org("RXA", vigil.OrgTrust), org("RXB", vigil.OrgTrust), org("YSUP1", vigil.OrgSupplier)} {
			mustCreate(t, s, o)
		}
		if err := s.LinkSupplier(ctx, "YSUP1", "RXA"); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var rows []vigil.Sighting
		for i, c := range []struct {
			org string
			tlp vigil.TLP
		}{{"RXA", vigil.TLPClear}, {"RXA", vigil.TLPRed}, {"RXA", vigil.TLPAmberStrict}, {"RXA", vigil.TLPAmber},
			{"RXA", ""}, {"RXB", vigil.TLPClear}, {"YSUP1", vigil.TLPRed}} {
			r := sighting(c.org, day, fmt.Sprintf("198.51.100.%d", i+1), fmt.Sprintf("198.51.100.%d", i+1), 1)
			r.TLP = c.tlp
			rows = append(rows, r)
		}
		if err := s.AddSightings(ctx, rows); err != nil {
			t.Fatal(err)
		}
		aud, err := s.Audience(ctx, vigil.Principal{Role: vigil.RoleSupplier, Org: "YSUP1"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		f := vigil.SightingFilter{Audience: &aud, Limit: 1}
		for range 10 {
			page, next, err := s.ListSightings(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) != 1 && next != "" {
				t.Fatalf("a page of %d with more to come: hidden rows were dropped after the query", len(page))
			}
			for _, r := range page {
				got = append(got, r.Org+" "+string(r.TLP))
			}
			if f.Cursor = next; next == "" {
				break
			}
		}
		want := []string{"YSUP1 RED", "RXA ", "RXA AMBER", "RXA CLEAR"}
		if !slices.Equal(got, want) {
			t.Errorf("the supplier sees %q, want %q", got, want)
		}
	})
}
