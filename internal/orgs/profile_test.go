package orgs_test

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestProfile checks an organisation's page data: who may read it, its suppliers
// without their contacts, and the reason for a refused claim until it is claimed again.
func TestProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, _ := sector(t, s)
		ctx := context.Background()
		wide, narrow := vigil.Asset{Kind: vigil.AssetDomain, Value: "rxa-records.example"}, vigil.Asset{Kind: vigil.AssetHostname, Value: "portal.rxa.example"}
		if _, err := svc.Update(ctx, orgAdmin, "RXA", vigil.OrgPatch{AddAssets: []vigil.Asset{wide, narrow}}); err != nil {
			t.Fatal(err)
		}
		pending, _, err := svc.Assets(ctx, analyst, vigil.AssetFilter{Status: vigil.AssetPending, Org: "RXA"})
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending claims: %v %v", pending, err)
		}
		if _, err := svc.RejectAsset(ctx, analyst, pending[0].ID, "Not yours: it belongs to the records office."); err != nil {
			t.Fatal(err)
		}

		for _, tt := range []struct {
			name     string
			p        vigil.Principal
			ods      string
			wantCode string
		}{
			{"org admin, own", orgAdmin, "rxa", ""},
			{"org member, own", orgMember, "RXA", ""},
			{"analyst", analyst, "RXA", ""},
			{"org admin, another organisation", orgAdmin, "RXB", vigil.ENOTFOUND},
			{"supplier, its customer", supplier, "RXA", vigil.ENOTFOUND},
			{"sensor", sensor, "RXA", vigil.EFORBIDDEN},
		} {
			t.Run(tt.name, func(t *testing.T) {
				pr, err := svc.Profile(ctx, tt.p, tt.ods)
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("Profile: %v, want code %q", err, tt.wantCode)
				}
				if err != nil {
					return
				}
				if pr.Org.ODSCode != "RXA" || len(pr.Org.Pending) != 1 || pr.Org.Pending[0] != narrow {
					t.Errorf("org %s pending %v, want RXA with %v pending", pr.Org.ODSCode, pr.Org.Pending, narrow)
				}
				if len(pr.Suppliers) != 1 || pr.Suppliers[0].ODSCode != "YSUP1" || pr.Suppliers[0].Contacts != nil {
					t.Errorf("suppliers %+v, want YSUP1 without its contacts", pr.Suppliers)
				}
				if len(pr.Rejected) != 1 || pr.Rejected[0].Asset != wide || pr.Rejected[0].By != analyst.Email ||
					pr.Rejected[0].Note != "Not yours: it belongs to the records office." || pr.Rejected[0].At.IsZero() {
					t.Errorf("rejected %+v, want %v refused by the analyst with the note", pr.Rejected, wide)
				}
			})
		}

		if _, err := svc.Update(ctx, orgAdmin, "RXA", vigil.OrgPatch{AddAssets: []vigil.Asset{wide}}); err != nil {
			t.Fatal(err)
		}
		if pr, err := svc.Profile(ctx, orgAdmin, "RXA"); err != nil || len(pr.Rejected) != 0 {
			t.Errorf("claimed again: rejected %+v %v, want none shown", pr.Rejected, err)
		}
	})
}
