package pages_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// TestSightingsListTheDemoSightings checks that the sightings page lists what the use
// case finds, each linked to its alert, that its filters narrow it, and that the CSV
// download has the rows shown.
func TestSightingsListTheDemoSightings(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	all, _, err := s.app.Sightings.ListSightings(ctx, reader, vigil.SightingFilter{})
	if err != nil || len(all) == 0 {
		t.Fatalf("ListSightings: %d, %v; the demo should have some", len(all), err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	tests := []struct {
		name, query string
		f           vigil.SightingFilter
	}{
		{"everything", "", vigil.SightingFilter{}},
		{"one organisation", "?org=" + all[0].Org, vigil.SightingFilter{Org: all[0].Org}},
		{"one type", "?type=" + string(all[0].IndicatorType), vigil.SightingFilter{Type: all[0].IndicatorType}},
		{"since today", "?since=" + today, vigil.SightingFilter{Since: vigil.DayOf(time.Now())}},
		{"since tomorrow", "?since=" + time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly), vigil.SightingFilter{Since: vigil.DayOf(time.Now()).AddDate(0, 0, 1)}},
	}
	b := s.signIn(analyst)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, _, err := s.app.Sightings.ListSightings(ctx, reader, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			p := b.get("/sightings" + tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("GET /sightings%s: %d\n%s", tt.query, p.status, p.body)
			}
			var ids []string
			for _, r := range want {
				ids = append(ids, strconv.FormatInt(r.ID, 10))
				if r.Alert == 0 || !p.has(escaped(t, r.Observable), `<a href="/alerts/`+strconv.FormatInt(r.Alert, 10)+`">`) {
					t.Errorf("the page lacks sighting %d of %s linked to its alert %d", r.ID, r.Observable, r.Alert)
				}
			}
			if len(want) == 0 && !p.has("No sightings match") {
				t.Errorf("no sightings, and the page does not say so\n%s", p.body)
			}
			sep := "?"
			if tt.query != "" {
				sep = "&"
			}
			header, rows := csvRows(t, b.get("/sightings"+tt.query+sep+"format=csv"))
			if got := column(t, header, rows, "id"); !slices.Equal(got, ids) {
				t.Errorf("CSV ids %v, want the page's %v", got, ids)
			}
		})
	}
	if p := b.get("/sightings?since=yesterday"); p.status != http.StatusBadRequest || !p.has(`href="#since"`, "year-month-day") {
		t.Errorf("a date that is not one: %d, want 400 saying how to write it\n%s", p.status, p.body)
	}
	if p := b.get("/sightings?limit=1"); !p.has("Next page") {
		t.Errorf("one sighting a page: want a link to the next\n%s", p.body)
	}
}
