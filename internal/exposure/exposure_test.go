package exposure_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/cluster"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vuln"
)

const (
	ownOrg   = "RXA" // runs log4j-core
	otherOrg = "RXB" // runs jinja2 and a fixed log4j-core
	careHome = "RXC" // runs nothing any test advisory names
)

var (
	analyst  = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
	ownAdmin = vigil.Principal{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: ownOrg}
	otherMem = vigil.Principal{Email: "member@rxb.example", Role: vigil.RoleOrgMember, Org: otherOrg}
	supplier = vigil.Principal{Email: "staff@supplier.example", Role: vigil.RoleSupplier, Org: "SUP01"}
)

const log4shell = "CVE-2021-44228" // the root of GHSA-jfh8-c2jp-5v3q's aliases

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

type fixture struct {
	t   *testing.T
	s   *store.Store
	svc *exposure.Service
	dir string // the advisory directory
	clk *clock
}

// newFixture seeds three organisations with inventories and builds the service with an
// advisory directory holding copies of testdata.
func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	for _, o := range []vigil.Org{
		{ODSCode: ownOrg, Name: "Own Trust", Kind: vigil.OrgTrust, Region: "North West"},
		{ODSCode: otherOrg, Name: "Other Trust", Kind: vigil.OrgTrust, Region: "North West"},
		{ODSCode: careHome, Name: "Care Home", Kind: vigil.OrgCareProvider, Region: "North West"},
	} {
		if _, _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{t: t, s: s, dir: t.TempDir(), clk: &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}}
	f.svc = f.server(s, "node-a")
	f.copy("osv-v1/log4shell.json", "osv/log4shell.json")
	f.copy("osv-v1/jinja.json", "osv/jinja.json")
	f.inventory(ownOrg, "servers", vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Location: "line 3"})
	f.inventory(otherOrg, "web", vigil.Component{Ecosystem: "PyPI", Name: "Jinja2", Version: "3.0.0"},
		vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.17.1"})
	f.inventory(careHome, "care-app", vigil.Component{Ecosystem: "npm", Name: "lodash", Version: "4.17.21"})
	return f
}

// server builds the Service of one server on s, as app.Open composes it: its pulls run
// under the cluster's leases, and it stops its pulls before the store closes.
func (f *fixture) server(s *store.Store, id string) *exposure.Service {
	cl := cluster.New(cluster.Deps{Store: s, ID: id, Now: f.clk.now})
	svc := exposure.New(exposure.Deps{Store: s, Alerts: alerts.New(alerts.Deps{Store: s, Now: f.clk.now}), Now: f.clk.now,
		Dir: f.dir, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Once: cl.Once})
	f.t.Cleanup(svc.StopPulls)
	return svc
}

func (f *fixture) copy(from, to string) {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", from))
	if err != nil {
		f.t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Dir(filepath.Join(f.dir, to)), 0o755)
	if err := os.WriteFile(filepath.Join(f.dir, to), data, 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// inventory replaces org's inventory source with comps.
func (f *fixture) inventory(org, source string, comps ...vigil.Component) {
	f.t.Helper()
	keys := make([]string, len(comps))
	for i := range comps {
		comps[i].Source = source
		keys[i] = vuln.ComponentKey(comps[i])
	}
	err := f.s.PutInventory(context.Background(), vigil.Inventory{Org: org, Source: source, Format: "purl"}, comps, keys, false)
	if err != nil {
		f.t.Fatal(err)
	}
}

// source registers a source reading path (relative to the advisory directory) and pulls it.
func (f *fixture) source(name, kind, path string) vigil.AdvisorySource {
	f.t.Helper()
	a, err := f.svc.CreateSource(context.Background(), analyst, vigil.AdvisorySource{Name: name, Kind: kind,
		Path: filepath.Join(f.dir, path), Enabled: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return f.pull(a.ID)
}

func (f *fixture) pull(id int64) vigil.AdvisorySource {
	f.t.Helper()
	a, err := f.svc.PullSource(context.Background(), analyst, id)
	if err != nil {
		f.t.Fatal(err)
	}
	if a.Status != vigil.FeedOK {
		f.t.Fatalf("pull of %s: status %s: %s", a.Name, a.Status, a.LastError)
	}
	return a
}

func counts(t *testing.T, a vigil.AdvisorySource) exposure.Change {
	t.Helper()
	var ch exposure.Change
	if err := json.Unmarshal(a.Counts, &ch); err != nil {
		t.Fatalf("counts %s: %v", a.Counts, err)
	}
	return ch
}

// alertsOf lists org's vulnerability alerts.
func (f *fixture) alertsOf(org string) []vigil.Alert {
	f.t.Helper()
	list, _, err := f.s.ListAlerts(context.Background(), vigil.AlertFilter{Org: org, Kind: vigil.AlertVulnerability})
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func TestLog4ShellFoundForAffectedVersionOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a := f.source("OSV test", vigil.AdvisoryOSV, "osv")
		ch := counts(t, a)
		if ch.New != 2 || ch.Records != 2 {
			t.Errorf("first pull: %+v, want 2 new records", ch)
		}
		// log4j-core and jinja2 are run by RXA and RXB; the care home runs neither.
		if ch.OrgsChecked != 2 {
			t.Errorf("first pull checked %d organisations, want 2 (RXA, RXB)", ch.OrgsChecked)
		}
		got := f.alertsOf(ownOrg)
		if len(got) != 1 {
			t.Fatalf("RXA has %d vulnerability alerts, want 1: %+v", len(got), got)
		}
		al := got[0]
		if al.Severity != vigil.SeverityCritical || al.Indicator != log4shell || !strings.Contains(al.Title, log4shell) {
			t.Errorf("alert %q severity %s indicator %s", al.Title, al.Severity, al.Indicator)
		}
		for _, want := range []string{"GHSA-jfh8-c2jp-5v3q", "log4j-core 2.14.1", `inventory "servers" (line 3)`,
			"Upgrade org.apache.logging.log4j:log4j-core 2.14.1 to 2.15.0 or later", "CVSS score 10.0", "within 48 hours", "within 14 days"} {
			if !strings.Contains(al.Body, want) {
				t.Errorf("alert body lacks %q:\n%s", want, al.Body)
			}
		}
		if al.AckDueAt != f.clk.t.Add(48*time.Hour) || al.FixDueAt != f.clk.t.Add(14*24*time.Hour) {
			t.Errorf("deadlines ack %v fix %v from %v", al.AckDueAt, al.FixDueAt, f.clk.t)
		}
		if n := len(f.alertsOf(otherOrg)); n != 0 {
			t.Errorf("RXB (log4j-core 2.17.1, jinja2 3.0.0) has %d alerts, want none", n)
		}
		// Checking again, and pulling the unchanged source again, raises nothing more.
		f.svc.InventoryChanged(context.Background(), ownOrg)
		if ch := counts(t, f.pull(a.ID)); ch.New+ch.Changed != 0 || ch.OrgsChecked != 0 {
			t.Errorf("second pull of the same records: %+v", ch)
		}
		if got := f.alertsOf(ownOrg); len(got) != 1 || got[0].Count != 1 {
			t.Errorf("after a repeat check: %d alerts, count %d; want one, not repeated", len(got), got[0].Count)
		}
	})
}

func TestAdvisoryChangeChecksOnlyOrgsWithThePackage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a := f.source("OSV test", vigil.AdvisoryOSV, "osv")
		before := f.svc.OrgsChecked()
		f.copy("osv-v2/jinja.json", "osv/jinja.json") // the record now says 3.1.5 fixes it
		ch := counts(t, f.pull(a.ID))
		if ch.Changed != 1 || ch.New != 0 || ch.OrgsChecked != 1 {
			t.Errorf("changed pull: %+v, want 1 changed record and 1 organisation checked", ch)
		}
		if n := f.svc.OrgsChecked() - before; n != 1 {
			t.Errorf("%d organisations checked, want 1 (RXB runs jinja2)", n)
		}
		got := f.alertsOf(otherOrg)
		if len(got) != 1 || got[0].Severity != vigil.SeverityMedium || got[0].Indicator != "CVE-2099-0001" {
			t.Fatalf("RXB alerts: %+v", got)
		}
		if !strings.Contains(got[0].Body, "Upgrade Jinja2 3.0.0 to 3.1.5 or later") {
			t.Errorf("body:\n%s", got[0].Body)
		}
		if !got[0].AckDueAt.IsZero() {
			t.Errorf("a medium vulnerability not exploited has deadline %v", got[0].AckDueAt)
		}
	})
}

func TestUpgradeResolvesTheAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		f.clk.t = f.clk.t.Add(time.Hour)
		f.inventory(ownOrg, "servers", vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.17.1"})
		f.svc.InventoryChanged(context.Background(), ownOrg)
		got := f.alertsOf(ownOrg)
		if len(got) != 1 || got[0].Status != vigil.AlertResolved {
			t.Fatalf("after the upgrade: %+v", got)
		}
		if want := `inventory "servers" now shows org.apache.logging.log4j:log4j-core 2.17.1, which is not affected`; !strings.Contains(got[0].ResolutionNote, want) {
			t.Errorf("note %q lacks %q", got[0].ResolutionNote, want)
		}
		board, err := f.svc.Board(context.Background(), analyst, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(board) != 1 || board[0].ID != log4shell || board[0].Fixed != 1 || board[0].Orgs != 0 {
			t.Errorf("board after the fix: %+v", board)
		}
		// Back to the old version: a new alert, not the resolved one reopened.
		f.clk.t = f.clk.t.Add(time.Hour)
		f.inventory(ownOrg, "servers", vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"})
		f.svc.InventoryChanged(context.Background(), ownOrg)
		if got := f.alertsOf(ownOrg); len(got) != 2 || got[0].Status != vigil.AlertOpen {
			t.Errorf("after going back: %+v", got)
		}
	})
}

func TestKEVSetsTheDeadlinesAndEPSSIsShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.copy("osv-v2/jinja.json", "osv/jinja.json")
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		if al := f.alertsOf(otherOrg); len(al) != 1 || !al[0].AckDueAt.IsZero() {
			t.Fatalf("RXB before KEV: %+v", al)
		}
		f.clk.t = f.clk.t.Add(time.Hour)
		f.copy("kev.json", "kev.json")
		f.copy("epss.csv", "epss.csv")
		kev := f.source("CISA KEV", vigil.AdvisoryKEV, "kev.json")
		if ch := counts(t, kev); ch.New != 2 || ch.OrgsChecked != 2 {
			t.Errorf("KEV pull: %+v, want 2 entries and the 2 organisations with findings checked", ch)
		}
		al := f.alertsOf(otherOrg)
		if len(al) != 1 || al[0].AckDueAt != f.clk.t.Add(48*time.Hour) || al[0].FixDueAt != f.clk.t.Add(14*24*time.Hour) {
			t.Fatalf("RXB after KEV: %+v (now %v)", al, f.clk.t)
		}
		f.source("EPSS", vigil.AdvisoryEPSS, "epss.csv")
		list, err := f.svc.Vulnerability(context.Background(), analyst, "GHSA-jfh8-c2jp-5v3q")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Org != ownOrg || !list[0].KEV || list[0].KEVDueDate != "2021-12-24" || list[0].EPSS != 0.94358 {
			t.Errorf("log4shell exposures: %+v", list)
		}
	})
}

func TestWhoSeesWhat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.copy("osv-v2/jinja.json", "osv/jinja.json")
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		ctx := context.Background()
		all, err := f.svc.Board(ctx, analyst, vigil.VulnByOrgs)
		if err != nil || len(all) != 2 {
			t.Fatalf("analyst's board: %+v %v", all, err)
		}
		own, err := f.svc.Board(ctx, otherMem, "")
		if err != nil || len(own) != 1 || own[0].ID != "CVE-2099-0001" {
			t.Errorf("RXB's board: %+v %v", own, err)
		}
		if _, err := f.svc.Vulnerability(ctx, otherMem, log4shell); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("RXB asking for RXA's vulnerability: %v", err)
		}
		if _, err := f.svc.Board(ctx, supplier, ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("supplier's board: %v", err)
		}
		if _, err := f.svc.Board(ctx, analyst, "loudest"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("unknown sort: %v", err)
		}
		_, err = f.svc.CreateSource(ctx, ownAdmin, vigil.AdvisorySource{Name: "x", Kind: vigil.AdvisoryKEV, Path: filepath.Join(f.dir, "kev.json")})
		if vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("organisation admin registering a source: %v", err)
		}
		_, err = f.svc.CreateSource(ctx, analyst, vigil.AdvisorySource{Name: "x", Kind: vigil.AdvisoryKEV, Path: "/etc/passwd"})
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), "outside the advisory directory") {
			t.Errorf("a path outside the directory: %v", err)
		}
	})
}

func TestBadSourceFileShowsTheError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		if err := os.WriteFile(filepath.Join(f.dir, "kev.json"), []byte(`{"vulnerabilities": [{"cveID": "nope"}]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.CreateSource(context.Background(), analyst, vigil.AdvisorySource{Name: "KEV", Kind: vigil.AdvisoryKEV,
			Path: filepath.Join(f.dir, "kev.json")})
		if err != nil {
			t.Fatal(err)
		}
		a, err = f.svc.PullSource(context.Background(), analyst, a.ID)
		if err != nil || a.Status != vigil.FeedError || !strings.Contains(a.LastError, "is not a CVE ID") {
			t.Errorf("bad KEV file: %+v %v", a, err)
		}
	})
}

func TestURLSourceIsPulledConditionally(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		kev, _ := os.ReadFile("testdata/kev.json")
		gets, notModified := 0, 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gets++
			if r.Header.Get("If-None-Match") == `"v1"` {
				notModified++
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			_, _ = w.Write(kev)
		}))
		defer srv.Close()
		a, err := f.svc.CreateSource(context.Background(), analyst, vigil.AdvisorySource{Name: "KEV", Kind: vigil.AdvisoryKEV,
			URL: srv.URL + "/known_exploited_vulnerabilities.json", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if ch := counts(t, f.pull(a.ID)); ch.New != 2 {
			t.Errorf("first pull: %+v", ch)
		}
		f.pull(a.ID)
		if gets != 2 || notModified != 1 {
			t.Errorf("%d requests, %d answered 304; want 2 and 1", gets, notModified)
		}
	})
}

// TestLog4ShellFromTheSharedMavenZip pulls the real Maven all.zip of the shared OSV
// snapshot from the advisory directory: log4j-core 2.14.1 gets exactly one alert for
// Log4Shell (its GHSA and CVE merged), advising the version that fixes every Log4j
// vulnerability in the zip, and 2.17.1 none.
func TestLog4ShellFromTheSharedMavenZip(t *testing.T) {
	offline := sharedOSV(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		svc := exposure.New(exposure.Deps{Store: s, Alerts: alerts.New(alerts.Deps{Store: s, Now: f.clk.now}), Now: f.clk.now, Dir: offline})
		ctx := context.Background()
		a, err := svc.CreateSource(ctx, analyst, vigil.AdvisorySource{Name: "OSV Maven", Kind: vigil.AdvisoryOSV,
			Path: filepath.Join(offline, "osv-scalibr", "Maven", "all.zip")})
		if err != nil {
			t.Fatal(err)
		}
		if a, err = svc.PullSource(ctx, analyst, a.ID); err != nil || a.Status != vigil.FeedOK {
			t.Fatalf("pull: %v %s", err, a.LastError)
		}
		var log4shellAlerts []vigil.Alert
		for _, al := range f.alertsOf(ownOrg) {
			if al.Indicator == log4shell {
				log4shellAlerts = append(log4shellAlerts, al)
			}
		}
		if len(log4shellAlerts) != 1 {
			t.Fatalf("RXA has %d Log4Shell alerts, want 1", len(log4shellAlerts))
		}
		if body := log4shellAlerts[0].Body; !strings.Contains(body, "GHSA-jfh8-c2jp-5v3q") ||
			!strings.Contains(body, "Upgrade org.apache.logging.log4j:log4j-core 2.14.1 to 2.17.1 or later") {
			t.Errorf("Log4Shell alert body:\n%s", body)
		}
		if n := len(f.alertsOf(otherOrg)); n != 0 {
			t.Errorf("RXB runs log4j-core 2.17.1 and has %d alerts", n)
		}
		before := svc.OrgsChecked()
		if _, err := svc.PullSource(ctx, analyst, a.ID); err != nil || svc.OrgsChecked() != before {
			t.Errorf("pulling the unchanged zip again: %v, checked %d organisations", err, svc.OrgsChecked()-before)
		}
	})
}

// TestSupplierGetsOneConsolidatedAlert: two customers run log4j-core from their
// care-plan supplier; the supplier gets one alert listing both, which shrinks as each
// upgrades and is resolved when neither is affected.
func TestSupplierGetsOneConsolidatedAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: "YSUP1", Name: "CarePlan Cloud", Kind: vigil.OrgSupplier, Region: "North West"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{ownOrg, otherOrg} {
			if err := s.LinkSupplier(ctx, "YSUP1", c); err != nil {
				t.Fatal(err)
			}
		}
		vulnerable := vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Supplier: "CarePlan Cloud"}
		fixed := vulnerable
		fixed.Version = "2.17.1"
		f.inventory(ownOrg, "servers", vulnerable)
		other := vulnerable
		other.Supplier = "careplan cloud"
		f.inventory(otherOrg, "web", other)
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		sup := f.alertsOf("YSUP1")
		if len(sup) != 1 || sup[0].Status != vigil.AlertOpen || !strings.Contains(sup[0].Title, "to 2 customers (CVE-2021-44228)") {
			t.Fatalf("supplier alerts: %+v", sup)
		}
		for _, want := range []string{"- RXA: org.apache.logging.log4j:log4j-core 2.14.1", "- RXB: org.apache.logging.log4j:log4j-core 2.14.1"} {
			if !strings.Contains(sup[0].Body, want) {
				t.Errorf("supplier alert lacks %q:\n%s", want, sup[0].Body)
			}
		}
		f.inventory(ownOrg, "servers", fixed)
		f.svc.InventoryChanged(ctx, ownOrg)
		sup = f.alertsOf("YSUP1")
		if len(sup) != 1 || sup[0].Status != vigil.AlertOpen || !strings.Contains(sup[0].Title, "to 1 customer (") || strings.Contains(sup[0].Body, "- RXA") {
			t.Fatalf("after RXA upgraded: %+v", sup)
		}
		other.Version = "2.17.1"
		f.inventory(otherOrg, "web", other)
		f.svc.InventoryChanged(ctx, otherOrg)
		if sup = f.alertsOf("YSUP1"); len(sup) != 1 || sup[0].Status != vigil.AlertResolved {
			t.Errorf("after both upgraded: %+v", sup)
		}
	})
}

// TestSupplierAttestsAFix: the supplier attests Log4Shell fixed in its build 2.14.2 (a
// version the advisory still covers): the customer whose inventory shows it is closed
// with a note saying so, the other waits until an analyst applies the attestation.
func TestSupplierAttestsAFix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: "YSUP1", Name: "CarePlan Cloud", Kind: vigil.OrgSupplier, Region: "North West"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{ownOrg, otherOrg} {
			if err := s.LinkSupplier(ctx, "YSUP1", c); err != nil {
				t.Fatal(err)
			}
		}
		comp := vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Supplier: "YSUP1"}
		f.inventory(ownOrg, "servers", comp)
		f.inventory(otherOrg, "web", comp)
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		sup := vigil.Principal{Email: "staff@careplan.example", Role: vigil.RoleSupplier, Org: "YSUP1"}
		if _, err := f.svc.Attest(ctx, ownAdmin, log4shell, "2.14.2", ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation attesting: %v", err)
		}
		if _, err := f.svc.Attest(ctx, sup, "CVE-2099-0001", "1.0", ""); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("attesting a vulnerability not in its software: %v", err)
		}
		if _, err := f.svc.Attest(ctx, sup, "GHSA-jfh8-c2jp-5v3q", "2.14.2", "patched build"); err != nil {
			t.Fatal(err)
		}
		if al := f.alertsOf(ownOrg); len(al) != 1 || al[0].Status != vigil.AlertOpen {
			t.Fatalf("RXA still runs 2.14.1 and is closed: %+v", al)
		}
		comp.Version = "2.14.2"
		f.inventory(ownOrg, "servers", comp)
		f.svc.InventoryChanged(ctx, ownOrg)
		al := f.alertsOf(ownOrg)
		if len(al) != 1 || al[0].Status != vigil.AlertResolved || !strings.Contains(al[0].ResolutionNote, "YSUP1 attests it is fixed from version 2.14.2") {
			t.Fatalf("RXA after showing 2.14.2: %+v", al)
		}
		if al := f.alertsOf(otherOrg); len(al) != 1 || al[0].Status != vigil.AlertOpen {
			t.Fatalf("RXB closed before the analyst applied: %+v", al)
		}
		v, err := f.svc.SuppliedVulnerability(ctx, sup, "CVE-2021-44228")
		if err != nil || len(v.Customers) != 2 || v.Open() != 1 || v.Fixed() != 1 || v.Attestation.FixedVersion != "2.14.2" || v.AlertID == 0 {
			t.Errorf("the supplier's view after attesting: %v %+v", err, v)
		}
		if _, err := f.svc.Supplied(ctx, ownAdmin); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation asking for a supplier's view: %v", err)
		}
		if _, err := f.svc.Attestations(ctx, sup, log4shell); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a supplier listing the attestations: %v", err)
		}
		st, err := f.svc.Attestation(ctx, analyst, "CVE-2021-44228", "ysup1")
		if err != nil || len(st.Open) != 1 || len(st.Closed) != 1 || !strings.Contains(st.ClosingNote, "closed it at once. The supplier's note: patched build.") {
			t.Errorf("the analyst's view of the attestation: %v %+v", err, st)
		}
		if _, err := f.svc.ApplyAttestation(ctx, sup, log4shell, "YSUP1", ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("the supplier applying its own attestation: %v", err)
		}
		if _, err := f.svc.ApplyAttestation(ctx, analyst, log4shell, "YSUP1", strings.Repeat("x", 2001)); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a note of 2,001 characters: %v", err)
		}
		a, err := f.svc.ApplyAttestation(ctx, analyst, log4shell, "YSUP1", "  Confirmed with the supplier by phone.  ")
		if err != nil || a.AppliedNote != "Confirmed with the supplier by phone." {
			t.Fatalf("applied: %+v %v", a, err)
		}
		al = f.alertsOf(otherOrg)
		if len(al) != 1 || al[0].Status != vigil.AlertResolved || !strings.Contains(al[0].ResolutionNote,
			"closed it at once. The supplier's note: patched build. The sector centre's note: Confirmed with the supplier by phone.") {
			t.Errorf("RXB after the analyst applied: %+v", al)
		}
		if sa := f.alertsOf("YSUP1"); len(sa) != 1 || sa[0].Status != vigil.AlertResolved {
			t.Errorf("the supplier's alert: %+v", sa)
		}
	})
}
