package pages_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
)

// trustVEX says the trust's log4j-core 2.14.1 is not affected by Log4Shell; its second
// statement (line 10) has a status OpenVEX does not know and is left out.
const trustVEX = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://northbrook-hospitals.example/vex/1",
  "author": "Northbrook IT",
  "timestamp": "2026-11-30T09:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2021-44228"}, "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path", "impact_statement": "JndiLookup.class removed from the jar."},
    {"vulnerability": {"name": "CVE-2099-0001"}, "products": [{"@id": "pkg:npm/x@1"}], "status": "bogus"}
  ]
}`

// upload sends a file as the VEX page's form does (multipart, same origin), with the
// other fields of form.
func (b *browser) upload(path string, form url.Values, fileName, content string) page {
	b.site.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	req, err := http.NewRequest("POST", b.site.url+path, &body)
	if err != nil {
		b.site.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.site.url)
	return b.do(req)
}

// TestVEXPage: the trust's IT lead uploads a VEX file (one statement left out, named by
// its line), sees the file, its statements and the Log4Shell finding it closed, and
// downloads them in both formats; the board says the trust is not affected, the care
// home still is. A file with nothing usable is a 400 naming the lines and loses
// nothing; other organisations see and change only their own; deleting the file opens
// the finding again.
func TestVEXPage(t *testing.T) {
	s := exposedSite(t)
	lead := s.signIn(trustAdmin)
	if p := lead.get("/vex"); p.status != http.StatusOK || !p.has("VEX statements of "+demo.TrustODS, "holds no VEX statements") {
		t.Fatalf("GET /vex before: %d\n%s", p.status, p.body)
	}
	p := lead.upload("/vex", nil, "northbrook.openvex.json", trustVEX)
	if p.status != http.StatusOK || !p.has("northbrook.openvex.json read as OpenVEX: 1 statement kept, 1 statement left out",
		"<strong>Line 10</strong> (statements[1]", "bogus", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
		"CVE-2021-44228", "not affected (VEX: vulnerable_code_not_in_execute_path)", "JndiLookup.class removed") {
		t.Fatalf("upload: %d\n%s", p.status, p.body)
	}
	al := trustAlert(t, s)
	if al.Status != vigil.AlertResolved || !strings.Contains(al.ResolutionNote, "Closed by a VEX statement") {
		t.Errorf("the trust's Log4Shell alert after the upload: %s %q", al.Status, al.ResolutionNote)
	}
	for format, want := range map[string]string{"openvex": `"https://openvex.dev/ns/v0.2.0"`, "cyclonedx": `"bomFormat": "CycloneDX"`} {
		d := lead.get("/vex?format=" + format)
		if d.status != http.StatusOK || !strings.Contains(d.header.Get("Content-Disposition"), "attachment") ||
			!d.has(want, "CVE-2021-44228", "vulnerable_code_not_in_execute_path", "code_not_reachable") && !d.has(want, "CVE-2021-44228") {
			t.Errorf("download %s: %d %v\n%s", format, d.status, d.header, d.body)
		}
	}
	if d := lead.get("/vex?format=spdx"); d.status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown format: %d", d.status)
	}

	// The board: the trust is not affected (VEX), the care home still affected.
	centre := s.signIn(analyst)
	if p := centre.get("/exposure/CVE-2021-44228"); p.status != http.StatusOK ||
		!p.has("not affected (VEX: vulnerable_code_not_in_execute_path)", "closed by VEX", demo.CareHomeODS, "upgrade org.apache.logging.log4j:log4j-core 2.14.1") {
		t.Errorf("the vulnerability's page: %d\n%s", p.status, p.body)
	}
	if p := centre.get("/exposure"); !p.has("Not affected (VEX)") {
		t.Errorf("the board has no VEX column:\n%s", p.body)
	}

	// Nothing usable, or not JSON: refused with the lines, and what was held stays.
	bad := strings.Replace(trustVEX, `"not_affected"`, `"unsure"`, 1)
	if p := lead.upload("/vex", url.Values{"name": {"northbrook.openvex.json"}}, "again.json", bad); p.status != http.StatusBadRequest ||
		!p.has("There is a problem", "No usable statement", "<strong>Line 8</strong>", "<strong>Line 10</strong>", "Nothing from this file was kept",
			"JndiLookup.class removed") {
		t.Errorf("a file with nothing usable: %d\n%s", p.status, p.body)
	}
	if p := lead.upload("/vex", nil, "broken.json", "{\n  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"statements\": [\n"); p.status != http.StatusBadRequest ||
		!p.has("There is a problem", "Line 4: the JSON ends too soon") {
		t.Errorf("a broken file: %d\n%s", p.status, p.body)
	}
	if p := lead.post("/vex", url.Values{"name": {"x"}}); p.status != http.StatusBadRequest {
		t.Errorf("no file: %d\n%s", p.status, p.body)
	}
	if al := trustAlert(t, s); al.Status != vigil.AlertResolved {
		t.Errorf("a refused upload changed the trust's alert: %s", al.Status)
	}

	// The care home's manager sees and uploads to her own organisation only; a supplier
	// sees its own statements, not the trust's.
	manager := s.signIn(careManager)
	if p := manager.get("/vex?org=" + demo.TrustODS); p.status != http.StatusOK || p.has("northbrook.openvex.json") || !p.has("VEX statements of "+demo.CareHomeODS) {
		t.Errorf("the care home asking for the trust's VEX: %d\n%s", p.status, p.body)
	}
	if p := manager.upload("/vex?org="+demo.TrustODS, url.Values{"name": {"oakleigh.json"}}, "x.json", trustVEX); p.status != http.StatusOK ||
		!p.has("VEX statements of "+demo.CareHomeODS, "oakleigh.json") || p.has("northbrook.openvex.json") {
		t.Errorf("the care home uploading with the trust's code goes to its own: %d\n%s", p.status, p.body)
	}
	if p := lead.get("/vex"); p.has("oakleigh.json") || !p.has("northbrook.openvex.json") {
		t.Errorf("the care home's upload reached the trust:\n%s", p.body)
	}
	if p := manager.post("/vex/delete?org="+demo.TrustODS, url.Values{"name": {"northbrook.openvex.json"}}); p.status != http.StatusNotFound {
		t.Errorf("the care home deleting the trust's file: %d\n%s", p.status, p.body)
	}
	if p := s.signIn(supplier).get("/vex"); p.status != http.StatusOK || p.has("northbrook") || !p.has("VEX statements of CarePlan Cloud") {
		t.Errorf("the supplier's VEX page: %d\n%s", p.status, p.body)
	}
	if p := centre.get("/vex"); p.status != http.StatusOK || !p.has("Choose the organisation") {
		t.Errorf("the analyst without an organisation: %d", p.status)
	}
	if p := centre.get("/vex?org=" + demo.TrustODS); !p.has("northbrook.openvex.json", "Findings the statements closed") {
		t.Errorf("the analyst's view of the trust's VEX:\n%s", p.body)
	}

	// Deleting the file opens the finding again, as a new alert.
	if p := lead.post("/vex/delete", url.Values{"name": {"northbrook.openvex.json"}}); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", p.status, p.body)
	}
	if p := lead.get("/vex?done=vex-deleted"); !p.has("VEX file deleted", "holds no VEX statements") {
		t.Errorf("after delete:\n%s", p.body)
	}
	// (Its new alert's key names the second it was found again, so within the second of
	// the first it would repeat the resolved one: the finding is what is checked here.)
	if list, err := s.store.VulnExposures(t.Context(), "CVE-2021-44228", demo.TrustODS); err != nil || len(list) != 1 ||
		!list[0].FixedAt.IsZero() || list[0].VEX != nil {
		t.Errorf("after the file was deleted the trust's Log4Shell finding is %+v (%v), want open again", list, err)
	}
}

// trustAlert is the trust's newest Log4Shell alert.
func trustAlert(t *testing.T, s *site) vigil.Alert {
	t.Helper()
	list, _, err := s.store.ListAlerts(t.Context(), vigil.AlertFilter{Org: demo.TrustODS, Kind: vigil.AlertVulnerability})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.Indicator == "CVE-2021-44228" {
			return a
		}
	}
	t.Fatalf("the trust has no Log4Shell alert: %+v", list)
	return vigil.Alert{}
}
