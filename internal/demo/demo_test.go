package demo

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/warn"
)

const testPassword = "demo password for tests"

var now = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

func TestSectorIsBelievableAndUsesOnlyDocumentationSpace(t *testing.T) {
	docRanges := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	kinds := map[vigil.OrgKind]int{}
	for _, o := range sector() {
		kinds[o.Kind]++
		if _, err := vigil.NormalizeODS(o.ODSCode); err != nil {
			t.Errorf("%s: %v", o.Name, err)
		}
		for _, p := range o.IPRanges {
			if !covered(docRanges, p) {
				t.Errorf("%s claims %s, outside the documentation ranges", o.ODSCode, p)
			}
		}
		for _, d := range o.Domains {
			if !strings.HasSuffix(d, ".example") {
				t.Errorf("%s claims %s, not an .example name", o.ODSCode, d)
			}
		}
	}
	want := map[vigil.OrgKind]int{vigil.OrgCentre: 1, vigil.OrgTrust: 4, vigil.OrgGP: 8, vigil.OrgCareProvider: 40, vigil.OrgSupplier: 3}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d organisations of kind %s, want %d", kinds[k], k, n)
		}
	}
}

func covered(within []netip.Prefix, p netip.Prefix) bool {
	for _, w := range within {
		if w.Bits() <= p.Bits() && w.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func TestSampleIntelImportsCleanly(t *testing.T) {
	for _, f := range append(append([]intelFile{}, firstIntel...), laterIntel...) {
		t.Run(f.path, func(t *testing.T) {
			var got []vigil.Indicator
			rep, err := intel.LoadReader(bytes.NewReader(file(f.path, now)), f.path, intel.Options{Source: f.source, Now: now},
				func(i vigil.Indicator) { got = append(got, i) })
			if err != nil {
				t.Fatal(err)
			}
			if rep.Rejected != 0 || rep.Expired != 0 || rep.Failed != 0 || len(got) < 5 {
				t.Errorf("%d indicators, report %+v", len(got), rep)
			}
		})
	}
}

// The sample events exercise every route: each organisation kind's own address or
// domain, and one address nobody registered.
func TestSampleEventsRouteAsTheDemoPromises(t *testing.T) {
	var claims []vigil.AssetClaim
	for _, o := range sector() {
		for _, p := range o.IPRanges {
			claims = append(claims, vigil.AssetClaim{Org: o.ODSCode, Prefix: p})
		}
		for _, d := range o.Domains {
			claims = append(claims, vigil.AssetClaim{Org: o.ODSCode, Name: d})
		}
	}
	r, overlaps := warn.NewRouter(claims)
	if len(overlaps) > 0 {
		t.Errorf("the demo organisations' assets overlap: %v", overlaps)
	}
	var routed []string
	rep, err := warn.ParseEvents(bytes.NewReader(file("data/events.ndjson", time.Now())), func(line int, ev vigil.ThreatEvent) {
		routed = append(routed, strings.Join(r.Route(ev.ObservableType, ev.Observable, nil), "+"))
	})
	if err != nil || rep.Rejected != 0 {
		t.Fatalf("sample events: %v %+v", err, rep)
	}
	want := []string{"R9A", "1-101000008", "Y90002", "1-101000007", "R9B", "Y90006", "R9B", ""}
	if strings.Join(routed, " ") != strings.Join(want, " ") {
		t.Errorf("sample events route to %q, want %q", routed, want)
	}
}

func TestExpandRelativeTimes(t *testing.T) {
	got := string(expand([]byte(`"NOW" "NOW-2h" "DAY-1d" "UNIX-1m" NOWHERE`), now))
	want := `"2026-12-05T10:00:00Z" "2026-12-05T08:00:00Z" "2026-12-04" "1796464740" NOWHERE`
	if got != want {
		t.Errorf("expand = %s\nwant     %s", got, want)
	}
}

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, err := app.Open(ctx, app.Deps{Store: s, Flows: app.Flows{Secret: bytes.Repeat([]byte{7}, 32)}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Seed(ctx, s, c, Options{Password: testPassword, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Seeded || res.Orgs[vigil.OrgCareProvider] != 40 || !strings.HasPrefix(res.SensorToken, vigil.TokenPrefix) {
			t.Fatalf("Seed = %+v", res)
		}
		for _, l := range Logins() {
			if _, err := s.Authenticate(ctx, l.Email, testPassword); err != nil {
				t.Errorf("%s (%s) cannot sign in: %v", l.Email, l.Role, err)
			}
		}
		if p, err := s.TokenPrincipal(ctx, res.SensorToken); err != nil || p.Role != vigil.RoleSensor || p.Org != TrustODS {
			t.Errorf("sensor token acts as %+v, %v", p, err)
		}
		customers, err := s.Customers(ctx, SupplierODS)
		if err != nil || len(customers) != 25 {
			t.Errorf("the care-plan supplier serves %d organisations, want 25 (%v)", len(customers), err)
		}
		checkPeoplesWork(t, s, c)
		checkIncidents(t, c)
		checkInventories(t, c)

		again, err := Seed(ctx, s, c, Options{Password: "another demo password", ResetPasswords: true})
		if err != nil || again.Seeded || !again.HasDemoUsers || again.SensorToken != "" {
			t.Fatalf("a second Seed should leave the store alone: %+v, %v", again, err)
		}
		if _, err := s.Authenticate(ctx, Logins()[0].Email, "another demo password"); err != nil {
			t.Errorf("ResetPasswords did not set the new password: %v", err)
		}
		orgs, _, _ := s.ListOrgs(ctx, vigil.OrgFilter{Limit: vigil.MaxLimit})
		if len(orgs) != len(sector())+1 { // and the Local Support Organisation (seedLSO)
			t.Errorf("%d organisations after a second Seed, want %d", len(orgs), len(sector())+1)
		}
	})
}

func TestSeedLeavesAnotherSectorAlone(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: "RXX", Name: "A real trust", Kind: vigil.OrgTrust}); err != nil {
		t.Fatal(err)
	}
	c, err := app.Open(ctx, app.Deps{Store: s, Flows: app.Flows{Secret: bytes.Repeat([]byte{7}, 32)}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Seed(ctx, s, c, Options{Password: testPassword, ResetPasswords: true})
	if err != nil || res.Seeded || res.HasDemoUsers {
		t.Errorf("Seed on a real sector = %+v, %v; want nothing done and no demo users", res, err)
	}
}
