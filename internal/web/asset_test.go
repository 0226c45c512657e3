package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// assetJSON is an asset as GET /assets and the organisation's assets list show it.
type assetJSON struct {
	ID        int64  `json:"id"`
	Org       string `json:"org"`
	Kind      string `json:"kind"`
	Value     string `json:"value"`
	Status    string `json:"status"`
	ClaimedBy string `json:"claimed_by"`
	Overlaps  []struct {
		Message string `json:"message"`
	} `json:"overlaps"`
}

// TestOrgAdminCannotClaimAnotherOrgsAssets is issue 8 item 1: an org_admin's own
// claims wait for an analyst and route nothing meanwhile; what no organisation could
// own is refused with a reason; an analyst approves or rejects, and the audit log
// says who claimed and who approved.
func TestOrgAdminCannotClaimAnotherOrgsAssets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		seen := time.Now().Add(-time.Hour)
		send := func(obs string) eventsJSON {
			t.Helper()
			var res eventsJSON
			r := f.do("POST", "/api/v1/events", eventLine("compromise", obs, seen, "high")+"\n", f.as("sector_analyst"))
			if r.status != http.StatusOK {
				t.Fatalf("POST /events: %d %s", r.status, r.body)
			}
			r.decode(t, &res)
			return res
		}
		alertsOf := func(org string) int {
			t.Helper()
			var alerts pageJSON[ewAlertJSON]
			f.do("GET", "/api/v1/alerts?org="+org, nil, f.as("sector_analyst")).decode(t, &alerts)
			return len(alerts.Items)
		}

		for _, tc := range []struct{ name, body, msg string }{
			{"a private range", `{"add_assets": {"ip_ranges": ["10.0.0.0/8"]}}`, "private-use"},
			{"a /8", `{"add_assets": {"ip_ranges": ["203.0.0.0/8"]}}`, "wider than one organisation could own"},
			{"nhs.net", `{"add_assets": {"domains": ["nhs.net"]}}`, "nhs.net is shared"},
			{"gmail.com", `{"add_assets": {"domains": ["gmail.com"]}}`, "gmail.com is a public mail provider"},
		} {
			t.Run("refused: "+tc.name, func(t *testing.T) {
				r := f.do("PATCH", "/api/v1/orgs/"+ownOrg, tc.body, f.as("org_admin"))
				if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.problem(t).Detail, tc.msg) {
					t.Errorf("PATCH = %d %s, want 422 saying %q", r.status, r.body, tc.msg)
				}
			})
		}

		// RXB owns 198.51.100.0/24; RXA's admin claims an address inside it and one no
		// organisation has registered.
		r := f.do("PATCH", "/api/v1/orgs/"+ownOrg, map[string]any{"add_assets": map[string]any{
			"ip_ranges": []string{"198.51.100.10", "81.2.69.160"}, "domains": []string{"rxb.example"}}}, f.as("org_admin"))
		if r.status != http.StatusOK {
			t.Fatalf("org_admin PATCH: %d %s", r.status, r.body)
		}
		var changed struct {
			Org struct {
				IPRanges []string    `json:"ip_ranges"`
				Assets   []assetJSON `json:"assets"`
			} `json:"org"`
		}
		r.decode(t, &changed)
		status := map[string]string{}
		for _, a := range changed.Org.Assets {
			status[a.Value] = a.Status
		}
		if status["198.51.100.10/32"] != "pending" || status["81.2.69.160/32"] != "pending" || status["rxb.example"] != "pending" ||
			status["192.0.2.0/25"] != "approved" || len(changed.Org.IPRanges) != 1 {
			t.Errorf("RXA after its admin's claims: %s, want the new assets pending and only 192.0.2.0/25 active", r.body)
		}

		// Whatever rebuilds the router next (another change, the periodic rebuild, a
		// restart) still leaves the pending claims out.
		if err := f.app.EarlyWarning.Reroute(context.Background()); err != nil {
			t.Fatal(err)
		}
		rxa, rxb := alertsOf(ownOrg), alertsOf(otherOrg)
		if res := send("198.51.100.10"); res.Routed != 1 || alertsOf(ownOrg) != rxa || alertsOf(otherOrg) != rxb+1 {
			t.Errorf("an event for RXB's address claimed by RXA: %+v; RXA %d→%d, RXB %d→%d alerts, want it RXB's only",
				res, rxa, alertsOf(ownOrg), rxb, alertsOf(otherOrg))
		}
		if res := send("81.2.69.160"); res.Routed != 0 || res.Unrouted != 1 {
			t.Errorf("an event for a pending address: %+v, want unrouted", res)
		}
		// Nor does a TLP:RED indicator listing the claimed addresses become RXA's alert.
		rxa = alertsOf(ownOrg)
		if r := f.do("POST", "/api/v1/intel?source=partner-cert&tlp=red", "198.51.100.10\n81.2.69.160\n", f.as("sector_analyst")); r.status != http.StatusOK {
			t.Fatalf("intel upload: %d %s", r.status, r.body)
		}
		if n := alertsOf(ownOrg); n != rxa {
			t.Errorf("RXA has %d alerts after a RED indicator for its pending claims, want %d", n, rxa)
		}

		// The analyst's queue shows the pending claims, with the overlap.
		for _, role := range []string{"org_admin", "supplier"} {
			if r := f.do("GET", "/api/v1/assets?status=pending", nil, f.as(role)); r.status != http.StatusForbidden {
				t.Errorf("%s lists pending assets: %d, want 403", role, r.status)
			}
		}
		var pending pageJSON[assetJSON]
		r = f.do("GET", "/api/v1/assets?status=pending", nil, f.as("sector_analyst"))
		r.decode(t, &pending)
		byValue := map[string]assetJSON{}
		for _, a := range pending.Items {
			byValue[a.Value] = a
		}
		claimed, free := byValue["198.51.100.10/32"], byValue["81.2.69.160/32"]
		if len(pending.Items) != 3 || claimed.Org != ownOrg || claimed.ClaimedBy != f.users["org_admin"].Email ||
			len(claimed.Overlaps) != 1 || !strings.Contains(claimed.Overlaps[0].Message, "198.51.100.0/24") || len(free.Overlaps) != 0 {
			t.Fatalf("pending assets: %d %s", r.status, r.body)
		}

		// Approving the free address routes it; rejecting the overlapping one removes it.
		path := func(id int64, verb string) string { return fmt.Sprintf("/api/v1/assets/%d/%s", id, verb) }
		if r := f.do("POST", path(free.ID, "approve"), map[string]string{"note": "Their ISP confirms it."}, f.as("sector_analyst")); r.status != http.StatusOK ||
			!strings.Contains(string(r.body), `"status":"approved"`) {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		if r := f.do("POST", path(free.ID, "approve"), map[string]string{}, f.as("sector_analyst")); r.status != http.StatusConflict {
			t.Errorf("approving twice: %d %s, want 409", r.status, r.body)
		}
		if res := send("81.2.69.160"); res.Routed != 1 {
			t.Errorf("an event for the approved address: %+v, want routed", res)
		}
		if r := f.do("POST", path(claimed.ID, "reject"), map[string]string{"note": "RXB's address."}, f.as("sector_analyst")); r.status != http.StatusOK {
			t.Fatalf("reject: %d %s", r.status, r.body)
		}
		if r := f.do("POST", path(claimed.ID, "approve"), map[string]string{}, f.as("sector_analyst")); r.status != http.StatusNotFound {
			t.Errorf("approving a rejected asset: %d %s, want 404", r.status, r.body)
		}
		var rxaNow orgJSON
		f.do("GET", "/api/v1/orgs/"+ownOrg, nil, f.as("org_admin")).decode(t, &rxaNow)
		if strings.Join(rxaNow.IPRanges, " ") != "81.2.69.160/32 192.0.2.0/25" {
			t.Errorf("RXA's ranges after the review: %v", rxaNow.IPRanges)
		}

		// Who claimed what and who approved it.
		rows, _, err := f.store.ListAudit(context.Background(), vigil.AuditFilter{Limit: vigil.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range rows {
			switch e.Action {
			case "org.update", "asset.approve", "asset.reject":
				trail = append(trail, e.Action+" by "+e.Actor+" "+e.Detail)
			}
		}
		got := strings.Join(trail, "\n")
		for _, want := range []string{
			`org.update by admin@rxa.example {"add_assets":["ip_range:198.51.100.10","ip_range:81.2.69.160","domain:rxb.example"]`,
			`asset.approve by analyst@centre.example {"asset":"ip_range:81.2.69.160/32","claimed_by":"admin@rxa.example"`,
			`asset.reject by analyst@centre.example {"asset":"ip_range:198.51.100.10/32","claimed_by":"admin@rxa.example"`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("audit trail\n%s\nwants %s", got, want)
			}
		}
	})
}

// claim has org's admin claim a fresh host name and returns the pending asset's id.
func (f *fixture) claim(org string) int64 {
	f.t.Helper()
	ctx := context.Background()
	name := strings.ToLower(f.unique("claim")) + "." + strings.ToLower(org) + ".example"
	who := store.Claimant{By: "admin@" + strings.ToLower(org) + ".example", Pending: true}
	if _, _, err := f.store.UpdateOrgAs(ctx, org, vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetHostname, Value: name}}}, who); err != nil {
		f.t.Fatal(err)
	}
	as, _, err := f.store.ListAssets(ctx, vigil.AssetFilter{Status: vigil.AssetPending, Org: org, Limit: vigil.MaxLimit})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range as {
		if a.Value == name {
			return a.ID
		}
	}
	f.t.Fatalf("no pending claim of %s", name)
	return 0
}
