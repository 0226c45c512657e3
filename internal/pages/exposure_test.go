package pages_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/vuln"
)

// log4shellRecord is the part of GHSA-jfh8-c2jp-5v3q matching needs.
const log4shellRecord = `{"id": "GHSA-jfh8-c2jp-5v3q", "modified": "2022-03-25T20:56:18Z", "aliases": ["CVE-2021-44228"],
 "summary": "Remote code injection in Log4j",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.13.0"}, {"fixed": "2.15.0"}]}]}]}`

// exposedSite is a demo site where the care home's inventory lists log4j-core 2.14.1
// and an OSV source served by a local server holds Log4Shell, pulled once.
func exposedSite(t *testing.T) *site {
	t.Helper()
	s := demoSite(t)
	ctx := context.Background()
	c := vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1",
		Source: "care-plan-server", Location: "line 4"}
	err := s.store.PutInventory(ctx, vigil.Inventory{Org: demo.CareHomeODS, Source: c.Source, Format: "purl"},
		[]vigil.Component{c}, []string{vuln.ComponentKey(c)}, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(log4shellRecord))
	}))
	t.Cleanup(srv.Close)
	src, err := s.app.Exposure.CreateSource(ctx, vigil.CommandLine, vigil.AdvisorySource{Name: "OSV Maven",
		Kind: vigil.AdvisoryOSV, URL: srv.URL + "/GHSA-jfh8-c2jp-5v3q.json"})
	if err != nil {
		t.Fatal(err)
	}
	if src, err = s.app.Exposure.PullSource(ctx, vigil.CommandLine, src.ID); err != nil || src.Status != vigil.FeedOK {
		t.Fatalf("pull: %v %s", err, src.LastError)
	}
	return s
}

// TestExposurePages checks the board and a vulnerability's page for the analyst, and
// that the care home sees only its own finding and no other organisation's.
func TestExposurePages(t *testing.T) {
	s := exposedSite(t)
	b := s.signIn(analyst)
	p := b.get("/exposure")
	if p.status != http.StatusOK || !p.has("<h1>Exposure</h1>", `href="/exposure/CVE-2021-44228"`, "GHSA-jfh8-c2jp-5v3q", "Critical") {
		t.Fatalf("GET /exposure: %d\n%s", p.status, p.body)
	}
	p = b.get("/exposure/GHSA-jfh8-c2jp-5v3q") // an alias finds it too
	if p.status != http.StatusOK || !p.has(demo.CareHomeODS, "log4j-core 2.14.1", "care-plan-server",
		"upgrade org.apache.logging.log4j:log4j-core 2.14.1 to 2.15.0 or later", "/alerts/") {
		t.Fatalf("the vulnerability's page: %d\n%s", p.status, p.body)
	}
	if p := b.get("/exposure?sort=loudest"); p.status != http.StatusBadRequest || !p.has("There is a problem") {
		t.Errorf("an unknown order: %d\n%s", p.status, p.body)
	}
	if p := b.get("/exposure/CVE-1999-0001"); p.status != http.StatusNotFound {
		t.Errorf("a vulnerability found nowhere: %d", p.status)
	}
	// The demo trust runs log4j-core 2.14.1 too (its integration engine's SBOM): it sees
	// its own finding and nothing of the care home's.
	trust := s.signIn(trustAdmin)
	if p := trust.get("/exposure/CVE-2021-44228"); p.status != http.StatusOK || !p.has("ward-integration-engine") ||
		p.has("care-plan-server") || p.has(demo.CareHomeODS) {
		t.Errorf("the trust asking for Log4Shell: %d, want its own finding only\n%s", p.status, p.body)
	}
	if p := s.signIn(careManager).get("/exposure/CVE-2021-44228"); p.status != http.StatusOK || p.has("ward-integration-engine") {
		t.Errorf("the care home asking for Log4Shell: %d, want its own finding only\n%s", p.status, p.body)
	}
	if p := s.signIn(careManager).get("/exposure"); p.status != http.StatusOK || !p.has("CVE-2021-44228") {
		t.Errorf("the care home's own board: %d\n%s", p.status, p.body)
	}
}

// TestBrowserAnalystOpensTheExposureBoard: an analyst opens the exposure board, sees
// Log4Shell, opens the vulnerability and follows the care home's alert to its words.
func TestBrowserAnalystOpensTheExposureBoard(t *testing.T) {
	s := exposedSite(t)
	tb := s.openTab(t, "analyst", desktop)
	tb.signIn(analyst)
	tb.visit("/exposure")
	tb.see("Exposure", "CVE-2021-44228", "Remote code injection in Log4j", "Critical")
	tb.click("open the vulnerability", `a[href="/exposure/CVE-2021-44228"]`)
	tb.see(demo.CareHomeODS, "log4j-core 2.14.1", "upgrade org.apache.logging.log4j:log4j-core 2.14.1 to 2.15.0 or later")
	tb.click("open the care home's alert", `td a[href^="/alerts/"]`)
	tb.see("Critical vulnerability in org.apache.logging.log4j:log4j-core 2.14.1 (CVE-2021-44228)", "Upgrade")
}

// TestBrowserExposureOnAPhone: the board and the vulnerability's page pass axe and fit
// a 360 px screen.
func TestBrowserExposureOnAPhone(t *testing.T) {
	s := exposedSite(t)
	tb := s.openTab(t, "analyst-phone", phone)
	tb.signIn(analyst)
	tb.visit("/exposure")
	tb.visit("/exposure/CVE-2021-44228")
}
