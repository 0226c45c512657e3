package orgs_test

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestProfileForItsPeople checks an organisation's page data: who may read it, its suppliers
// without their contacts, and the reason for a refused claim until it is claimed again.
func TestProfileForItsPeople(t *testing.T) {
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
				// The supplier's staff are the centre's to know, not the customer's.
				if len(pr.Suppliers) != 1 || pr.Suppliers[0].ODSCode != "YSUP1" || (pr.Suppliers[0].Contacts != nil) != tt.p.Role.Sector() {
					t.Errorf("suppliers %+v, want YSUP1, with its contacts only for the sector", pr.Suppliers)
				}
				if len(pr.Rejected) != 1 || pr.Rejected[0].Asset != wide || pr.Rejected[0].RejectedBy != analyst.Email ||
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

// TestProfileForTheCentre checks an organisation's page for the sector: its assets with their
// status, its supplier links both ways and the claims rejected, from the audit log;
// nobody else reads it.
func TestProfileForTheCentre(t *testing.T) {
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
		for _, p := range []vigil.Principal{orgAdmin, orgMember} {
			if own, err := svc.Profile(ctx, p, "RXA"); err != nil || own.Assets != nil || own.Customers != nil {
				t.Errorf("%s reads RXA's profile: %d assets with overlaps, %d customers, %v; want it without the centre's parts",
					p.Role, len(own.Assets), len(own.Customers), err)
			}
		}
		if _, err := svc.Profile(ctx, supplier, "RXA"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("the supplier reads RXA's profile: %v, want not found (it reads customers with Get)", err)
		}
		if _, err := svc.Profile(ctx, sensor, "RXA"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a sensor reads RXA's profile: %v, want forbidden", err)
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
