package incidents_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/incidents"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

var start = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// The people of the test sector: RXA is a care home supplied by YSUP, RXB a trust.
var (
	analyst  = vigil.Principal{Email: "ana@centre.example", Role: vigil.RoleSectorAnalyst}
	rxaAdmin = vigil.Principal{Email: "manager@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}
	rxaMem   = vigil.Principal{Email: "carer@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}
	rxbAdmin = vigil.Principal{Email: "it@rxb.example", Role: vigil.RoleOrgAdmin, Org: "RXB"}
	supplier = vigil.Principal{Email: "help@ysup.example", Role: vigil.RoleSupplier, Org: "YSUP"}
	sensor   = vigil.Principal{Email: "sensor", Role: vigil.RoleSensor, Org: "RXA"}
)

type sector struct {
	s    *store.Store
	svc  *incidents.Service
	ti   *threatintel.Service
	clk  *clock
	file int64
}

func newSector(t *testing.T, s *store.Store) *sector {
	t.Helper()
	ctx := t.Context()
	for _, o := range []vigil.Org{
		{ODSCode: "YSUP", Name: "Care Software Ltd", Kind: vigil.OrgSupplier},
		{ODSCode: "RXA", Name: "Alder Care Home", Kind: vigil.OrgCareProvider},
		{ODSCode: "RXB", Name: "Birch Hospital NHS Trust", Kind: vigil.OrgTrust},
	} {
		if _, _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.LinkSupplier(ctx, "YSUP", "RXA"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []vigil.Principal{analyst, rxaAdmin} {
		if _, err := s.CreateUser(ctx, vigil.NewUser{Email: p.Email, Name: p.Email, Role: p.Role, Org: p.Org}); err != nil {
			t.Fatal(err)
		}
	}
	clk := &clock{start}
	ti := threatintel.New(threatintel.Deps{Store: s, Now: clk.now})
	svc := incidents.New(incidents.Deps{Store: s, Now: clk.now, MaxEvidenceBytes: 2048, Centre: "Test Centre", Import: ti.Import})
	return &sector{s: s, svc: svc, ti: ti, clk: clk}
}

func report(org string) vigil.IncidentReport {
	return vigil.IncidentReport{Org: org, Summary: "Staff e-mails ask for passwords", WhatHappened: "Three carers got an e-mail.",
		NoticedAt: "2026-03-02T09:15", Systems: []string{"email"}, Care: "normal", PersonalData: "unsure",
		ContactName: "Sam Patel", ContactPhone: "0161 496 0000"}
}

func (sc *sector) incident(t *testing.T, org string) vigil.Incident {
	t.Helper()
	inc, err := sc.svc.Report(t.Context(), analyst, report(org))
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// Who may report for which organisation.
func TestReportAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		cases := []struct {
			name string
			p    vigil.Principal
			org  string
			code string
		}{
			{"an admin for its own, org left out", rxaAdmin, "", ""},
			{"a member for its own", rxaMem, "RXA", ""},
			{"an admin for another", rxaAdmin, "RXB", vigil.ENOTFOUND},
			{"the centre for any", analyst, "RXB", ""},
			{"the centre must say which", analyst, "", vigil.EINVALID},
			{"the centre for one that does not exist", analyst, "RZZ", vigil.ENOTFOUND},
			{"a sensor never", sensor, "RXA", vigil.EFORBIDDEN},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				inc, err := sc.svc.Report(t.Context(), tc.p, report(tc.org))
				if vigil.ErrorCode(err) != tc.code {
					t.Fatalf("Report = %v, want code %q", err, tc.code)
				}
				if err == nil && (inc.Status != vigil.IncidentNew || inc.ReportedBy != tc.p.Email) {
					t.Errorf("reported as %+v", inc)
				}
			})
		}
	})
}

// An organisation sees only its own incidents, a supplier only what was shared, the
// centre all; what one may not see is not found, in lists and reads alike.
func TestIncidentVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := t.Context()
		a, b := sc.incident(t, "RXA"), sc.incident(t, "RXB")
		seen := func(p vigil.Principal) int {
			list, _, err := sc.svc.List(ctx, p, vigil.IncidentFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		if seen(analyst) != 2 || seen(rxaAdmin) != 1 || seen(rxbAdmin) != 1 || seen(supplier) != 0 {
			t.Errorf("seen: analyst %d, rxa %d, rxb %d, supplier %d", seen(analyst), seen(rxaAdmin), seen(rxbAdmin), seen(supplier))
		}
		if _, err := sc.svc.Get(ctx, rxaAdmin, b.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation's incident: %v", err)
		}
		if _, _, err := sc.svc.List(ctx, rxaAdmin, vigil.IncidentFilter{Org: "RXB"}); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("listing another organisation's: %v", err)
		}
		shared := true
		if _, err := sc.svc.Triage(ctx, analyst, a.ID, incidents.Triage{SharedWithSuppliers: &shared}); err != nil {
			t.Fatal(err)
		}
		c, err := sc.svc.Get(ctx, supplier, a.ID)
		if err != nil || c.ContactPhone != "" || c.Evidence != nil {
			t.Errorf("the supplier reads a shared incident without contacts or files: %+v, %v", c.Incident, err)
		}
		if _, err := sc.svc.AddNote(ctx, supplier, a.ID, "hello"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a supplier's note: %v", err)
		}
		if _, err := sc.svc.Triage(ctx, rxaAdmin, a.ID, incidents.Triage{SharedWithSuppliers: &shared}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation triaging: %v", err)
		}
	})
}

// A supplier reads a shared incident without its contact details or files, and
// without anybody's e-mail address: people are named by their organisation.
func TestSupplierView(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := t.Context()
		r := report("RXA")
		r.ContactEmail = "sam@rxa.example"
		inc, err := sc.svc.Report(ctx, rxaAdmin, r)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := sc.svc.AddEvidence(ctx, rxaAdmin, inc.ID, "nu-pwn.txt", strings.NewReader("From: payroll@evil.example"))
		if err != nil {
			t.Fatal(err)
		}
		shared, assignee := true, analyst.Email
		if _, err := sc.svc.Triage(ctx, analyst, inc.ID, incidents.Triage{SharedWithSuppliers: &shared, Assignee: &assignee}); err != nil {
			t.Fatal(err)
		}
		if _, err := sc.svc.AddNote(ctx, analyst, inc.ID, "Rang manager@rxa.example; Sam is on sam@rxa.example."); err != nil {
			t.Fatal(err)
		}
		if _, err := sc.svc.Link(ctx, analyst, inc.ID, incidents.NewLink{Kind: vigil.LinkIndicator, Ref: "email:payroll@evil.example"}); err != nil {
			t.Fatal(err)
		}

		c, err := sc.svc.Get(ctx, supplier, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := fmt.Sprintf("%+v", c)
		for _, secret := range []string{"@rxa.example", "@centre.example", ev.SHA256, "Sam Patel", "0161"} {
			if strings.Contains(seen, secret) {
				t.Errorf("the supplier's view shows %q: %s", secret, seen)
			}
		}
		if !c.FilesWithheld {
			t.Errorf("the supplier's view does not say its files are withheld")
		}
		if c.ReportedBy != "Alder Care Home" || c.Assignee != "the sector centre" || c.Evidence != nil {
			t.Errorf("reported by %q, assigned to %q, files %v; want the organisation, the sector centre and none", c.ReportedBy, c.Assignee, c.Evidence)
		}
		by := map[vigil.IncidentEntryKind]string{}
		for _, e := range c.Timeline {
			by[e.Kind] = e.By
		}
		if _, ok := by[vigil.EntryEvidence]; ok || by[vigil.EntryReported] != "Alder Care Home" || by[vigil.EntryNote] != "the sector centre" {
			t.Errorf("timeline by %v; want no file, reported by the organisation, the note by the sector centre", by)
		}
		for _, want := range []string{"Rang Alder Care Home; Sam is on (an e-mail address).", "email:payroll@evil.example"} {
			if !strings.Contains(seen, want) {
				t.Errorf("the supplier's view lacks %q: %s", want, seen)
			}
		}
		list, _, err := sc.svc.List(ctx, supplier, vigil.IncidentFilter{})
		if err != nil || len(list) != 1 || list[0].ReportedBy != "Alder Care Home" || list[0].ContactEmail != "" || list[0].Assignee != "the sector centre" {
			t.Errorf("the supplier's list: %+v, %v", list, err)
		}

		// "the sector centre" would be a mask with holes if a guessed address selected it.
		if _, _, err := sc.svc.List(ctx, supplier, vigil.IncidentFilter{Assignee: analyst.Email}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a supplier filtering by assignee: %v; want refused", err)
		}

		own, err := sc.svc.Get(ctx, rxaAdmin, inc.ID)
		if err != nil || own.ReportedBy != rxaAdmin.Email || len(own.Evidence) != 1 || own.FilesWithheld || own.ContactEmail != "sam@rxa.example" {
			t.Errorf("the organisation's own view: %+v, %v; want everything", own.Incident, err)
		}
	})
}

// The journey: reported, triaged, contained; a breach assessed as reportable gets its
// deadline, which is chased once when missed; every step is in the timeline.
func TestIncidentLifecycleAndDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := t.Context()
		inc, err := sc.svc.Report(ctx, rxaAdmin, report(""))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sc.svc.Move(ctx, analyst, inc.ID, vigil.IncidentTriaged, ""); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("triaged without a category: %v", err)
		}
		cat, sev, who := vigil.NCSCCategory(6), vigil.SeverityMedium, analyst.Email
		if _, err := sc.svc.Triage(ctx, analyst, inc.ID, incidents.Triage{Category: &cat, Severity: &sev, Assignee: &who}); err != nil {
			t.Fatal(err)
		}
		for _, to := range []vigil.IncidentStatus{vigil.IncidentTriaged, vigil.IncidentContained} {
			if _, err := sc.svc.Move(ctx, analyst, inc.ID, to, ""); err != nil {
				t.Fatal(err)
			}
		}
		got, err := sc.svc.AssessBreach(ctx, rxaAdmin, inc.ID, vigil.BreachAssessment{Likelihood: 4, Severity: 3, Note: "Names and NHS numbers"})
		if err != nil || !got.ReportDueAt.Equal(time.Date(2026, 3, 5, 9, 15, 0, 0, time.UTC)) {
			t.Fatalf("assessed: due %v, %v", got.ReportDueAt, err)
		}
		if n, _ := sc.svc.ChaseDeadlines(ctx); n != 0 {
			t.Error("chased before the deadline")
		}
		sc.clk.t = got.ReportDueAt.Add(time.Minute)
		if n, err := sc.svc.ChaseDeadlines(ctx); n != 1 || err != nil {
			t.Fatalf("chased %d, %v", n, err)
		}
		if n, _ := sc.svc.ChaseDeadlines(ctx); n != 0 {
			t.Error("chased twice")
		}
		msgs, _, err := s.ListOutbox(ctx, vigil.OutboxFilter{Org: "RXA", Kind: vigil.OutboxEscalation})
		if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Body, "72 hours") || len(msgs[0].Recipients) != 2 {
			t.Fatalf("messages %+v, %v", msgs, err)
		}
		if _, err := sc.svc.MarkBreachReported(ctx, rxaAdmin, inc.ID); err != nil {
			t.Fatal(err)
		}
		c, _ := sc.svc.Get(ctx, analyst, inc.ID)
		var kinds []string
		for _, e := range c.Timeline {
			kinds = append(kinds, string(e.Kind))
		}
		want := "reported triaged status status breach report_missed breach_reported"
		if strings.Join(kinds, " ") != want {
			t.Errorf("timeline %v, want %s", kinds, want)
		}
		if c.Suggested != 6 {
			t.Errorf("suggested category %d", c.Suggested)
		}
	})
}

// Evidence is kept when it is an allowed kind within the cap, with its SHA-256;
// programs, HTML and oversized files are refused.
func TestEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := t.Context()
		inc := sc.incident(t, "RXA")
		cases := []struct {
			name    string
			content string
			ok      bool
		}{
			{"pdf", "%PDF-1.7\n1 0 obj", true},
			{"text", "From: payroll@evil.example\nSubject: pay", true},
			{"html", "<html><script>alert(1)</script>", false},
			{"windows program", "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", false},
			{"too big", strings.Repeat("a", 2049), false},
			{"empty", "", false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ev, err := sc.svc.AddEvidence(ctx, rxaAdmin, inc.ID, "../../"+tc.name+".bin", strings.NewReader(tc.content))
				if (err == nil) != tc.ok {
					t.Fatalf("AddEvidence = %+v, %v", ev, err)
				}
				if !tc.ok {
					if vigil.ErrorCode(err) != vigil.EINVALID {
						t.Errorf("code %q", vigil.ErrorCode(err))
					}
					return
				}
				got, body, err := sc.svc.Evidence(ctx, analyst, inc.ID, ev.ID)
				if err != nil || string(body) != tc.content || got.Name != tc.name+".bin" || len(got.SHA256) != 64 {
					t.Errorf("download %+v %q %v", got, body, err)
				}
			})
		}
		if _, _, err := sc.svc.Evidence(ctx, rxbAdmin, inc.ID, 1); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation's file: %v", err)
		}
	})
}

// Sharing out: a STIX export at GREEN carries the GREEN indicators and not the AMBER
// ones, nor the incident's title when the incident is AMBER; feeding back puts every
// indicator into vigil's intel, where the indicator search finds them.
func TestShareOutAndFeedBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := t.Context()
		inc := sc.incident(t, "RXA")
		for _, l := range []incidents.NewLink{
			{Kind: vigil.LinkIndicator, Ref: "hxxps://login-care[.]example/pay", TLP: vigil.TLPGreen},
			{Kind: vigil.LinkIndicator, Ref: "ipv4:198.51.100.23", TLP: vigil.TLPAmber},
			{Kind: vigil.LinkOrg, Ref: "rxb"},
		} {
			if _, err := sc.svc.Link(ctx, analyst, inc.ID, l); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := sc.svc.Link(ctx, analyst, inc.ID, incidents.NewLink{Kind: vigil.LinkIndicator, Ref: "not an indicator at all"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a bad indicator: %v", err)
		}
		out, err := sc.svc.ShareOut(ctx, analyst, inc.ID, incidents.FormatSTIX, vigil.TLPGreen)
		if err != nil {
			t.Fatal(err)
		}
		body := string(out)
		if !strings.Contains(body, "login-care.example") || strings.Contains(body, "198.51.100.23") ||
			strings.Contains(body, "Staff e-mails") || strings.Contains(body, "Alder") || strings.Contains(body, "RXA") {
			t.Errorf("GREEN export carries what it should not, or lacks what it should:\n%s", body)
		}
		misp, err := sc.svc.ShareOut(ctx, analyst, inc.ID, incidents.FormatMISP, vigil.TLPAmber)
		if err != nil || !bytes.Contains(misp, []byte("198.51.100.23")) || !bytes.Contains(misp, []byte("Staff e-mails")) {
			t.Errorf("AMBER MISP export: %s, %v", misp, err)
		}
		if _, err := sc.svc.ShareOut(ctx, rxaAdmin, inc.ID, incidents.FormatSTIX, vigil.TLPGreen); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation sharing out: %v", err)
		}
		rep, err := sc.svc.FeedBack(ctx, analyst, inc.ID)
		if err != nil || rep.Total != 2 {
			t.Fatalf("fed back %+v, %v", rep, err)
		}
		found, _, err := sc.ti.SearchIndicators(ctx, analyst, vigil.IndicatorFilter{Value: "198.51.100.23", Exact: true})
		if err != nil || len(found) != 1 || found[0].Sources[0].TLP != vigil.TLPAmber {
			t.Errorf("the fed-back indicator: %+v, %v", found, err)
		}
	})
}

// The national report carries the fields the reporting tool asks for.
func TestNationalReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := t.Context()
		inc := sc.incident(t, "RXA")
		if _, err := sc.svc.AddNote(ctx, rxaAdmin, inc.ID, "Reset the three passwords"); err != nil {
			t.Fatal(err)
		}
		fields, err := sc.svc.NationalReport(ctx, rxaAdmin, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := incidents.ReportText(fields)
		for _, want := range []string{"Organisation name: Alder Care Home", "ODS code: RXA", "Name of the person reporting: Sam Patel",
			"became aware of the incident: 2 March 2026 at 09:15 UTC", "Reset the three passwords"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q:\n%s", want, text)
			}
		}
		if _, err := sc.svc.NationalReport(ctx, rxbAdmin, inc.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation's report: %v", err)
		}
	})
}
