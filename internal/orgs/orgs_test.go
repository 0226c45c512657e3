package orgs_test

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgcsv"
	"github.com/vigil-health/vigil/internal/orgs"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The principals the tables try; RXA is "own", RXB "other", YSUP1 serves RXA.
var (
	sectorAdmin = vigil.Principal{UserID: 1, Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
	analyst     = vigil.Principal{UserID: 2, Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
	orgAdmin    = vigil.Principal{UserID: 3, Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}
	orgMember   = vigil.Principal{UserID: 4, Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}
	supplier    = vigil.Principal{UserID: 5, Email: "staff@supplier.example", Role: vigil.RoleSupplier, Org: "YSUP1"}
	sensor      = vigil.Principal{Email: "RXA zeek", Role: vigil.RoleSensor, Org: "RXA", TokenID: 6}
)

// sector seeds the three organisations and returns a service whose AssetsChanged hook
// counts its calls.
func sector(t *testing.T, s *store.Store) (*orgs.Service, *atomic.Int32) {
	t.Helper()
	ctx := context.Background()
	for _, o := range []vigil.Org{
		{ODSCode: "RXA", Name: "Trust A", Kind: vigil.OrgTrust, IPRanges: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/25")},
			Contacts: []vigil.Contact{{Name: "Ada", Email: "ada@rxa.example"}}},
		{ODSCode: "RXB", Name: "Trust B", Kind: vigil.OrgTrust, Contacts: []vigil.Contact{{Name: "Bob"}}},
		{ODSCode: "YSUP1", Name: "Supplier", Kind: vigil.OrgSupplier, Contacts: []vigil.Contact{{Name: "Sue"}}},
	} {
		if _, _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.LinkSupplier(ctx, "YSUP1", "RXA"); err != nil {
		t.Fatal(err)
	}
	calls := &atomic.Int32{}
	svc := orgs.New(orgs.Deps{Store: s, AssetsChanged: func(context.Context) error {
		calls.Add(1)
		return errors.New("the router is down") // logged, never returned
	}})
	return svc, calls
}

func TestCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, calls := sector(t, s)
		tests := []struct {
			name     string
			p        vigil.Principal
			wantCode string
		}{
			{"sector admin", sectorAdmin, ""},
			{"sector analyst", analyst, ""},
			{"org admin", orgAdmin, vigil.EFORBIDDEN},
			{"supplier", supplier, vigil.EFORBIDDEN},
			{"sensor", sensor, vigil.EFORBIDDEN},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ods := "RXC" + string(rune('0'+i))
				before, hooked := len(storetest.Audits(t, s, vigil.AuditFilter{Action: "org.create"})), calls.Load()
				c, err := svc.Create(context.Background(), tt.p, vigil.Org{ODSCode: ods, Name: "New", Kind: vigil.OrgGP,
					IPRanges: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("Create: %v, want code %q", err, tt.wantCode)
				}
				es := storetest.Audits(t, s, vigil.AuditFilter{Action: "org.create"})
				if tt.wantCode != "" {
					if len(es) != before || calls.Load() != hooked {
						t.Errorf("refused, yet audited or the router was told")
					}
					return
				}
				if len(c.Overlaps) == 0 {
					t.Errorf("no overlap flagged with RXA's 192.0.2.0/25")
				}
				want := map[string]any{"name": "New", "kind": "gp", "assets": 1.0, "overlaps": float64(len(c.Overlaps))}
				if e := es[0]; e.Actor != tt.p.Email || e.Target != ods || !cmp.Equal(storetest.AuditDetail(t, e), want) {
					t.Errorf("org.create entry %+v, want %v", e, want)
				}
				if calls.Load() != hooked+1 {
					t.Errorf("AssetsChanged called %d times, want once", calls.Load()-hooked)
				}
			})
		}
	})
}

func TestUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, calls := sector(t, s)
		name := "Renamed"
		rename := vigil.OrgPatch{Name: &name}
		addRange := vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "198.51.100.0/24"}}}
		tests := []struct {
			name      string
			p         vigil.Principal
			ods       string
			patch     vigil.OrgPatch
			wantCode  string
			wantMsg   string
			wantHooks int32
		}{
			{"analyst renames another organisation", analyst, "RXB", rename, "", "", 0},
			{"org admin adds a range to its own, pending: the router has nothing new", orgAdmin, "rxa", addRange, "", "", 0},
			{"analyst adds a range, approved at once", analyst, "RXB", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "203.0.113.0/24"}}}, "", "", 1},
			{"org admin claims a mail provider", orgAdmin, "RXA", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetDomain, Value: "Gmail.com"}}},
				vigil.EINVALID, "domain gmail.com is a public mail provider shared by millions of people, so no one organisation owns it: register the domains your organisation holds", 0},
			{"org admin claims nhs.net", orgAdmin, "RXA", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetDomain, Value: "nhs.net"}}}, vigil.EINVALID, "", 0},
			{"org admin claims a private range", orgAdmin, "RXA", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "10.0.0.0/8"}}}, vigil.EINVALID, "", 0},
			{"analyst adds a /8: too wide for anyone", analyst, "RXB", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "203.0.0.0/8"}}},
				vigil.EINVALID, "IP range 203.0.0.0/8 is wider than one organisation could own: register the IPv4 networks your organisation holds, each /16 or narrower", 0},
			{"a replacement list is checked too", analyst, "RXB", vigil.OrgPatch{Assets: &[]vigil.Asset{{Kind: vigil.AssetIPRange, Value: "192.168.0.0/24"}}}, vigil.EINVALID, "", 0},
			{"org admin may not see another", orgAdmin, "RXB", rename, vigil.ENOTFOUND, "no organisation RXB", 0},
			{"a code that is no code", orgAdmin, "x!", rename, vigil.ENOTFOUND, `no organisation "x!"`, 0},
			{"org member may not", orgMember, "RXA", rename, vigil.EFORBIDDEN, "", 0},
			{"supplier may not", supplier, "YSUP1", rename, vigil.EFORBIDDEN, "", 0},
			{"nothing to change", sectorAdmin, "RXA", vigil.OrgPatch{}, vigil.EINVALID, "", 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, hooked := len(storetest.Audits(t, s, vigil.AuditFilter{Action: "org.update"})), calls.Load()
				c, err := svc.Update(context.Background(), tt.p, tt.ods, tt.patch)
				if vigil.ErrorCode(err) != tt.wantCode || tt.wantMsg != "" && vigil.ErrorMessage(err) != tt.wantMsg {
					t.Fatalf("Update: %v, want code %q %q", err, tt.wantCode, tt.wantMsg)
				}
				if got := calls.Load() - hooked; got != tt.wantHooks {
					t.Errorf("AssetsChanged called %d times, want %d", got, tt.wantHooks)
				}
				es := storetest.Audits(t, s, vigil.AuditFilter{Action: "org.update"})
				if tt.wantCode != "" {
					if len(es) != before {
						t.Errorf("refused, yet audited")
					}
					return
				}
				if e := es[0]; e.Actor != tt.p.Email || e.Target != c.Org.ODSCode {
					t.Errorf("org.update entry %+v", e)
				}
				var added []any
				for _, a := range tt.patch.AddAssets {
					added = append(added, string(a.Kind)+":"+a.Value)
				}
				wantStatus := any(nil) // the sector's additions are approved; an org admin's wait
				if added != nil && !tt.p.Role.Sector() {
					wantStatus = "pending"
				}
				if d := storetest.AuditDetail(t, es[0]); tt.patch.Name != nil && d["name"] != name || added != nil &&
					(!cmp.Equal(d["add_assets"], added) || d["status"] != wantStatus) {
					t.Errorf("org.update detail %v", d)
				}
			})
		}
	})
}

func TestVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, _ := sector(t, s)
		ctx := context.Background()
		tests := []struct {
			name         string
			p            vigil.Principal
			list         []string // what List gives, in order
			withContacts []string // which of them come with contacts
		}{
			{"sector analyst", analyst, []string{"RXA", "RXB", "YSUP1"}, []string{"RXA", "RXB", "YSUP1"}},
			{"org member", orgMember, []string{"RXA"}, []string{"RXA"}},
			{"supplier", supplier, []string{"RXA", "YSUP1"}, []string{"YSUP1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				os, next, err := svc.List(ctx, tt.p, vigil.OrgFilter{})
				if err != nil || next != "" {
					t.Fatalf("List: %v (next %q)", err, next)
				}
				var got, contacts []string
				for _, o := range os {
					got = append(got, o.ODSCode)
					if len(o.Contacts) > 0 {
						contacts = append(contacts, o.ODSCode)
					}
				}
				if !cmp.Equal(got, tt.list) || !cmp.Equal(contacts, tt.withContacts) {
					t.Errorf("List = %v with contacts %v, want %v with %v", got, contacts, tt.list, tt.withContacts)
				}
				for _, ods := range []string{"RXA", "RXB", "YSUP1"} {
					o, err := svc.Get(ctx, tt.p, ods)
					switch sees := contains(tt.list, ods); {
					case sees && (err != nil || o.ODSCode != ods || (len(o.Contacts) > 0) != contains(tt.withContacts, ods)):
						t.Errorf("Get(%s) = %+v, %v", ods, o, err)
					case !sees && vigil.ErrorMessage(err) != "no organisation "+ods:
						t.Errorf("Get(%s) = %v, want not found in the store's words", ods, err)
					}
				}
			})
		}
		if _, err := svc.Get(ctx, sensor, "RXA"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("sensor Get: %v, want forbidden", err)
		}
		first, next, err := svc.List(ctx, supplier, vigil.OrgFilter{Limit: 1})
		if err != nil || len(first) != 1 || next == "" {
			t.Fatalf("supplier's first page: %v %q %v", first, next, err)
		}
		second, next, err := svc.List(ctx, supplier, vigil.OrgFilter{Limit: 1, Cursor: next})
		if err != nil || len(second) != 1 || second[0].ODSCode != "YSUP1" || next != "" {
			t.Errorf("supplier's second page: %v %q %v", second, next, err)
		}
		if _, _, err := svc.List(ctx, supplier, vigil.OrgFilter{Cursor: "nonsense"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a bad cursor: %v, want invalid", err)
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestOverlaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, _ := sector(t, s)
		ctx := context.Background()
		if _, err := svc.Create(ctx, analyst, vigil.Org{ODSCode: "RXD", Name: "D", Kind: vigil.OrgGP,
			IPRanges: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/28")}}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []vigil.Principal{orgAdmin, supplier} {
			if _, _, err := svc.Overlaps(ctx, p, vigil.OverlapFilter{}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s lists overlaps: %v, want forbidden", p.Role, err)
			}
			if _, err := svc.AcceptOverlap(ctx, p, 1, "fine"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s accepts an overlap: %v, want forbidden", p.Role, err)
			}
		}
		os, _, err := svc.Overlaps(ctx, analyst, vigil.OverlapFilter{Org: "RXD"})
		if err != nil || len(os) != 1 {
			t.Fatalf("Overlaps = %v, %v", os, err)
		}
		o, err := svc.AcceptOverlap(ctx, analyst, os[0].ID, "The trust hosts it.")
		if err != nil || o.Status != vigil.OverlapAccepted || o.ReviewedBy != analyst.Email {
			t.Fatalf("AcceptOverlap = %+v, %v", o, err)
		}
		es := storetest.Audits(t, s, vigil.AuditFilter{Action: "overlap.accept"})
		if len(es) != 1 || es[0].Actor != analyst.Email || !cmp.Equal(storetest.AuditDetail(t, es[0]), map[string]any{"overlap": o.String(), "note": "The trust hosts it."}) {
			t.Errorf("overlap.accept entries %+v", es)
		}
	})
}

func TestImportOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, calls := sector(t, s)
		ctx := context.Background()
		rows := []orgcsv.Row{
			{Line: 2, Org: vigil.Org{ODSCode: "RXE01", Name: "Site", Kind: vigil.OrgTrust, Parent: "RXE"}},
			{Line: 3, Org: vigil.Org{ODSCode: "RXE", Name: "Trust E", Kind: vigil.OrgTrust, Domains: []string{"e.example"}}, Suppliers: []string{"YSUP1", "YNONE"}},
			{Line: 4, Org: vigil.Org{ODSCode: "RXA", Name: "Trust A again", Kind: vigil.OrgTrust}},
		}
		in := orgs.Import{Source: "orgs.csv", Rows: rows, Unreadable: []orgcsv.RowError{{Line: 5, Msg: "unreadable"}}}
		if _, err := svc.ImportOrgs(ctx, orgAdmin, in); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Fatalf("org admin imports: %v, want forbidden", err)
		}
		res, err := svc.ImportOrgs(ctx, vigil.CommandLine, in)
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, r := range res.Refused {
			lines = append(lines, r.Line)
		}
		if res.Imported != 2 || !cmp.Equal(lines, []int{5, 4, 3}) {
			t.Errorf("import = %+v, want 2 imported and lines 5 (unreadable), 4 (exists), 3 (unknown supplier) refused", res)
		}
		if calls.Load() != 1 {
			t.Errorf("AssetsChanged called %d times, want once for the whole import", calls.Load())
		}
		if es := storetest.Audits(t, s, vigil.AuditFilter{Action: "org.import"}); len(es) != 1 || es[0].Actor != "cli" || es[0].Target != "orgs.csv" ||
			!cmp.Equal(storetest.AuditDetail(t, es[0]), map[string]any{"imported": 2.0, "refused": 3.0}) {
			t.Errorf("org.import entries %+v", es)
		}
		if es := storetest.Audits(t, s, vigil.AuditFilter{Action: "org.create"}); len(es) != 2 || es[1].Target != "RXE" {
			t.Errorf("org.create entries %+v, want RXE (the parent) then RXE01", es)
		}
		in.Update, in.Unreadable = true, nil
		if res, err = svc.ImportOrgs(ctx, vigil.CommandLine, in); err != nil || res.Imported != 3 {
			t.Errorf("import --update = %+v, %v, want all three rows", res, err)
		}
		if o, err := s.GetOrg(ctx, "RXA"); err != nil || o.Name != "Trust A again" || len(o.IPRanges) != 0 {
			t.Errorf("RXA after --update: %+v, %v, want renamed with its assets replaced", o, err)
		}
	})
}

// TestAssetClaims is issue 8 item 1 in the service: an org admin's claims wait for an
// analyst and never route meanwhile, the analyst sees the overlap and decides, and the
// audit log says who claimed and who approved.
func TestAssetClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, calls := sector(t, s)
		ctx := context.Background()
		add := func(kind vigil.AssetKind, v string) vigil.OrgPatch {
			return vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: kind, Value: v}}}
		}
		routes := func(v string) string { // the organisation an approved claim of v routes to
			t.Helper()
			cs, err := s.AssetClaims(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Value() == v {
					return c.Org
				}
			}
			return ""
		}
		if _, err := svc.Update(ctx, analyst, "RXB", add(vigil.AssetIPRange, "203.0.113.0/24")); err != nil {
			t.Fatal(err)
		}
		c, err := svc.Update(ctx, orgAdmin, "RXA", vigil.OrgPatch{AddAssets: []vigil.Asset{
			{Kind: vigil.AssetIPRange, Value: "203.0.113.10"}, {Kind: vigil.AssetDomain, Value: "new-rxa.example"}}})
		if err != nil {
			t.Fatal(err)
		}
		wantPending := []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "203.0.113.10/32"}, {Kind: vigil.AssetDomain, Value: "new-rxa.example"}}
		if !cmp.Equal(c.Org.Pending, wantPending, cmpopts.SortSlices(func(a, b vigil.Asset) bool { return a.Value < b.Value })) ||
			len(c.Org.IPRanges) != 1 || len(c.Org.Domains) != 0 {
			t.Errorf("RXA after its admin's claims: %+v, want both pending and nothing new approved", c.Org)
		}
		if len(c.Overlaps) != 1 {
			t.Errorf("overlaps %+v, want the claim inside RXB's range flagged", c.Overlaps)
		}
		if got := routes("203.0.113.10/32") + routes("new-rxa.example"); got != "" {
			t.Errorf("pending claims route to %q, want nobody", got)
		}

		for _, p := range []vigil.Principal{orgAdmin, orgMember, supplier, sensor} {
			if _, _, err := svc.Assets(ctx, p, vigil.AssetFilter{Status: vigil.AssetPending}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s lists pending assets: %v, want forbidden", p.Role, err)
			}
			if _, err := svc.ApproveAsset(ctx, p, 1, ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s approves an asset: %v, want forbidden", p.Role, err)
			}
			if _, err := svc.RejectAsset(ctx, p, 1, ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s rejects an asset: %v, want forbidden", p.Role, err)
			}
		}
		pending, next, err := svc.Assets(ctx, analyst, vigil.AssetFilter{Status: vigil.AssetPending})
		if err != nil || next != "" || len(pending) != 2 {
			t.Fatalf("pending = %+v %q, %v", pending, next, err)
		}
		claimed, domain := pending[0], pending[1]
		if claimed.Value != "203.0.113.10/32" || claimed.Org != "RXA" || claimed.ClaimedBy != orgAdmin.Email ||
			len(claimed.Overlaps) != 1 || claimed.Overlaps[0].Wider.Org != "RXB" || len(domain.Overlaps) != 0 {
			t.Errorf("pending claims %+v", pending)
		}

		hooked := calls.Load()
		a, err := svc.ApproveAsset(ctx, analyst, domain.ID, "Their registrar confirms it.")
		if err != nil || a.Status != vigil.AssetApproved || a.ReviewedBy != analyst.Email {
			t.Fatalf("ApproveAsset = %+v, %v", a, err)
		}
		if routes("new-rxa.example") != "RXA" || calls.Load() != hooked+1 {
			t.Errorf("the approved domain routes to %q (router told %d times), want RXA, once", routes("new-rxa.example"), calls.Load()-hooked)
		}
		if _, err := svc.ApproveAsset(ctx, sectorAdmin, domain.ID, ""); vigil.ErrorMessage(err) !=
			"domain new-rxa.example of RXA is not pending: analyst@centre.example has approved it" {
			t.Errorf("approving twice: %v", err)
		}
		if _, err := svc.RejectAsset(ctx, analyst, claimed.ID, "  "); vigil.ErrorCode(err) != vigil.EINVALID ||
			!strings.Contains(vigil.ErrorMessage(err), "say why you are rejecting the claim") {
			t.Errorf("rejecting without a note: %v, want invalid, asking why", err)
		}
		if r, err := svc.RejectAsset(ctx, analyst, claimed.ID, "RXB's network."); err != nil || r.Status != vigil.AssetRejected {
			t.Fatalf("RejectAsset = %+v, %v", r, err)
		}
		if _, err := svc.RejectAsset(ctx, analyst, claimed.ID, "Again."); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("rejecting a removed asset: %v, want not found", err)
		}
		if o, err := svc.Get(ctx, orgAdmin, "RXA"); err != nil || len(o.Pending) != 0 || !cmp.Equal(o.Domains, []string{"new-rxa.example"}) {
			t.Errorf("RXA after the review: %+v, %v", o, err)
		}
		for action, want := range map[string]map[string]any{
			"asset.approve": {"asset": "domain:new-rxa.example", "id": strconv.FormatInt(domain.ID, 10), "claimed_by": orgAdmin.Email,
				"overlaps": 0.0, "note": "Their registrar confirms it."},
			"asset.reject": {"asset": "ip_range:203.0.113.10/32", "id": strconv.FormatInt(claimed.ID, 10), "claimed_by": orgAdmin.Email,
				"overlaps": 1.0, "note": "RXB's network."},
		} {
			if es := storetest.Audits(t, s, vigil.AuditFilter{Action: action}); len(es) != 1 || es[0].Actor != analyst.Email || es[0].Target != "RXA" || !cmp.Equal(storetest.AuditDetail(t, es[0]), want) {
				t.Errorf("%s entries %+v, want %v", action, es, want)
			}
		}

		// The sector adding what an organisation has pending approves it.
		if _, err := svc.Update(ctx, orgAdmin, "RXA", add(vigil.AssetHostname, "vpn.rxa.example")); err != nil {
			t.Fatal(err)
		}
		c, err = svc.Update(ctx, analyst, "RXA", add(vigil.AssetHostname, "vpn.rxa.example"))
		if err != nil || len(c.Org.Pending) != 0 || !cmp.Equal(c.Org.Hostnames, []string{"vpn.rxa.example"}) || routes("vpn.rxa.example") != "RXA" {
			t.Errorf("the analyst adds RXA's pending host: %+v, %v, want it approved", c.Org, err)
		}
	})
}

func TestCreateRefusesWhatNoOrgCouldOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := orgs.New(orgs.Deps{Store: s, Limits: vigil.AssetLimits{IPv4: 24}})
		_, err := svc.Create(ctx, analyst, vigil.Org{ODSCode: "RXZ", Name: "Z", Kind: vigil.OrgTrust,
			IPRanges: []netip.Prefix{netip.MustParsePrefix("81.2.68.0/23")}})
		if vigil.ErrorMessage(err) != "IP range 81.2.68.0/23 is wider than one organisation could own: register the IPv4 networks your organisation holds, each /24 or narrower" {
			t.Errorf("a /23 with max_ipv4_prefix 24: %v", err)
		}
		res, err := svc.ImportOrgs(ctx, vigil.CommandLine, orgs.Import{Source: "orgs.csv", Rows: []orgcsv.Row{
			{Line: 2, Org: vigil.Org{ODSCode: "VN1", Name: "Care home", Kind: vigil.OrgCareProvider, Domains: []string{"hotmail.co.uk"}}},
			{Line: 3, Org: vigil.Org{ODSCode: "VN2", Name: "Care home 2", Kind: vigil.OrgCareProvider, Domains: []string{"vn2.example"}}},
		}})
		if err != nil || res.Imported != 1 || len(res.Refused) != 1 || res.Refused[0].Line != 2 ||
			!strings.Contains(res.Refused[0].Msg, "hotmail.co.uk is a public mail provider") {
			t.Errorf("import = %+v, %v, want line 2 refused for the mail provider", res, err)
		}
		if o, err := s.GetOrg(ctx, "VN2"); err != nil || len(o.Pending) != 0 || len(o.Domains) != 1 {
			t.Errorf("an imported organisation's assets: %+v, %v, want approved at once", o, err)
		}
	})
}
