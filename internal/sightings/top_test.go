package sightings

import (
	"testing"

	"github.com/vigil-health/vigil"
)

// TestTopIndicators checks that the sector's most sighted indicators count every
// organisation's telemetry of the window, and that only the sector may read them.
func TestTopIndicators(t *testing.T) {
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		e.useIndicators(sensorIndicators...)
		e.ingest(t, "RXA", false, sensorLines...)
		e.ingest(t, "RXB", false, sensorLines[1])
		analyst := vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}
		top, err := e.svc.TopIndicators(t.Context(), analyst, 7, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(top) != 3 || top[0].Indicator != "203.0.113.0/24" || top[0].Events != 2 || top[0].Orgs != 2 || top[0].LastSeen.IsZero() {
			t.Errorf("top indicators %+v, want the range both trusts saw first, then the two RXA saw", top)
		}
		for _, p := range []vigil.Principal{
			{Email: "a@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"},
			{Email: "s@sup.example", Role: vigil.RoleSupplier, Org: "RXB"},
			sensor("RXA"),
		} {
			if _, err := e.svc.TopIndicators(t.Context(), p, 7, 10); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s reads the top indicators: %v, want forbidden", p.Role, err)
			}
		}
		for _, bad := range [][2]int{{0, 10}, {MaxTopDays + 1, 10}, {7, 0}, {7, MaxTop + 1}} {
			if _, err := e.svc.TopIndicators(t.Context(), analyst, bad[0], bad[1]); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("%d days, %d indicators: %v, want invalid", bad[0], bad[1], err)
			}
		}
		e.setDay(teleDay.AddDate(0, 0, 7))
		if top, err := e.svc.TopIndicators(t.Context(), analyst, 7, 10); err != nil || len(top) != 0 {
			t.Errorf("a week later: %+v, %v; want nothing in the window", top, err)
		}
	})
}
