package sightings

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// Only a sensor pushes telemetry, and only for its own organisation; people list the
// sightings of the organisations they may see, and an organisation they may not see is
// answered as one that does not exist.
func TestAccess(t *testing.T) {
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		e.useIndicators(sensorIndicators...)
		pushes := []struct {
			name string
			p    vigil.Principal
			code string // the error code; empty when allowed
		}{
			{"a sensor for its own organisation", sensor("RXA"), ""},
			{"a sensor naming no organisation", vigil.Principal{Email: "s", Role: vigil.RoleSensor}, vigil.EFORBIDDEN},
			{"a sector admin", vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAdmin}, vigil.EFORBIDDEN},
			{"an org admin", vigil.Principal{Email: "a@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}, vigil.EFORBIDDEN},
		}
		for _, tt := range pushes {
			t.Run("push by "+tt.name, func(t *testing.T) {
				_, err := e.svc.IngestTelemetry(t.Context(), tt.p, strings.NewReader(strings.Join(sensorLines, "\n")))
				if vigil.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
					t.Fatalf("IngestTelemetry: %v, want code %q", err, tt.code)
				}
			})
		}
		lists := []struct {
			name   string
			p      vigil.Principal
			org    string
			code   string
			wantAt int // sightings at least, when allowed
		}{
			{"sector analyst, every organisation", vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}, "", "", 1},
			{"sector analyst, another organisation", vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}, "RXB", "", 0},
			{"org member, own organisation", vigil.Principal{Email: "m@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, "", "", 1},
			{"org member, another organisation", vigil.Principal{Email: "m@rxb.example", Role: vigil.RoleOrgMember, Org: "RXB"}, "RXA", vigil.ENOTFOUND, 0},
			{"org member of another, own list", vigil.Principal{Email: "m@rxb.example", Role: vigil.RoleOrgMember, Org: "RXB"}, "", "", 0},
			{"sensor", sensor("RXA"), "", vigil.EFORBIDDEN, 0},
		}
		for _, tt := range lists {
			t.Run("list by "+tt.name, func(t *testing.T) {
				rows, _, err := e.svc.ListSightings(t.Context(), tt.p, vigil.SightingFilter{Org: tt.org})
				if vigil.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
					t.Fatalf("ListSightings: %v, want code %q", err, tt.code)
				}
				if len(rows) < tt.wantAt {
					t.Errorf("%d sightings, want at least %d", len(rows), tt.wantAt)
				}
				for _, r := range rows {
					if tt.p.Role != vigil.RoleSectorAnalyst && r.Org != tt.p.Org {
						t.Errorf("%s sees %s's sighting", tt.p.Email, r.Org)
					}
					a, err := e.store.GetAlert(t.Context(), r.Alert)
					if err != nil || a.Org != r.Org || a.Indicator != r.Indicator || a.Kind != vigil.AlertSighting {
						t.Errorf("sighting %+v names alert %d: %+v, %v; want the sighting alert it raised", r, r.Alert, a, err)
					}
				}
			})
		}
		t.Run("an unknown indicator type", func(t *testing.T) {
			p := vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}
			if _, _, err := e.svc.ListSightings(t.Context(), p, vigil.SightingFilter{Type: "ip"}); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("type ip: %v, want invalid", err)
			}
		})
	})
}
