package orgs_test

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestProfile checks an organisation's page for the sector: its assets with their
// status, its supplier links both ways and the claims rejected, from the audit log;
// nobody else reads it.
func TestProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, _ := sector(t, s)
		ctx := context.Background()
		if _, err := svc.Update(ctx, orgAdmin, "RXA", vigil.OrgPatch{AddAssets: []vigil.Asset{
			{Kind: vigil.AssetDomain, Value: "rxa.example"}, {Kind: vigil.AssetHostname, Value: "vpn.other.example"}}}); err != nil {
			t.Fatal(err)
		}
		pending, _, err := svc.Assets(ctx, analyst, vigil.AssetFilter{Status: vigil.AssetPending, Org: "RXA"})
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending %+v, %v", pending, err)
		}
		if _, err := svc.RejectAsset(ctx, analyst, pending[1].ID, "Not theirs: the host is the supplier's."); err != nil {
			t.Fatal(err)
		}
		for _, p := range []vigil.Principal{orgAdmin, orgMember, supplier, sensor} {
			if _, err := svc.Profile(ctx, p, "RXA"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s reads RXA's profile: %v, want forbidden", p.Role, err)
			}
		}
		if _, err := svc.Profile(ctx, analyst, "RXZ"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an unknown organisation's profile: %v, want not found", err)
		}
		pr, err := svc.Profile(ctx, sectorAdmin, "rxa")
		if err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, a := range pr.Assets {
			statuses = append(statuses, a.Value+" "+string(a.Status))
		}
		if len(pr.Assets) != 2 || statuses[0] != "192.0.2.0/25 approved" || statuses[1] != "rxa.example pending" || pr.MoreAssets {
			t.Errorf("assets %v, want the approved range and the pending domain", statuses)
		}
		if len(pr.Suppliers) != 1 || pr.Suppliers[0].ODSCode != "YSUP1" || len(pr.Customers) != 0 || len(pr.Org.Contacts) != 1 {
			t.Errorf("suppliers %v, customers %v, contacts %v", pr.Suppliers, pr.Customers, pr.Org.Contacts)
		}
		if len(pr.Rejected) != 1 || pr.Rejected[0].Asset != (vigil.Asset{Kind: vigil.AssetHostname, Value: "vpn.other.example"}) ||
			pr.Rejected[0].ClaimedBy != orgAdmin.Email || pr.Rejected[0].RejectedBy != analyst.Email ||
			pr.Rejected[0].Note != "Not theirs: the host is the supplier's." || pr.Rejected[0].At.IsZero() {
			t.Errorf("rejected %+v", pr.Rejected)
		}
		sup, err := svc.Profile(ctx, analyst, "YSUP1")
		if err != nil || len(sup.Customers) != 1 || sup.Customers[0].ODSCode != "RXA" || len(sup.Suppliers) != 0 {
			t.Errorf("the supplier's profile: customers %v, suppliers %v, %v", sup.Customers, sup.Suppliers, err)
		}
	})
}
