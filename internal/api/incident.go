package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/incidents"
)

// Incident is an incident as the API shows it.
type Incident struct {
	ID                  int64                `json:"id"`
	Org                 string               `json:"org" doc:"The ODS code of the organisation it happened to."`
	Summary             string               `json:"summary"`
	WhatHappened        string               `json:"what_happened"`
	NoticedAt           time.Time            `json:"noticed_at" doc:"When the organisation became aware of it: a reportable breach's 72 hours run from here."`
	Systems             []string             `json:"systems" nullable:"false"`
	Care                vigil.CareImpact     `json:"care" enum:"normal,reduced,stopped,unknown" doc:"Whether care can still be delivered."`
	PersonalData        string               `json:"personal_data" enum:"yes,no,unsure"`
	People              string               `json:"people" doc:"Roughly how many people's data: none, 1-10, 11-100, 101-1000, over-1000, unknown."`
	Ransom              bool                 `json:"ransom"`
	Told                []string             `json:"told" nullable:"false"`
	ContactName         string               `json:"contact_name,omitempty" doc:"Absent for a supplier reading a shared incident."`
	ContactPhone        string               `json:"contact_phone,omitempty"`
	ContactEmail        string               `json:"contact_email,omitempty"`
	Status              vigil.IncidentStatus `json:"status" enum:"new,triaged,contained,recovered,closed"`
	Category            int                  `json:"category,omitempty" doc:"The NCSC category (1 national cyber emergency … 6 localised incident); absent until triaged."`
	CategoryName        string               `json:"category_name,omitempty"`
	Severity            vigil.Severity       `json:"severity,omitempty"`
	Assignee            string               `json:"assignee,omitempty"`
	TLP                 vigil.TLP            `json:"tlp"`
	SharedWithSuppliers bool                 `json:"shared_with_suppliers"`
	Breach              *Breach              `json:"breach,omitempty" doc:"The personal-data breach assessment on the DSPT grid; absent until made."`
	ReportDueAt         *time.Time           `json:"report_due_at,omitempty" doc:"When a reportable breach must be reported: 72 hours after noticed_at."`
	ReportOverdue       bool                 `json:"report_overdue" doc:"True when report_due_at has passed and the breach is not recorded as reported."`
	ReportedBy          string               `json:"reported_by"`
	CreatedAt           time.Time            `json:"created_at"`
	UpdatedAt           time.Time            `json:"updated_at"`
}

// Breach is a personal-data breach assessment.
type Breach struct {
	Likelihood int        `json:"likelihood" doc:"1 not occurred … 5 occurred."`
	Severity   int        `json:"severity" doc:"1 no adverse effect … 5 death or catastrophic event."`
	Reportable bool       `json:"reportable" doc:"Whether the grid says it must be reported to the ICO."`
	NotifyDHSC bool       `json:"notify_dhsc" doc:"Whether the Department of Health and Social Care is to be told as well."`
	Note       string     `json:"note,omitempty"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
	ReportedAt *time.Time `json:"reported_at,omitempty" doc:"When it was recorded as reported to the national reporting service."`
}

func incidentOut(i vigil.Incident) Incident {
	out := Incident{ID: i.ID, Org: i.Org, Summary: i.Summary, WhatHappened: i.WhatHappened, NoticedAt: i.NoticedAt,
		Systems: nonNil(i.Systems), Care: i.Care, PersonalData: i.PersonalData, People: i.People, Ransom: i.Ransom,
		Told: nonNil(i.Told), ContactName: i.ContactName, ContactPhone: i.ContactPhone, ContactEmail: i.ContactEmail,
		Status: i.Status, Severity: i.Severity, Assignee: i.Assignee, TLP: i.TLP, SharedWithSuppliers: i.SharedWithSuppliers,
		ReportDueAt: timePtr(i.ReportDueAt), ReportOverdue: i.ReportOverdue(time.Now()), ReportedBy: i.ReportedBy,
		CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt}
	if i.Category.Valid() {
		out.Category, out.CategoryName = int(i.Category), i.Category.Name()
	}
	if b := i.Breach; b != nil {
		out.Breach = &Breach{Likelihood: b.Likelihood, Severity: b.Severity, Reportable: b.Reportable(), NotifyDHSC: b.NotifyDHSC(),
			Note: b.Note, By: b.By, At: b.At, ReportedAt: timePtr(b.ReportedAt)}
	}
	return out
}

// IncidentCase is an incident with its timeline, links and files.
type IncidentCase struct {
	Incident
	SuggestedCategory int             `json:"suggested_category" doc:"The NCSC category the report's answers suggest; the analyst decides."`
	OrgName           string          `json:"org_name"`
	Timeline          []IncidentEntry `json:"timeline" nullable:"false"`
	Links             []IncidentLink  `json:"links" nullable:"false"`
	Evidence          []Evidence      `json:"evidence" nullable:"false" doc:"Files, without their content: download each from /incidents/{id}/evidence/{file}."`
}

// IncidentEntry is one entry of an incident's timeline.
type IncidentEntry struct {
	At   time.Time               `json:"at"`
	Kind vigil.IncidentEntryKind `json:"kind"`
	By   string                  `json:"by"`
	Note string                  `json:"note,omitempty"`
}

// IncidentLink is what an incident is linked to.
type IncidentLink struct {
	ID      int64                  `json:"id"`
	Kind    vigil.IncidentLinkKind `json:"kind" enum:"alert,indicator,org"`
	Ref     string                 `json:"ref" doc:"The alert's number, the indicator as type:value, or the ODS code."`
	TLP     vigil.TLP              `json:"tlp"`
	Note    string                 `json:"note,omitempty"`
	AddedBy string                 `json:"added_by"`
	AddedAt time.Time              `json:"added_at"`
}

// Evidence is a file of an incident, without its content.
type Evidence struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type" doc:"What the content is, sniffed from its bytes."`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	AddedBy     string    `json:"added_by"`
	AddedAt     time.Time `json:"added_at"`
}

func linkOut(l vigil.IncidentLink) IncidentLink {
	return IncidentLink{ID: l.ID, Kind: l.Kind, Ref: l.Ref, TLP: l.TLP, Note: l.Note, AddedBy: l.AddedBy, AddedAt: l.AddedAt}
}

func evidenceOut(e vigil.Evidence) Evidence {
	return Evidence{ID: e.ID, Name: e.Name, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256, AddedBy: e.UploadedBy, AddedAt: e.UploadedAt}
}

func caseOut(c incidents.Case) IncidentCase {
	out := IncidentCase{Incident: incidentOut(c.Incident), SuggestedCategory: int(c.Suggested), OrgName: c.OrgName,
		Links: mapSlice(c.Links, linkOut), Evidence: mapSlice(c.Evidence, evidenceOut)}
	out.Timeline = mapSlice(c.Timeline, func(e vigil.IncidentEntry) IncidentEntry {
		return IncidentEntry{At: e.At, Kind: e.Kind, By: e.By, Note: e.Note}
	})
	return out
}

type incidentIDIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The incident's number."`
}

type incidentResult struct {
	Body Incident
}

// fieldsProblem answers an input refused for named fields with a 422 that lists each
// field and what to change; other errors go through the usual mapping.
func fieldsProblem(err error) error {
	var bad *vigil.InvalidFields
	if !errors.As(err, &bad) {
		return err
	}
	p := newProblem(http.StatusUnprocessableEntity, vigil.ErrorMessage(err), "")
	for _, f := range bad.Problems {
		p.Errors = append(p.Errors, &huma.ErrorDetail{Location: "body." + f.Field, Message: f.Message})
	}
	return p
}

// incidentRoutes registers the incident operations. Organisations report and read
// their own; the centre triages, links, assesses and shares; the use cases keep each
// caller to the incidents it may see.
func (a *API) incidentRoutes() {
	const (
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
	)
	create := op("report-incident", http.MethodPost, "/incidents", "Report an incident", "incidents", e404)
	create.DefaultStatus = http.StatusCreated
	Register(a, create, people, a.incidentReport)
	Register(a, op("list-incidents", http.MethodGet, "/incidents", "List incidents", "incidents", e404), people, a.incidentList)
	Register(a, op("get-incident", http.MethodGet, "/incidents/{id}", "Get an incident with its timeline", "incidents", e404), people, a.incidentGet)
	Register(a, op("triage-incident", http.MethodPost, "/incidents/{id}/triage", "Triage an incident", "incidents", e404), sector, a.incidentTriage)
	Register(a, op("move-incident", http.MethodPost, "/incidents/{id}/status", "Change an incident's status", "incidents", e404, e409), sector, a.incidentStatus)
	note := op("add-incident-note", http.MethodPost, "/incidents/{id}/timeline", "Add a note to an incident's timeline", "incidents", e404)
	note.DefaultStatus = http.StatusCreated
	Register(a, note, alertWorkers, a.incidentNote)
	link := op("link-incident", http.MethodPost, "/incidents/{id}/links", "Link an incident to an alert, indicator or organisation", "incidents", e404, e409)
	link.DefaultStatus = http.StatusCreated
	Register(a, link, sector, a.incidentLink)
	a.evidenceRoutes()
	Register(a, op("assess-incident-breach", http.MethodPost, "/incidents/{id}/breach", "Assess a personal-data breach", "incidents", e404), orgEditors, a.incidentBreach)
	Register(a, op("mark-incident-breach-reported", http.MethodPost, "/incidents/{id}/breach/reported", "Record the breach as reported", "incidents", e404, e409),
		orgEditors, a.incidentBreachReported)
	Register(a, op("get-incident-national-report", http.MethodGet, "/incidents/{id}/national-report", "The report for the national reporting service", "incidents", e404),
		orgEditors, a.incidentNationalReport)
	Register(a, op("share-incident", http.MethodPost, "/incidents/{id}/share", "Export an incident's indicators as STIX 2.1 or MISP", "incidents", e404), sector, a.incidentShare)
	Register(a, op("feed-back-incident", http.MethodPost, "/incidents/{id}/feed-back", "Hunt for an incident's indicators", "incidents", e404, e409), sector, a.incidentFeedBack)
}
