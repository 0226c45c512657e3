package demo

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
)

// checkPeoplesWork checks, after Seed, that every page has something to show: the
// trust's two claims waiting (one overlapping the GP practice's network, the only
// overlap), a phishing site sighted by three of the supplier's care homes as one
// problem, and the trust's alerts acknowledged and resolved with a note.
func checkPeoplesWork(t *testing.T, s *store.Store, c *app.App) {
	t.Helper()
	ctx := context.Background()
	analyst := vigil.Principal{Email: "analyst@hccc.example", Role: vigil.RoleSectorAnalyst}
	pending, _, err := c.Orgs.Assets(ctx, analyst, vigil.AssetFilter{Status: vigil.AssetPending})
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending claims: %+v, %v; want the trust's two", pending, err)
	}
	for _, a := range pending {
		if a.Org != TrustODS || a.ClaimedBy != "it.lead@northbrook-hospitals.example" {
			t.Errorf("claim %+v: want the trust's administrator's", a)
		}
	}
	overlaps, _, err := s.ListOverlaps(ctx, vigil.OverlapFilter{})
	if err != nil || len(overlaps) != 1 || overlaps[0].String() != "Y90002 and R9A both claim 192.0.2.136/29" {
		t.Errorf("overlaps: %v, %v; want the trust's claim of Castle Street Medical Centre's network alone", overlaps, err)
	}

	sup := vigil.Principal{Email: "security@careplancloud.example", Role: vigil.RoleSupplier, Org: SupplierODS}
	groups, _, err := c.Alerts.Groups(ctx, sup, vigil.AlertGroupFilter{})
	if err != nil || len(groups) == 0 || groups[0].Problem != "nhs-payroll-update.example" || groups[0].Orgs != len(dnsCareHomes) {
		t.Errorf("the supplier's first problem: %+v, %v; want the payroll phishing site at %d care homes", groups, err, len(dnsCareHomes))
	}

	admin := vigil.Principal{Email: "it.lead@northbrook-hospitals.example", Role: vigil.RoleOrgAdmin, Org: TrustODS}
	for obs, want := range map[string]vigil.AlertStatus{trustAckObservable: vigil.AlertAcknowledged, trustResolveObservable: vigil.AlertResolved} {
		id, err := trustAlert(ctx, c, admin, obs)
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.Alerts.Get(ctx, admin, id)
		if err != nil || a.Status != want || (want == vigil.AlertResolved && a.ResolutionNote != trustResolveNote) {
			t.Errorf("the trust's alert about %s: %s (%q), %v; want %s", obs, a.Status, a.ResolutionNote, err, want)
		}
	}
}
