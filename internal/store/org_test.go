package store_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// org returns an organisation to register, with the given assets.
func org(ods string, kind vigil.OrgKind, assets ...string) vigil.Org {
	o := vigil.Org{ODSCode: ods, Name: "Org " + ods, Kind: kind, Region: "North West"}
	for _, a := range assets {
		if p, err := netip.ParsePrefix(a); err == nil {
			o.IPRanges = append(o.IPRanges, p)
		} else {
			o.Domains = append(o.Domains, a)
		}
	}
	return o
}

func mustCreate(t testing.TB, s *store.Store, o vigil.Org) vigil.Org {
	t.Helper()
	got, _, err := s.CreateOrg(t.Context(), o)
	if err != nil {
		t.Fatalf("CreateOrg %s: %v", o.ODSCode, err)
	}
	return got
}

var equatePrefix = cmpopts.EquateComparable(netip.Prefix{})

var ignoreTimes = cmpopts.IgnoreFields(vigil.Org{}, "CreatedAt", "UpdatedAt")

func TestCreateOrg(t *testing.T) {
	tests := []struct {
		name string
		org  vigil.Org
		want func(*vigil.Org) // the stored org is the input changed by want
		code string
		msg  string
	}{
		{name: "trust with assets", org: func() vigil.Org {
			o := org("RXA", vigil.OrgTrust, "192.0.2.0/24", "2001:db8::/32", "Trust-A.Example.")
			o.Hostnames = []string{"VPN.trust-b.example"}
			o.Contacts = []vigil.Contact{{Name: " Ann ", Role: "IT lead", Email: "Ann@Trust-A.example"}}
			return o
		}(), want: func(o *vigil.Org) {
			o.Domains = []string{"trust-a.example"}
			o.Hostnames = []string{"vpn.trust-b.example"}
			o.Contacts = []vigil.Contact{{Name: "Ann", Role: "IT lead", Email: "ann@trust-a.example"}}
		}},
		{name: "code is upper-cased and host bits masked", org: org(" r1h ", vigil.OrgTrust, "198.51.100.7/24"), want: func(o *vigil.Org) {
			o.ODSCode, o.Name = "R1H", "Org  r1h"
			o.IPRanges = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}
		}},
		{name: "gp practice", org: org("A81001", vigil.OrgGP)},
		{name: "cqc provider id", org: org("1-123456789", vigil.OrgCareProvider)},
		{name: "repeated asset kept once", org: org("VNA01", vigil.OrgCareProvider, "care.example", "CARE.example"), want: func(o *vigil.Org) {
			o.Domains = []string{"care.example"}
		}},
		{name: "code too short", org: org("RX", vigil.OrgTrust), code: vigil.EINVALID, msg: `ODS code "RX" is not valid: use 3 to 12 capital letters`},
		{name: "code with punctuation", org: org("RX!", vigil.OrgTrust), code: vigil.EINVALID, msg: `ODS code "RX!" is not valid`},
		{name: "code starting with a hyphen", org: org("-RXA", vigil.OrgTrust), code: vigil.EINVALID, msg: `ODS code "-RXA" is not valid`},
		{name: "code too long", org: org("ABCDEFGHIJKLM", vigil.OrgTrust), code: vigil.EINVALID, msg: "is not valid"},
		{name: "no name", org: func() vigil.Org { o := org("RXB", vigil.OrgTrust); o.Name = "  "; return o }(), code: vigil.EINVALID, msg: "name is required"},
		{name: "unknown kind", org: org("RXB", "hospice"), code: vigil.EINVALID, msg: `kind "hospice" is not one of trust, gp, care_provider, supplier, centre`},
		{name: "unknown parent", org: func() vigil.Org { o := org("RXB", vigil.OrgTrust); o.Parent = "RZZ"; return o }(), code: vigil.EINVALID, msg: "parent RZZ is not a registered organisation"},
		{name: "own parent", org: func() vigil.Org { o := org("RXB", vigil.OrgTrust); o.Parent = "rxb"; return o }(), code: vigil.EINVALID, msg: "RXB cannot be its own parent"},
		{name: "network too wide", org: org("RXB", vigil.OrgTrust, "10.0.0.0/7"), code: vigil.EINVALID, msg: `IP range "10.0.0.0/7": network 10.0.0.0/7 is wider than /8`},
		{name: "public suffix", org: org("RXB", vigil.OrgTrust, "nhs.uk"), code: vigil.EINVALID, msg: `domain "nhs.uk": nhs.uk is a public suffix`},
		{name: "bad contact email", org: func() vigil.Org {
			o := org("RXB", vigil.OrgTrust)
			o.Contacts = []vigil.Contact{{Name: "Bob", Email: "bob at example"}}
			return o
		}(), code: vigil.EINVALID, msg: `contact 1: "bob at example" is not an email address`},
		{name: "unknown notify choice", org: func() vigil.Org {
			o := org("RXB", vigil.OrgTrust)
			o.Contacts = []vigil.Contact{{Name: "Ann", Email: "ann@rxb.example"}, {Name: "Bob", Email: "bob@rxb.example", Notify: "weekly"}}
			return o
		}(), code: vigil.EINVALID, msg: `contact 2: notify "weekly" must be immediate`},
		{name: "duplicate code", org: org("rxz", vigil.OrgGP), code: vigil.ECONFLICT, msg: "an organisation with ODS code RXZ is already registered"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustCreate(t, s, org("RXZ", vigil.OrgTrust))
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, _, err := s.CreateOrg(t.Context(), tt.org)
				wantError(t, err, tt.code, tt.msg)
				if err != nil {
					return
				}
				want := tt.org
				if tt.want != nil {
					tt.want(&want)
				}
				if diff := cmp.Diff(want, got, ignoreTimes, cmpopts.EquateEmpty(), equatePrefix); diff != "" {
					t.Errorf("CreateOrg returned (-want +got):\n%s", diff)
				}
				if got.CreatedAt.IsZero() || !got.CreatedAt.Equal(got.UpdatedAt) {
					t.Errorf("CreatedAt %v, UpdatedAt %v: want both set and equal", got.CreatedAt, got.UpdatedAt)
				}
				again, err := s.GetOrg(t.Context(), got.ODSCode)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(got, again, equatePrefix); diff != "" {
					t.Errorf("GetOrg differs from CreateOrg (-create +get):\n%s", diff)
				}
			})
		}
	})
}

func TestGetOrgNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, code := range []string{"RXA", "not a code"} {
			_, err := s.GetOrg(t.Context(), code)
			wantError(t, err, vigil.ENOTFOUND, "no organisation")
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestUpdateOrg(t *testing.T) {
	tests := []struct {
		name  string
		ods   string
		patch vigil.OrgPatch
		want  func(*vigil.Org)
		code  string
		msg   string
	}{
		{name: "empty patch", ods: "RXB"},
		{name: "rename and move region", ods: "RXB", patch: vigil.OrgPatch{Name: ptr(" New name "), Region: ptr("London")},
			want: func(o *vigil.Org) { o.Name, o.Region = "New name", "London" }},
		{name: "set parent", ods: "RXB", patch: vigil.OrgPatch{Parent: ptr("rxa")}, want: func(o *vigil.Org) { o.Parent = "RXA" }},
		{name: "parent loop", ods: "RXA", patch: vigil.OrgPatch{Parent: ptr("RXC")}, code: vigil.EINVALID, msg: "parent RXC would put RXA inside itself"},
		{name: "clear parent", ods: "RXC", patch: vigil.OrgPatch{Parent: ptr("")}, want: func(o *vigil.Org) { o.Parent = "" }},
		{name: "change kind", ods: "RXB", patch: vigil.OrgPatch{Kind: ptr(vigil.OrgSupplier)}, want: func(o *vigil.Org) { o.Kind = vigil.OrgSupplier }},
		{name: "bad kind", ods: "RXB", patch: vigil.OrgPatch{Kind: ptr(vigil.OrgKind("x"))}, code: vigil.EINVALID, msg: `kind "x" is not one of`},
		{name: "contacts", ods: "RXB", patch: vigil.OrgPatch{Contacts: &[]vigil.Contact{{Name: "Cat", Phone: "0161 000 0000"}}},
			want: func(o *vigil.Org) { o.Contacts = []vigil.Contact{{Name: "Cat", Phone: "0161 000 0000"}} }},
		{name: "replace assets", ods: "RXB", patch: vigil.OrgPatch{Assets: &[]vigil.Asset{{Kind: vigil.AssetIPRange, Value: "203.0.113.0/25"}, {Kind: vigil.AssetDomain, Value: "b.example"}}},
			want: func(o *vigil.Org) {
				o.IPRanges = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/25")}
				o.Domains = []string{"b.example"}
			}},
		{name: "replace with nothing", ods: "RXB", patch: vigil.OrgPatch{Assets: &[]vigil.Asset{}}, want: func(o *vigil.Org) { o.IPRanges, o.Domains = nil, nil }},
		{name: "add and remove", ods: "RXB", patch: vigil.OrgPatch{
			AddAssets:    []vigil.Asset{{Kind: vigil.AssetHostname, Value: "mail.b.example"}, {Kind: vigil.AssetIPRange, Value: "203.0.113.9"}},
			RemoveAssets: []vigil.Asset{{Kind: vigil.AssetDomain, Value: "B.example."}, {Kind: vigil.AssetDomain, Value: "never.example"}},
		}, want: func(o *vigil.Org) {
			o.IPRanges = append(o.IPRanges, netip.MustParsePrefix("203.0.113.9/32"))
			o.Domains = nil
			o.Hostnames = []string{"mail.b.example"}
		}},
		{name: "bad asset", ods: "RXB", patch: vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: "url", Value: "x"}}}, code: vigil.EINVALID, msg: `asset kind "url" is not one of ip_range, domain, hostname`},
		{name: "bad name", ods: "RXB", patch: vigil.OrgPatch{Name: ptr("")}, code: vigil.EINVALID, msg: "name is required"},
		{name: "unknown org", ods: "RZZ", patch: vigil.OrgPatch{Name: ptr("x")}, code: vigil.ENOTFOUND, msg: "no organisation RZZ"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust, "192.0.2.0/24", "b.example"))
		c := org("RXC", vigil.OrgTrust)
		c.Parent = "RXA"
		mustCreate(t, s, c)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, _ := s.GetOrg(ctx, tt.ods)
				got, _, err := s.UpdateOrg(ctx, tt.ods, tt.patch)
				wantError(t, err, tt.code, tt.msg)
				after, _ := s.GetOrg(ctx, tt.ods)
				if err != nil {
					if diff := cmp.Diff(before, after, equatePrefix); diff != "" {
						t.Errorf("failed update changed the org:\n%s", diff)
					}
					return
				}
				want := before
				if tt.want != nil {
					tt.want(&want)
				}
				if diff := cmp.Diff(want, got, ignoreTimes, cmpopts.EquateEmpty(), equatePrefix); diff != "" {
					t.Errorf("UpdateOrg (-want +got):\n%s", diff)
				}
				if got.UpdatedAt.Before(before.UpdatedAt) || !got.CreatedAt.Equal(before.CreatedAt) {
					t.Errorf("times: created %v→%v, updated %v→%v", before.CreatedAt, got.CreatedAt, before.UpdatedAt, got.UpdatedAt)
				}
			})
		}
	})
}

func TestListOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		kinds := []vigil.OrgKind{vigil.OrgTrust, vigil.OrgGP, vigil.OrgCareProvider}
		var all, gps []string
		for i := range 23 {
			o := org(fmt.Sprintf("A%05d", i), kinds[i%3], fmt.Sprintf("10.%d.0.0/16", i))
			if i%2 == 0 {
				o.Region = "London"
			}
			mustCreate(t, s, o)
			all = append(all, o.ODSCode)
			if o.Kind == vigil.OrgGP {
				gps = append(gps, o.ODSCode)
			}
		}
		tests := []struct {
			name   string
			filter vigil.OrgFilter
			want   []string
		}{
			{name: "all in pages of 5", filter: vigil.OrgFilter{Limit: 5}, want: all},
			{name: "all in one page", filter: vigil.OrgFilter{}, want: all},
			{name: "exact pages", filter: vigil.OrgFilter{Limit: 23}, want: all},
			{name: "gp practices", filter: vigil.OrgFilter{Kind: vigil.OrgGP, Limit: 2}, want: gps},
			{name: "london gp practices", filter: vigil.OrgFilter{Kind: vigil.OrgGP, Region: "London", Limit: 3}, want: []string{"A00004", "A00010", "A00016", "A00022"}},
			{name: "nothing", filter: vigil.OrgFilter{Region: "Mars"}, want: nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []string
				f := tt.filter
				for pages := 0; ; pages++ {
					orgs, next, err := s.ListOrgs(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					for _, o := range orgs {
						got = append(got, o.ODSCode)
						if len(o.IPRanges) != 1 {
							t.Errorf("%s has ranges %v, want its one range loaded", o.ODSCode, o.IPRanges)
						}
					}
					if next == "" {
						break
					}
					if pages > 30 {
						t.Fatal("too many pages")
					}
					f.Cursor = next
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("listed (-want +got):\n%s", diff)
				}
			})
		}
		_, _, err := s.ListOrgs(ctx, vigil.OrgFilter{Cursor: "garbage"})
		wantError(t, err, vigil.EINVALID, "cursor is not valid")
	})
}

func TestOverlaps(t *testing.T) {
	tests := []struct {
		name     string
		existing []vigil.Org
		add      vigil.Org
		want     []string // vigil.Overlap.String() of what CreateOrg reports
	}{
		{name: "equal ranges", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "192.0.2.0/24")}, add: org("A81001", vigil.OrgGP, "192.0.2.0/24"),
			want: []string{"RXA and A81001 both claim 192.0.2.0/24"}},
		{name: "new range inside", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "198.51.0.0/16")}, add: org("A81001", vigil.OrgGP, "198.51.100.0/24"),
			want: []string{"RXA claims 198.51.0.0/16, which contains A81001's 198.51.100.0/24"}},
		{name: "new range contains", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "198.51.100.128/25"), org("RXB", vigil.OrgTrust, "198.51.100.0/26")}, add: org("A81001", vigil.OrgGP, "198.51.100.0/24"),
			want: []string{"A81001 claims 198.51.100.0/24, which contains RXA's 198.51.100.128/25", "A81001 claims 198.51.100.0/24, which contains RXB's 198.51.100.0/26"}},
		{name: "single address inside", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "203.0.113.0/24")}, add: org("A81001", vigil.OrgGP, "203.0.113.255/32"),
			want: []string{"RXA claims 203.0.113.0/24, which contains A81001's 203.0.113.255/32"}},
		{name: "ipv6", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "2001:db8::/32")}, add: org("A81001", vigil.OrgGP, "2001:db8:ffff::/48"),
			want: []string{"RXA claims 2001:db8::/32, which contains A81001's 2001:db8:ffff::/48"}},
		{name: "adjacent ranges", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "192.0.2.0/25")}, add: org("A81001", vigil.OrgGP, "192.0.2.128/25")},
		{name: "ipv4 and ipv6 never overlap", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "::/32")}, add: org("A81001", vigil.OrgGP, "192.0.2.0/24")},
		{name: "same org", existing: nil, add: org("A81001", vigil.OrgGP, "192.0.2.0/24", "192.0.2.0/25")},
		{name: "equal domains", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "trust.example")}, add: org("A81001", vigil.OrgGP, "TRUST.example"),
			want: []string{"RXA and A81001 both claim trust.example"}},
		{name: "domain under another", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "trust.example")}, add: org("A81001", vigil.OrgGP, "gp.trust.example"),
			want: []string{"RXA claims trust.example, which contains A81001's gp.trust.example"}},
		{name: "domain above another", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "a.b.trust.example")}, add: org("A81001", vigil.OrgGP, "trust.example"),
			want: []string{"A81001 claims trust.example, which contains RXA's a.b.trust.example"}},
		{name: "suffix that is not a parent", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "mytrust.example")}, add: org("A81001", vigil.OrgGP, "trust.example")},
		{name: "underscore is not a wildcard", existing: []vigil.Org{org("RXA", vigil.OrgTrust, "x.ab.example")}, add: org("A81001", vigil.OrgGP, "a_.example")},
		{name: "hostname under a domain", existing: []vigil.Org{func() vigil.Org {
			o := org("RXA", vigil.OrgTrust)
			o.Hostnames = []string{"portal.trust.example"}
			return o
		}()}, add: org("A81001", vigil.OrgGP, "trust.example"),
			want: []string{"A81001 claims trust.example, which contains RXA's portal.trust.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				for _, o := range tt.existing {
					mustCreate(t, s, o)
				}
				_, got, err := s.CreateOrg(t.Context(), tt.add)
				if err != nil {
					t.Fatal(err)
				}
				var gotS []string
				for _, o := range got {
					gotS = append(gotS, o.String())
				}
				if diff := cmp.Diff(tt.want, gotS, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
					t.Errorf("overlaps (-want +got):\n%s", diff)
				}
				listed, _, err := s.ListOverlaps(t.Context(), vigil.OverlapFilter{Org: tt.add.ODSCode})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(got, listed, cmpopts.EquateEmpty(), equatePrefix); diff != "" {
					t.Errorf("ListOverlaps differs from what CreateOrg reported (-create +list):\n%s", diff)
				}
			})
		})
	}
}

// TestOverlapLifecycle covers an overlap from an update, its review, and its removal.
func TestOverlapLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXA", vigil.OrgTrust, "192.0.2.0/24"))
		mustCreate(t, s, org("A81001", vigil.OrgGP))
		mustCreate(t, s, org("A81002", vigil.OrgGP, "198.51.100.0/24"))
		_, found, err := s.UpdateOrg(ctx, "A81001", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "192.0.2.64/26"}}})
		if err != nil || len(found) != 1 {
			t.Fatalf("UpdateOrg found %v, %v; want one overlap", found, err)
		}
		id := found[0].ID
		_, found, err = s.UpdateOrg(ctx, "A81001", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "192.0.2.64/26"}}})
		if err != nil || len(found) != 0 {
			t.Fatalf("re-adding an asset found %v, %v; want nothing new", found, err)
		}

		_, err = s.AcceptOverlap(ctx, id, "analyst@centre.example", " ")
		wantError(t, err, vigil.EINVALID, "note is required")
		_, err = s.AcceptOverlap(ctx, id+100, "analyst@centre.example", "ok")
		wantError(t, err, vigil.ENOTFOUND, fmt.Sprintf("no overlap %d", id+100))
		got, err := s.AcceptOverlap(ctx, id, "analyst@centre.example", "the trust hosts the practice")
		wantError(t, err, "", "")
		if got.Status != vigil.OverlapAccepted || got.ReviewedBy != "analyst@centre.example" || got.ReviewedAt.IsZero() || got.Note != "the trust hosts the practice" {
			t.Errorf("accepted overlap = %+v", got)
		}
		_, err = s.AcceptOverlap(ctx, id, "other@centre.example", "again")
		wantError(t, err, vigil.ECONFLICT, "already accepted by analyst@centre.example")

		counts := map[string]vigil.OverlapFilter{
			"open":     {Status: vigil.OverlapOpen},
			"accepted": {Status: vigil.OverlapAccepted},
			"RXA":      {Org: "rxa"},
			"A81002":   {Org: "A81002"},
		}
		want := map[string]int{"open": 0, "accepted": 1, "RXA": 1, "A81002": 0}
		for name, f := range counts {
			list, _, err := s.ListOverlaps(ctx, f)
			if err != nil || len(list) != want[name] {
				t.Errorf("ListOverlaps(%s) = %d, %v; want %d", name, len(list), err, want[name])
			}
		}

		// Replacing the assets keeps unchanged ones (and their review); removing one drops its overlap.
		if _, _, err := s.UpdateOrg(ctx, "A81001", vigil.OrgPatch{Assets: &[]vigil.Asset{{Kind: vigil.AssetIPRange, Value: "192.0.2.64/26"}, {Kind: vigil.AssetDomain, Value: "gp.example"}}}); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := s.ListOverlaps(ctx, vigil.OverlapFilter{Status: vigil.OverlapAccepted}); len(list) != 1 {
			t.Errorf("after replacing assets, accepted overlaps = %v; want the review kept", list)
		}
		if _, _, err := s.UpdateOrg(ctx, "A81001", vigil.OrgPatch{RemoveAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "192.0.2.64/26"}}}); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := s.ListOverlaps(ctx, vigil.OverlapFilter{}); len(list) != 0 {
			t.Errorf("after removing the asset, overlaps = %v; want none", list)
		}
	})
}

func TestAssetClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := org("RXA", vigil.OrgTrust, "192.0.2.0/24", "trust.example")
		a.Hostnames = []string{"vpn.other.example"}
		mustCreate(t, s, a)
		mustCreate(t, s, org("A81001", vigil.OrgGP, "2001:db8::/48"))
		// A81001's admin claims an address inside RXA's range and a domain: pending.
		claim := store.Claimant{By: "admin@a81001.example", Pending: true}
		o, overlaps, err := s.UpdateOrgAs(t.Context(), "A81001", vigil.OrgPatch{AddAssets: []vigil.Asset{
			{Kind: vigil.AssetIPRange, Value: "192.0.2.10"}, {Kind: vigil.AssetDomain, Value: "gp.example"}}}, claim)
		if err != nil || len(overlaps) != 1 || len(o.Pending) != 2 || len(o.IPRanges) != 1 || len(o.Domains) != 0 {
			t.Fatalf("UpdateOrgAs pending = %+v, %v, %v", o, overlaps, err)
		}
		want := []vigil.AssetClaim{
			{Org: "A81001", Kind: vigil.AssetIPRange, Prefix: netip.MustParsePrefix("2001:db8::/48")},
			{Org: "RXA", Kind: vigil.AssetDomain, Name: "trust.example"},
			{Org: "RXA", Kind: vigil.AssetHostname, Name: "vpn.other.example"},
			{Org: "RXA", Kind: vigil.AssetIPRange, Prefix: netip.MustParsePrefix("192.0.2.0/24")},
		}
		claims := func(step string) {
			t.Helper()
			got, err := s.AssetClaims(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, equatePrefix); diff != "" {
				t.Errorf("AssetClaims %s (-want +got):\n%s", step, diff)
			}
		}
		claims("with two pending claims, which route nothing")

		pending, next, err := s.ListAssets(t.Context(), vigil.AssetFilter{Status: vigil.AssetPending, Limit: 1})
		if err != nil || len(pending) != 1 || next == "" || pending[0].Value != "192.0.2.10/32" || pending[0].ClaimedBy != claim.By ||
			len(pending[0].Overlaps) != 1 || pending[0].Overlaps[0].Wider.Org != "RXA" {
			t.Fatalf("ListAssets pending, first page = %+v %q, %v", pending, next, err)
		}
		more, next, err := s.ListAssets(t.Context(), vigil.AssetFilter{Status: vigil.AssetPending, Cursor: next})
		if err != nil || len(more) != 1 || next != "" || more[0].Value != "gp.example" {
			t.Fatalf("ListAssets pending, second page = %+v %q, %v", more, next, err)
		}
		if _, _, err := s.ListAssets(t.Context(), vigil.AssetFilter{Status: "maybe"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("ListAssets with a bad status: %v, want invalid", err)
		}

		if a, err := s.ApproveAsset(t.Context(), more[0].ID, "analyst@centre.example"); err != nil || a.Status != vigil.AssetApproved {
			t.Fatalf("ApproveAsset = %+v, %v", a, err)
		}
		want = slices.Insert(want, 0, vigil.AssetClaim{Org: "A81001", Kind: vigil.AssetDomain, Name: "gp.example"})
		claims("after approving the domain")
		if _, err := s.ApproveAsset(t.Context(), more[0].ID, "x"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("approving twice: %v, want conflict", err)
		}
		if _, err := s.RejectAsset(t.Context(), more[0].ID, "x"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("rejecting an approved asset: %v, want conflict", err)
		}
		if a, err := s.RejectAsset(t.Context(), pending[0].ID, "analyst@centre.example"); err != nil || a.Status != vigil.AssetRejected {
			t.Fatalf("RejectAsset = %+v, %v", a, err)
		}
		if os, _, _ := s.ListOverlaps(t.Context(), vigil.OverlapFilter{Org: "A81001"}); len(os) != 0 {
			t.Errorf("overlaps after the rejection: %+v, want the rejected claim's gone", os)
		}
		if _, err := s.ApproveAsset(t.Context(), pending[0].ID, "x"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("approving a rejected asset: %v, want not found", err)
		}
		claims("after rejecting the address")
	})
}

func TestSuppliers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("SUP01", vigil.OrgSupplier))
		mustCreate(t, s, org("VNA01", vigil.OrgCareProvider))
		mustCreate(t, s, org("VNA02", vigil.OrgCareProvider))
		tests := []struct {
			name               string
			supplier, customer string
			code, msg          string
		}{
			{name: "link", supplier: "SUP01", customer: "VNA01"},
			{name: "link again", supplier: "sup01", customer: "vna01"},
			{name: "second customer", supplier: "SUP01", customer: "VNA02"},
			{name: "not a supplier", supplier: "VNA01", customer: "VNA02", code: vigil.EINVALID, msg: "VNA01 is a care_provider, not a supplier"},
			{name: "unknown customer", supplier: "SUP01", customer: "VNZ99", code: vigil.ENOTFOUND, msg: "no organisation VNZ99"},
			{name: "own customer", supplier: "SUP01", customer: "SUP01", code: vigil.EINVALID, msg: "cannot be its own customer"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, s.LinkSupplier(ctx, tt.supplier, tt.customer), tt.code, tt.msg)
			})
		}
		codes := func(orgs []vigil.Org, err error) []string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range orgs {
				out = append(out, o.ODSCode)
			}
			return out
		}
		if got := codes(s.Customers(ctx, "SUP01")); !cmp.Equal(got, []string{"VNA01", "VNA02"}) {
			t.Errorf("Customers = %v", got)
		}
		if got := codes(s.Suppliers(ctx, "VNA02")); !cmp.Equal(got, []string{"SUP01"}) {
			t.Errorf("Suppliers = %v", got)
		}
		if err := s.UnlinkSupplier(ctx, "SUP01", "VNA02"); err != nil {
			t.Fatal(err)
		}
		if got := codes(s.Suppliers(ctx, "VNA02")); len(got) != 0 {
			t.Errorf("Suppliers after unlink = %v", got)
		}
		_, err := s.Customers(ctx, "NOPE1")
		wantError(t, err, vigil.ENOTFOUND, "no organisation NOPE1")
	})
}
