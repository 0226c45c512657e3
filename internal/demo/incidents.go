package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/incidents"
)

// The demo's incidents, each at a different point of its handling, so that the
// organisation's list, the analyst's board and an incident's page all have something
// to show: a phishing e-mail at Oakleigh House (contained, its site linked), ransomware
// at another care home that the centre took down on the phone (a reportable breach, its
// 72-hour deadline running), and suspicious sign-ins at the trust, not yet triaged.

// RansomCareHomeODS is the care home whose ransomware incident the analyst reported for it.
const RansomCareHomeODS = "1-101000014"

// demoIncident is one incident of the demo, with what the centre did about it.
type demoIncident struct {
	by      func() (vigil.Principal, error)
	report  vigil.IncidentReport
	noticed time.Duration // before now
	triage  *vigil.NCSCCategory
	sev     vigil.Severity
	status  []vigil.IncidentStatus
	links   []incidents.NewLink
	notes   []string
	breach  *vigil.BreachAssessment
}

func demoIncidents() []demoIncident {
	six, five := vigil.NCSCCategory(6), vigil.NCSCCategory(5)
	return []demoIncident{
		{by: func() (vigil.Principal, error) { return loginPrincipal(vigil.RoleOrgAdmin, CareHomeODS) },
			report: vigil.IncidentReport{Summary: "Emails asking carers to confirm their payroll login",
				WhatHappened: "Four carers got an email that looked like it came from our payroll company, with a link to " +
					"'confirm your details'. One carer clicked it and typed her password before asking me. I have changed her password.",
				Systems: []string{"email", "finance"}, Care: "normal", PersonalData: "unsure", People: "1-10", Told: []string{"it_supplier"},
				ContactName: "Linda Marsh", ContactPhone: "0161 496 0734", ContactEmail: "manager@oakleigh-house-care-home.example"},
			noticed: 50 * time.Hour, triage: &six, sev: vigil.SeverityMedium,
			status: []vigil.IncidentStatus{vigil.IncidentTriaged, vigil.IncidentContained},
			links: []incidents.NewLink{{Kind: vigil.LinkIndicator, Ref: "hxxps://payroll-confirm[.]example/login", TLP: vigil.TLPGreen,
				Note: "the link in the email"}, {Kind: vigil.LinkIndicator, Ref: "payroll@payroll-confirm.example", TLP: vigil.TLPGreen,
				Note: "the sender"}},
			notes: []string{"Called Linda: the password is changed and the carer's account shows no other sign-ins. Site reported for takedown."}},
		{by: func() (vigil.Principal, error) { return loginPrincipal(vigil.RoleSectorAnalyst, "") },
			report: vigil.IncidentReport{Org: RansomCareHomeODS, Summary: "Ransom note on the office PC; the eMAR laptop is locked",
				WhatHappened: "The deputy manager phoned the centre: the office PC shows a ransom note and the laptop used for " +
					"medication records will not open files. Medication rounds are on the paper MAR charts the pharmacy printed.",
				Systems: []string{"medication", "care_records", "rota"}, Care: "reduced", PersonalData: "yes", People: "11-100",
				Ransom: true, Told: []string{"police", "it_supplier"}, ContactName: "Deputy manager (on shift)", ContactPhone: "0161 496 0815"},
			noticed: 30 * time.Hour, triage: &five, sev: vigil.SeverityHigh, status: []vigil.IncidentStatus{vigil.IncidentTriaged},
			links:  []incidents.NewLink{{Kind: vigil.LinkIndicator, Ref: "203.0.113.66", TLP: vigil.TLPAmber, Note: "remote access seen before the encryption"}},
			breach: &vigil.BreachAssessment{Likelihood: 4, Severity: 3, Note: "Residents' medication records were on the laptop; copying them cannot be ruled out."}},
		{by: func() (vigil.Principal, error) { return loginPrincipal(vigil.RoleOrgAdmin, TrustODS) },
			report: vigil.IncidentReport{Summary: "Sign-ins to the e-rostering system from abroad",
				WhatHappened: "Our SIEM flagged 14 successful sign-ins to two ward managers' e-rostering accounts from an overseas " +
					"address at night. Both accounts are disabled pending a reset.",
				Systems: []string{"rota"}, Care: "normal", PersonalData: "unsure", People: "101-1000",
				ContactName: "Gareth Jones", ContactEmail: "it.lead@northbrook-hospitals.example", ContactPhone: "0161 496 0100"},
			noticed: 5 * time.Hour},
	}
}

// seedIncidents files the demo's incidents and works them, through the use cases.
func seedIncidents(ctx context.Context, a *app.App, now time.Time) error {
	centre, err := loginPrincipal(vigil.RoleSectorAnalyst, "")
	if err != nil {
		return err
	}
	for _, d := range demoIncidents() {
		if err := d.seed(ctx, a, centre, now); err != nil {
			return fmt.Errorf("demo: incident %q: %w", d.report.Summary, err)
		}
	}
	return nil
}

func (d demoIncident) seed(ctx context.Context, a *app.App, centre vigil.Principal, now time.Time) error {
	by, err := d.by()
	if err != nil {
		return err
	}
	d.report.NoticedAt = now.Add(-d.noticed).UTC().Format(time.RFC3339)
	inc, err := a.Incidents.Report(ctx, by, d.report)
	if err != nil {
		return err
	}
	if d.triage != nil {
		who := strings.ToLower(centre.Email)
		if _, err := a.Incidents.Triage(ctx, centre, inc.ID, incidents.Triage{Category: d.triage, Severity: &d.sev, Assignee: &who}); err != nil {
			return err
		}
	}
	for _, s := range d.status {
		if _, err := a.Incidents.Move(ctx, centre, inc.ID, s, ""); err != nil {
			return err
		}
	}
	for _, l := range d.links {
		if _, err := a.Incidents.Link(ctx, centre, inc.ID, l); err != nil {
			return err
		}
	}
	for _, n := range d.notes {
		if _, err := a.Incidents.AddNote(ctx, centre, inc.ID, n); err != nil {
			return err
		}
	}
	if d.breach != nil {
		if _, err := a.Incidents.AssessBreach(ctx, centre, inc.ID, *d.breach); err != nil {
			return err
		}
	}
	return nil
}
