package earlywarning

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// principals are one caller of each role; org roles belong to RXA.
var principals = map[string]vigil.Principal{
	"sector_admin":   {Email: "admin@centre.example", Role: vigil.RoleSectorAdmin},
	"sector_analyst": {Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst},
	"org_admin":      {Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"},
	"org_member":     {Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"},
	"supplier":       {Email: "ops@supplier.example", Role: vigil.RoleSupplier, Org: "RXS"},
	"sensor":         {Email: "sensor for RXA", Role: vigil.RoleSensor, Org: "RXA"},
}

// Only the sector centre sends partners' events and reads the unrouted ones; an upload
// that stores events is audited under its uploader.
func TestAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newWarnService(t, s, &fakeNow{warnNow})
		tests := []struct {
			role    string
			allowed bool
		}{
			{"sector_admin", true}, {"sector_analyst", true}, {"org_admin", false}, {"org_member", false},
			{"supplier", false}, {"sensor", false},
		}
		for _, tt := range tests {
			p := principals[tt.role]
			t.Run(tt.role+" sends events", func(t *testing.T) {
				line := event("scan", "192.0.2.10", warnNow.Add(-time.Hour), vigil.SeverityLow)
				res, err := svc.IngestEvents(t.Context(), p, ndjson(line))
				checkAccess(t, err, tt.allowed)
				audited := auditsBy(t, s, p.Email, "events.ingest")
				if tt.allowed && (res.Accepted != 1 || audited != 1) {
					t.Errorf("accepted %d, %d audit entries; want 1 and 1", res.Accepted, audited)
				}
				if !tt.allowed && audited != 0 {
					t.Errorf("a refused upload wrote %d audit entries", audited)
				}
			})
			t.Run(tt.role+" lists unrouted events", func(t *testing.T) {
				_, _, err := svc.ListUnrouted(t.Context(), p, vigil.UnroutedFilter{})
				checkAccess(t, err, tt.allowed)
			})
		}
	})
}

// checkAccess fails the test unless err is nil when allowed and forbidden when not.
func checkAccess(t *testing.T, err error, allowed bool) {
	t.Helper()
	switch {
	case allowed && err != nil:
		t.Fatalf("want allowed, got %v", err)
	case !allowed && vigil.ErrorCode(err) != vigil.EFORBIDDEN:
		t.Fatalf("want forbidden, got %v", err)
	}
}

// auditsBy counts the audit entries of an actor and action.
func auditsBy(t *testing.T, s *store.Store, actor, action string) int {
	t.Helper()
	return len(storetest.Audits(t, s, vigil.AuditFilter{Actor: actor, Action: action}))
}
