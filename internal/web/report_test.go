package web_test

import (
	"net/http"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The sector report over HTTP: an organisation's member gets the same published figures
// as an analyst, and a count below the sector level from 1 to 7 comes as null marked
// suppressed, never as its value, while the whole sector's total stays exact.
func TestSectorReportOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for range 3 {
			f.alert(ownOrg, "")
		}
		type cell struct {
			Value      *int   `json:"value"`
			Mark       string `json:"mark"`
			Suppressed bool   `json:"suppressed"`
		}
		var doc struct {
			Sections []struct {
				ID     string `json:"id"`
				Tables []struct {
					Title     string   `json:"title"`
					Rows      []string `json:"rows"`
					RowTotals []cell   `json:"row_totals"`
					Total     cell     `json:"total"`
				} `json:"tables"`
			} `json:"sections"`
		}
		r := f.do(http.MethodGet, "/api/v1/reports/sector", nil, f.as("org_member"))
		if r.status != http.StatusOK {
			t.Fatalf("GET /reports/sector: %d %s", r.status, r.body)
		}
		r.decode(t, &doc)
		alerts := doc.Sections[0]
		if alerts.ID != "alerts" || len(alerts.Tables) != 2 {
			t.Fatalf("alerts section %+v: want the tables by kind and by kind of organisation, not by region (there is one)", alerts)
		}
		byOrgKind := alerts.Tables[1]
		if byOrgKind.Rows[0] != "NHS trust" {
			t.Fatalf("alerts by kind of organisation: %+v", byOrgKind)
		}
		if c := byOrgKind.RowTotals[0]; !c.Suppressed || c.Mark != "suppressed" || c.Value != nil {
			t.Errorf("the trusts' 3 alerts published as %+v, want suppressed with no value", c)
		}
		if c := byOrgKind.Total; c.Mark != "exact" || c.Value == nil || *c.Value != 3 {
			t.Errorf("the whole sector's 3 alerts published as %+v, want exactly 3", c)
		}
		if r := f.do(http.MethodGet, "/api/v1/reports/sector?from=2026-11-30&to=2026-11-01", nil, f.as("sector_analyst")); r.status != unprocessable ||
			r.problem(t).Detail == "" {
			t.Errorf("a backwards period: %d %s, want 422 saying why", r.status, r.body)
		}
	})
}
