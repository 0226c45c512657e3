package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The incident journey through the API: a care home's manager reports, the analyst
// triages and links the indicators, exports them as STIX at GREEN, and uploading that
// bundle as intel makes the GREEN indicator searchable while the AMBER one stayed home.
func TestIncidentJourneyAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		r := f.do("POST", "/api/v1/incidents", map[string]any{"summary": "Payroll phishing", "what_happened": "A fake payroll login page.",
			"noticed_at": "2026-01-05T08:00", "care": "normal", "personal_data": "no", "contact_name": "Sam", "contact_email": "sam@rxa.example"},
			f.as("org_admin"))
		if r.status != http.StatusCreated {
			t.Fatalf("report: %d %s", r.status, r.body)
		}
		var inc struct {
			ID  int64  `json:"id"`
			Org string `json:"org"`
		}
		r.decode(t, &inc)
		base := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
		analyst := f.as("sector_analyst")
		for _, step := range []struct {
			path string
			body any
			want int
		}{
			{"/triage", map[string]any{"category": 6, "severity": "medium", "assignee": "analyst@centre.example"}, ok},
			{"/status", map[string]any{"status": "triaged"}, ok},
			{"/links", map[string]any{"kind": "indicator", "ref": "payroll-login[.]example", "tlp": "green"}, created},
			{"/links", map[string]any{"kind": "indicator", "ref": "203.0.113.200", "tlp": "amber"}, created},
		} {
			if r := f.do("POST", base+step.path, step.body, analyst); r.status != step.want {
				t.Fatalf("%s: %d %s", step.path, r.status, r.body)
			}
		}
		stix := f.do("POST", base+"/share?format=stix&tlp=green", nil, analyst)
		if stix.status != ok || !strings.HasPrefix(stix.header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(string(stix.body), "payroll-login.example") || strings.Contains(string(stix.body), "203.0.113.200") {
			t.Fatalf("export: %d %v %s", stix.status, stix.header, stix.body)
		}
		up := f.do("POST", "/api/v1/intel?source=partner-share&name=incident.json", string(stix.body), f.as("sector_admin"))
		if up.status != ok {
			t.Fatalf("re-import: %d %s", up.status, up.body)
		}
		found := f.do("GET", "/api/v1/indicators?value=payroll-login.example", nil, analyst)
		if found.status != ok || !strings.Contains(string(found.body), "partner-share") {
			t.Errorf("the re-imported indicator: %d %s", found.status, found.body)
		}
		if amber := f.do("GET", "/api/v1/indicators?value=203.0.113.200", nil, analyst); strings.Contains(string(amber.body), "partner-share") {
			t.Errorf("the AMBER indicator left in a GREEN export: %s", amber.body)
		}
	})
}

// A report with parts to fix lists every one, by field, in the problem's errors.
func TestIncidentReportProblemNamesFields(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	r := f.do("POST", "/api/v1/incidents", map[string]any{"summary": "x", "noticed_at": "soon", "care": "normal",
		"personal_data": "no", "contact_name": "Sam", "contact_phone": "call me"}, f.as("org_admin"))
	p := r.problem(t)
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Location)
	}
	if r.status != invalid || strings.Join(fields, ",") != "body.what_happened,body.noticed_at,body.contact_phone" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

// Evidence is downloaded only as an attachment of no particular type, whatever it
// holds; a program is refused at upload; a file over the cap is refused.
func TestEvidenceDownloadIsAnAttachment(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	inc := f.incident(ownOrg)
	base := fmt.Sprintf("/api/v1/incidents/%d/evidence", inc.ID)
	up := f.do("POST", base+`?name=../"screen".txt`, "<b>plain text that looks like HTML</b> but is not", f.as("org_member"))
	if up.status != invalid {
		t.Errorf("HTML kept as evidence: %d %s", up.status, up.body)
	}
	up = f.do("POST", base+`?name=../"screen".txt`, "From: a@b.example\nSee the attached ransom note.", f.as("org_member"))
	if up.status != created {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	var ev struct {
		ID     int64  `json:"id"`
		SHA256 string `json:"sha256"`
	}
	up.decode(t, &ev)
	r := f.do("GET", fmt.Sprintf("%s/%d", base, ev.ID), nil, f.as("sector_analyst"))
	h := r.header
	if r.status != ok || h.Get("Content-Type") != "application/octet-stream" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Disposition") != "attachment; filename=screen.txt" || h.Get("X-Checksum-Sha256") != ev.SHA256 {
		t.Errorf("download: %d %v", r.status, h)
	}
	if big := f.do("POST", base+"?name=big.txt", strings.Repeat("a", 21<<20), f.as("org_admin")); big.status < 400 || big.status >= 500 {
		t.Errorf("a file over the cap: %d", big.status)
	}
}
