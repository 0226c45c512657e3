package pages_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/incidents"
)

// The report form comes back filled in with every problem listed; a good report is
// filed and shown to its organisation, and not to another.
func TestIncidentReportForm(t *testing.T) {
	s := demoSite(t)
	manager := s.signIn(careManager)
	if home := manager.get("/"); !strings.Contains(home.body, `href="/incidents/new"`) {
		t.Error("the organisation's home has no link to report an incident")
	}
	form := url.Values{"summary": {"Emails asking for passwords <b>now</b>"}, "care": {"reduced"}, "systems": {"email", "rota"},
		"contact_phone": {"call me"}}
	r := manager.post("/incidents", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an incomplete report: %d", r.status)
	}
	for _, want := range []string{"There is a problem", `href="#what_happened"`, `href="#noticed_at"`, `href="#personal_data"`,
		`href="#contact_name"`, `href="#contact_phone"`, `value="Emails asking for passwords &lt;b&gt;now&lt;/b&gt;"`,
		`id="care-reduced" name="care" type="radio" value="reduced" checked`, `value="rota" checked`, `value="call me"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the form shown again lacks %s", want)
		}
	}
	form.Set("what_happened", "Three carers got an email.")
	form.Set("noticed_at", "2026-01-05T08:00")
	form.Set("personal_data", "no")
	form.Set("contact_name", "Sam Patel")
	form.Set("contact_phone", "0161 496 0000")
	r = manager.post("/incidents", form)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !regexp.MustCompile(`^/incidents/\d+\?done=incident-reported$`).MatchString(loc) {
		t.Fatalf("a good report: %d %q", r.status, loc)
	}
	page := manager.get(loc)
	if page.status != http.StatusOK || !strings.Contains(page.body, "Thank you: your report has been sent") {
		t.Errorf("the incident's page: %d", page.status)
	}
	path, _, _ := strings.Cut(loc, "?")
	if other := s.signIn(trustAdmin).get(path); other.status != http.StatusNotFound {
		t.Errorf("another organisation's admin opened the incident: %d", other.status)
	}
	board := s.signIn(analyst)
	if list := board.get("/incidents?status=new&format=csv"); list.status != http.StatusOK || !strings.Contains(list.body, "Emails asking for passwords") {
		t.Errorf("the board's CSV: %d %s", list.status, list.body)
	}
	if r := board.post(path+"/triage", url.Values{"category": {"9"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a category out of range: %d", r.status)
	}
	if r := board.post(path+"/triage", url.Values{"category": {"6"}, "severity": {"medium"}, "tlp": {"AMBER"}}); r.status != http.StatusSeeOther {
		t.Errorf("triage: %d %s", r.status, r.body)
	}
	if r := manager.post(path+"/triage", url.Values{"category": {"1"}}); r.status != http.StatusForbidden {
		t.Errorf("the manager triaging: %d", r.status)
	}
}

// hostileIncident has the care home report an incident with hostile text in every field
// people type, and the centre add a note, a link and a file named with it.
func hostileIncident(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	manager := vigil.Principal{Email: careManager, Role: vigil.RoleOrgAdmin, Org: demo.CareHomeODS}
	inc, err := s.app.Incidents.Report(ctx, manager, vigil.IncidentReport{Summary: hostile("incident-summary"),
		WhatHappened: hostile("incident-what"), NoticedAt: time.Now().Add(-time.Hour).Format(time.RFC3339), Care: "normal",
		PersonalData: "no", ContactName: hostile("incident-contact"), ContactEmail: "manager@oakleigh-house-care-home.example"})
	if err != nil {
		t.Fatalf("report a hostile incident: %v", err)
	}
	centre := vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}
	if _, err := s.app.Incidents.AddNote(ctx, manager, inc.ID, hostile("incident-note")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Incidents.Link(ctx, centre, inc.ID, incidents.NewLink{Kind: vigil.LinkIndicator, Ref: "hostile-incident.example",
		Note: hostile("incident-link-note")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Incidents.AddEvidence(ctx, manager, inc.ID, hostile("evidence-name"), strings.NewReader("plain text")); err != nil {
		t.Fatal(err)
	}
}
