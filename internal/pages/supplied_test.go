package pages_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/incidents"
	"github.com/vigil-health/vigil/internal/vuln"
)

// carePlanVuln is the demo's sector advisory on the CarePlan Mobile app, which two care
// homes run from the demo supplier: Oakleigh House (5.3.1) and Ashgrove Lodge (5.2.0).
const carePlanVuln = "SECTOR-2026-0012"

// otherSupplier is a supplier that serves none of the care homes running CarePlan Mobile.
const otherSupplier = "security@meridian-gp.example"

// suppliedSite is a demo site with the sector advisory `serve --demo` seeds on
// CarePlan Mobile (read from the demo's own file), and a login for a second supplier.
func suppliedSite(t *testing.T) *site {
	t.Helper()
	s := demoSite(t)
	ctx := context.Background()
	b, err := os.ReadFile("../demo/data/advisories/careplan-mobile.json")
	if err != nil {
		t.Fatal(err)
	}
	list, err := vuln.ParseSectorAdvisories(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if _, err := s.app.Exposure.SaveSectorAdvisory(ctx, vigil.CommandLine, a, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.store.CreateUser(ctx, vigil.NewUser{Email: otherSupplier, Name: "Meridian", Role: vigil.RoleSupplier,
		Org: "YSP02", Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
	return s
}

// careHomeAlert is the care home's own alert about the care-plan app's vulnerability.
func careHomeAlert(t *testing.T, s *site) vigil.Alert {
	t.Helper()
	found, err := s.app.Exposure.Vulnerability(context.Background(), vigil.CommandLine, carePlanVuln)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range found {
		if e.Org == demo.CareHomeODS {
			a, err := s.app.Alerts.Get(context.Background(), vigil.CommandLine, e.AlertID)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatalf("the care home has no finding of %s: %+v", carePlanVuln, found)
	return vigil.Alert{}
}

// TestSupplierAttestsOnItsVulnerabilityPage: the supplier sees the vulnerability in its
// app at its two customers and how far each is; a form without a version comes back
// with the problem at the top and the note kept; a good one records the attestation.
// A care home and another supplier neither see it nor attest.
func TestSupplierAttestsOnItsVulnerabilityPage(t *testing.T) {
	s := suppliedSite(t)
	b := s.signIn(supplier)
	p := b.get("/vulnerabilities")
	if p.status != http.StatusOK || !p.has(`href="/vulnerabilities/`+carePlanVuln+`"`, "High", "None yet", `href="/vulnerabilities" aria-current="page"`) {
		t.Fatalf("GET /vulnerabilities: %d\n%s", p.status, p.body)
	}
	p = b.get("/vulnerabilities/" + carePlanVuln)
	if p.status != http.StatusOK || !p.has("Oakleigh House Care Home", "Ashgrove Lodge Care Home", "CarePlan Mobile 5.3.1",
		"CarePlan Mobile 5.2.0", "Needs action", "2 still affected, 0 closed", `action="/vulnerabilities/`+carePlanVuln+`/attestation"`) {
		t.Fatalf("the vulnerability's page: %d\n%s", p.status, p.body)
	}
	form := url.Values{"fixed_version": {" "}, "note": {"Update from the app store."}}
	p = b.post("/vulnerabilities/"+carePlanVuln+"/attestation", form)
	if p.status != http.StatusBadRequest || !p.has("There is a problem", `href="#fixed_version"`, "Give the first version", "Update from the app store.") {
		t.Errorf("an attestation without a version: %d\n%s", p.status, p.body)
	}
	form.Set("fixed_version", "5.4.0")
	p = b.post("/vulnerabilities/"+carePlanVuln+"/attestation", form)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/vulnerabilities/"+carePlanVuln+"?done=attested" {
		t.Fatalf("attesting: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	p = b.get("/vulnerabilities/" + carePlanVuln + "?done=attested")
	if !p.has("Thank you: vigil has recorded", "fixed from version <strong>5.4.0</strong>", "Your note: Update from the app store.") {
		t.Errorf("after attesting:\n%s", p.body)
	}
	if p := b.get("/vulnerabilities"); !p.has("Fixed in 5.4.0") {
		t.Errorf("the list after attesting:\n%s", p.body)
	}

	for who, path := range map[string]string{careManager: "/vulnerabilities/" + carePlanVuln, otherSupplier: "/vulnerabilities/" + carePlanVuln} {
		other := s.signIn(who)
		if p := other.get(path); p.status != http.StatusNotFound || p.has("Ashgrove") {
			t.Errorf("%s GET %s: %d, want 404\n%s", who, path, p.status, p.body)
		}
		if p := other.post(path+"/attestation", url.Values{"fixed_version": {"9.9"}}); p.status != http.StatusNotFound {
			t.Errorf("%s attesting: %d, want 404\n%s", who, p.status, p.body)
		}
	}
	if p := s.signIn(careManager).get("/vulnerabilities"); p.status != http.StatusNotFound {
		t.Errorf("the care home asking for a supplier's list: %d", p.status)
	}
	if p := s.signIn(otherSupplier).get("/vulnerabilities"); p.status != http.StatusOK || p.has(carePlanVuln) {
		t.Errorf("another supplier's list: %d\n%s", p.status, p.body)
	}
}

// TestAnalystClosesTheCustomersFindingsNow: the analyst sees the supplier's attestation
// on the vulnerability's page, confirms with the note shown, and the care home's alert
// closes with it; an organisation's people cannot.
func TestAnalystClosesTheCustomersFindingsNow(t *testing.T) {
	s := suppliedSite(t)
	if _, err := s.app.Exposure.Attest(context.Background(), vigil.Principal{Email: supplier, Role: vigil.RoleSupplier, Org: demo.SupplierODS},
		carePlanVuln, "5.4.0", "Update from the app store."); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(analyst)
	apply := "/exposure/" + carePlanVuln + "/attestations/" + demo.SupplierODS + "/apply"
	p := b.get("/exposure/" + carePlanVuln)
	if p.status != http.StatusOK || !p.has("Suppliers' attestations", "CarePlan Cloud Ltd: fixed in 5.4.0", `href="`+apply+`"`,
		"Note: Update from the app store.") {
		t.Fatalf("the vulnerability's page: %d\n%s", p.status, p.body)
	}
	care := s.signIn(careManager)
	if p := care.get("/exposure/" + carePlanVuln); p.status != http.StatusOK || p.has("attestations") {
		t.Errorf("the care home's view of the vulnerability: %d\n%s", p.status, p.body)
	}
	if p := care.get(apply); p.status != http.StatusForbidden {
		t.Errorf("the care home asking to apply: %d", p.status)
	}
	if p := care.post(apply, nil); p.status != http.StatusForbidden {
		t.Errorf("the care home applying: %d", p.status)
	}
	if p := s.signIn(supplier).post(apply, nil); p.status != http.StatusForbidden {
		t.Errorf("the supplier applying its own attestation: %d", p.status)
	}
	if a := careHomeAlert(t, s); a.Status == vigil.AlertResolved {
		t.Fatalf("the care home's alert closed before the analyst applied: %+v", a)
	}

	p = b.get(apply)
	wantNote := "vigil closes " + carePlanVuln + ": CarePlan Cloud Ltd attests it is fixed from version 5.4.0, and the sector centre (" +
		analyst + ") closed it at once. The supplier&#39;s note: Update from the app store."
	if p.status != http.StatusOK || !p.has("Oakleigh House Care Home (1-101000007)", wantNote, `action="`+apply+`"`) {
		t.Fatalf("the confirmation: %d\n%s", p.status, p.body)
	}
	if p := b.post(apply, url.Values{"note": {strings.Repeat("Checked. ", 250)}}); p.status != http.StatusUnprocessableEntity ||
		!p.has("There is a problem", "Note is longer than 2000 characters", `action="`+apply+`"`, "Checked. Checked.") {
		t.Fatalf("a note too long: %d\n%s", p.status, p.body)
	}
	if a := careHomeAlert(t, s); a.Status == vigil.AlertResolved {
		t.Fatalf("the care home's alert closed by a refused form: %+v", a)
	}
	if p = b.post(apply, url.Values{"note": {"The supplier showed us the release notes."}}); p.status != http.StatusSeeOther ||
		p.header.Get("Location") != "/exposure/"+carePlanVuln+"?done=attestation-applied" {
		t.Fatalf("applying: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if a := careHomeAlert(t, s); a.Status != vigil.AlertResolved || !strings.Contains(a.ResolutionNote,
		"closed it at once. The supplier's note: Update from the app store. The sector centre's note: The supplier showed us the release notes.") {
		t.Errorf("the care home's alert after the analyst applied: %+v", a)
	}
	if p := b.get("/exposure/" + carePlanVuln + "?done=attestation-applied"); !p.has("findings are closed", "closed the customers' findings at once") {
		t.Errorf("the vulnerability's page after applying:\n%s", p.body)
	}
	if p := b.get("/exposure/" + carePlanVuln + "/attestations/YSP02/apply"); p.status != http.StatusNotFound {
		t.Errorf("a supplier that attested nothing: %d", p.status)
	}
	sup := s.signIn(supplier)
	if p := sup.get("/vulnerabilities/" + carePlanVuln); !p.has("0 still affected, 2 closed", "closed your customers' findings at once", "nothing left to attest") {
		t.Errorf("the supplier's page after the analyst applied:\n%s", p.body)
	}
}

// TestSupplierAlertLinksToItsVulnerabilityPage: the supplier's consolidated alert leads
// to the page where it attests.
func TestSupplierAlertLinksToItsVulnerabilityPage(t *testing.T) {
	s := suppliedSite(t)
	v, err := s.app.Exposure.SuppliedVulnerability(context.Background(), vigil.Principal{Email: supplier, Role: vigil.RoleSupplier,
		Org: demo.SupplierODS}, carePlanVuln)
	if err != nil || v.AlertID == 0 {
		t.Fatalf("the supplier's alert: %+v, %v", v, err)
	}
	p := s.signIn(supplier).get("/alerts/" + itoa(v.AlertID))
	if p.status != http.StatusOK || !p.has(`href="/vulnerabilities/`+carePlanVuln+`"`, "to 2 customers") {
		t.Errorf("the supplier's alert: %d\n%s", p.status, p.body)
	}
	if p := s.signIn(careManager).get("/alerts/" + itoa(careHomeAlert(t, s).ID)); p.status != http.StatusOK || p.has(`href="/vulnerabilities/`) {
		t.Errorf("the care home's own alert: %d\n%s", p.status, p.body)
	}
}

// TestBrowserSupplierAttestsAndAnalystCloses: the supplier's security lead opens
// Vulnerabilities, attests the fix with a note; the analyst closes the customers'
// findings now; the care home's manager finds the alert resolved with the note.
func TestBrowserSupplierAttestsAndAnalystCloses(t *testing.T) {
	s := suppliedSite(t)
	sup := s.openTab(t, "supplier-attests", desktop)
	sup.signIn(supplier)
	sup.click("open Vulnerabilities", `a.nhsuk-header__navigation-link[href="/vulnerabilities"]`)
	sup.see("Vulnerabilities in what you supply", carePlanVuln)
	sup.click("open the vulnerability", `td a[href="/vulnerabilities/`+carePlanVuln+`"]`)
	sup.see("Oakleigh House Care Home", "CarePlan Mobile 5.3.1", "Needs action")
	sup.fill("#fixed_version", "5.4.0")
	sup.fill("#note", "Update from the app store.")
	sup.click("attest", `form[action$="/attestation"] button[type="submit"]`)
	sup.see("Thank you: vigil has recorded", "fixed from version 5.4.0")

	an := s.openTab(t, "analyst-applies", desktop)
	an.signIn(analyst)
	an.visit("/exposure/" + carePlanVuln)
	an.see("Suppliers' attestations", "CarePlan Cloud Ltd: fixed in 5.4.0")
	an.click("ask to close them now", `a[href$="/apply"]`)
	an.see("Close the customers' findings now", "Oakleigh House Care Home (1-101000007)", "closed it at once")
	an.click("close them now", `form[action$="/apply"] button[type="submit"]`)
	an.see("findings are closed")

	care := s.openTab(t, "care-home-sees-it-closed", desktop)
	care.signIn(careManager)
	care.visit("/alerts/" + itoa(careHomeAlert(t, s).ID))
	care.see("Resolved", "CarePlan Cloud Ltd attests it is fixed from version 5.4.0", "The supplier's note: Update from the app store.")
}

// TestBrowserSupplierPagesOnAPhone: the supplier's pages and the analyst's confirmation
// pass axe and fit a 360 px screen, the form's error summary included.
func TestBrowserSupplierPagesOnAPhone(t *testing.T) {
	s := suppliedSite(t)
	sup := s.openTab(t, "supplier-phone", phone)
	sup.signIn(supplier)
	sup.visit("/vulnerabilities")
	sup.visit("/vulnerabilities/" + carePlanVuln)
	sup.fill("#note", "A note without a version.")
	sup.submit("attest without a version", http.StatusBadRequest, `form[action$="/attestation"] button[type="submit"]`)
	sup.see("There is a problem")
	sup.fill("#fixed_version", "5.4.0")
	sup.click("attest", `form[action$="/attestation"] button[type="submit"]`)
	an := s.openTab(t, "analyst-apply-phone", phone)
	an.signIn(analyst)
	an.visit("/exposure/" + carePlanVuln)
	an.visit("/exposure/" + carePlanVuln + "/attestations/" + demo.SupplierODS + "/apply")
}

// TestSupplierReadsASharedIncident: on a shared incident with a file, the supplier's
// page says files are not shown to suppliers rather than that there are none, and the
// list refuses to be filtered by assignee, whose address a supplier is not told.
func TestSupplierReadsASharedIncident(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	shared := true
	if _, err := s.app.Incidents.Triage(ctx, vigil.CommandLine, 1, incidents.Triage{SharedWithSuppliers: &shared}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Incidents.AddEvidence(ctx, vigil.CommandLine, 1, "mail.txt", strings.NewReader("From: x@y.example")); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(supplier)
	if p := b.get("/incidents/1"); p.status != http.StatusOK || !p.has("Files are not shown to suppliers.") || p.has("No files yet.") {
		t.Errorf("GET /incidents/1 as the supplier: %d\n%s", p.status, p.body)
	}
	if p := b.get("/incidents?assignee=" + url.QueryEscape("analyst@hccc.example")); p.status < 400 || p.status >= 500 || !p.has("cannot filter incidents by assignee") {
		t.Errorf("GET /incidents?assignee= as the supplier: %d\n%s", p.status, p.body)
	}
}
