package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/incidents"
)

// invalid is the answer to input that names the fields to fix.
const invalid = http.StatusUnprocessableEntity

// incidentMatrix is who may call the incident operations: an organisation reports and
// reads its own (its administrator also assesses the breach and takes the national
// report), a supplier reads only what an analyst shared with it, and the centre does
// everything with every organisation's.
var incidentMatrix = []matrixRow{
	{"POST /incidents", "own", newIncidentBody(ownOrg), statuses{created, created, created, created, notFound, forbid, unauth}},
	{"POST /incidents", "other", newIncidentBody(otherOrg), statuses{created, created, notFound, notFound, notFound, forbid, unauth}},
	{"POST /incidents", "", func(*fixture, string) (string, any) { return "/incidents", map[string]any{"summary": ""} },
		statuses{invalid, invalid, invalid, invalid, invalid, forbid, unauth}},
	{"GET /incidents", "", at("/incidents"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /incidents", "other", at("/incidents?org=" + otherOrg), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"GET /incidents/{id}", "own", onIncident(ownOrg, "", nil), statuses{ok, ok, ok, ok, notFound, forbid, unauth}},
	{"GET /incidents/{id}", "shared", onSharedIncident(ownOrg), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /incidents/{id}", "other", onIncident(otherOrg, "", nil), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"POST /incidents/{id}/triage", "own", onIncident(ownOrg, "/triage", map[string]any{"category": 6, "severity": "medium"}),
		statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /incidents/{id}/status", "own", onIncident(ownOrg, "/status", map[string]any{"status": "closed", "note": "Duplicate"}),
		statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /incidents/{id}/timeline", "own", onIncident(ownOrg, "/timeline", map[string]any{"note": "Passwords reset"}),
		statuses{created, created, created, created, forbid, forbid, unauth}},
	{"POST /incidents/{id}/timeline", "other", onIncident(otherOrg, "/timeline", map[string]any{"note": "Passwords reset"}),
		statuses{created, created, notFound, notFound, forbid, forbid, unauth}},
	{"POST /incidents/{id}/links", "own", onIncident(ownOrg, "/links", map[string]any{"kind": "indicator", "ref": "hxxp://evil[.]example/x"}),
		statuses{created, created, forbid, forbid, forbid, forbid, unauth}},
	{"POST /incidents/{id}/evidence", "own", onIncident(ownOrg, "/evidence?name=note.txt", "what we saw on the screen"),
		statuses{created, created, created, created, forbid, forbid, unauth}},
	{"POST /incidents/{id}/evidence", "other", onIncident(otherOrg, "/evidence?name=note.txt", "what we saw on the screen"),
		statuses{created, created, notFound, notFound, forbid, forbid, unauth}},
	{"GET /incidents/{id}/evidence/{file}", "own", onEvidence(ownOrg), statuses{ok, ok, ok, ok, notFound, forbid, unauth}},
	{"GET /incidents/{id}/evidence/{file}", "other", onEvidence(otherOrg), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"POST /incidents/{id}/breach", "own", onIncident(ownOrg, "/breach", map[string]any{"likelihood": 3, "severity": 2}),
		statuses{ok, ok, ok, forbid, forbid, forbid, unauth}},
	{"POST /incidents/{id}/breach", "other", onIncident(otherOrg, "/breach", map[string]any{"likelihood": 3, "severity": 2}),
		statuses{ok, ok, notFound, forbid, forbid, forbid, unauth}},
	{"POST /incidents/{id}/breach/reported", "own", onBreach(ownOrg), statuses{ok, ok, ok, forbid, forbid, forbid, unauth}},
	{"GET /incidents/{id}/national-report", "own", onIncident(ownOrg, "/national-report?format=text", nil),
		statuses{ok, ok, ok, forbid, forbid, forbid, unauth}},
	{"GET /incidents/{id}/national-report", "other", onIncident(otherOrg, "/national-report", nil),
		statuses{ok, ok, notFound, forbid, forbid, forbid, unauth}},
	{"POST /incidents/{id}/share", "own", onIncident(ownOrg, "/share?format=stix&tlp=green", nil),
		statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /incidents/{id}/feed-back", "own", onLinkedIncident(ownOrg), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
}

// newIncidentBody is a good report of an incident at org.
func newIncidentBody(org string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) { return "/incidents", incidentReport(org) }
}

func incidentReport(org string) vigil.IncidentReport {
	return vigil.IncidentReport{Org: org, Summary: "A ransom note on the office PC", WhatHappened: "The screen went red.",
		NoticedAt: "2026-01-05T08:00", Care: "reduced", PersonalData: "unsure", ContactName: "Sam", ContactPhone: "0161 496 0000"}
}

// incident reports a fresh incident of org and returns it.
func (f *fixture) incident(org string) vigil.Incident {
	f.t.Helper()
	inc, err := f.app.Incidents.Report(context.Background(), vigil.CommandLine, incidentReport(org))
	if err != nil {
		f.t.Fatal(err)
	}
	return inc
}

// onIncident is a request about a fresh incident of org.
func onIncident(org, verb string, body any) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/incidents/%d%s", f.incident(org).ID, verb), body
	}
}

// onSharedIncident is a read of a fresh incident of org shared with its suppliers.
func onSharedIncident(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		inc, shared := f.incident(org), true
		if _, err := f.app.Incidents.Triage(context.Background(), vigil.CommandLine, inc.ID, incidents.Triage{SharedWithSuppliers: &shared}); err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/incidents/%d", inc.ID), nil
	}
}

// onEvidence is a download of a fresh file of a fresh incident of org.
func onEvidence(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		inc := f.incident(org)
		ev, err := f.app.Incidents.AddEvidence(context.Background(), vigil.CommandLine, inc.ID, "screen.txt", strings.NewReader("a red screen"))
		if err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/incidents/%d/evidence/%d", inc.ID, ev.ID), nil
	}
}

// onBreach records as reported the reportable breach of a fresh incident of org.
func onBreach(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		inc := f.incident(org)
		if _, err := f.app.Incidents.AssessBreach(context.Background(), vigil.CommandLine, inc.ID, vigil.BreachAssessment{Likelihood: 5, Severity: 3}); err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/incidents/%d/breach/reported", inc.ID), nil
	}
}

// onLinkedIncident feeds back a fresh incident of org with an indicator linked.
func onLinkedIncident(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		inc := f.incident(org)
		if _, err := f.app.Incidents.Link(context.Background(), vigil.CommandLine, inc.ID, incidents.NewLink{Kind: vigil.LinkIndicator,
			Ref: f.unique("fed-back-") + ".example"}); err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/incidents/%d/feed-back", inc.ID), nil
	}
}
