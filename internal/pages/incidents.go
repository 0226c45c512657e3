package pages

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/incidents"
)

func (p *Pages) incidentRoutes() []route {
	return []route{
		{"GET /incidents", p.incidentList},
		{"GET /incidents/new", p.incidentNew},
		{"POST /incidents", p.incidentCreate},
		{"GET /incidents/{id}", p.incidentDetail},
		{"POST /incidents/{id}/note", p.incidentNote},
		{"POST /incidents/{id}/evidence", p.incidentEvidence},
		{"GET /incidents/{id}/evidence/{file}", p.incidentEvidenceDownload},
		{"POST /incidents/{id}/breach", p.incidentBreach},
		{"POST /incidents/{id}/breach/reported", p.incidentBreachReported},
		{"GET /incidents/{id}/national-report", p.incidentNationalReport},
		{"POST /incidents/{id}/triage", p.incidentTriage},
		{"POST /incidents/{id}/status", p.incidentStatus},
		{"POST /incidents/{id}/links", p.incidentLink},
		{"POST /incidents/{id}/share", p.incidentShare},
		{"POST /incidents/{id}/feed-back", p.incidentFeedBack},
	}
}

// option is one radio, checkbox or select option of the incident forms: what it sends,
// what it says and a hint under it.
type option struct{ Value, Text, Hint string }

// The report form's questions' answers, in plain words.
var (
	systemChoices = []option{{"care_records", "Care records or care plans", ""}, {"medication", "Medication records (eMAR)", ""},
		{"rota", "Staff rota or timesheets", ""}, {"email", "Email", ""}, {"phones", "Phones", ""},
		{"finance", "Money: payroll, invoices, bank", ""}, {"website", "Website", ""}, {"other", "Something else", ""}}
	careChoices = []option{{"normal", "Yes, as normal", ""}, {"reduced", "Yes, but we are using paper or other workarounds", ""},
		{"stopped", "No, some care cannot be given", "For example, medication rounds cannot go ahead safely"}, {"unknown", "Not sure yet", ""}}
	personalChoices = []option{{"yes", "Yes", "Names, addresses, care or health details, staff details"}, {"no", "No", ""}, {"unsure", "Not sure", ""}}
	peopleChoices   = []option{{"1-10", "1 to 10 people", ""}, {"11-100", "11 to 100 people", ""}, {"101-1000", "101 to 1,000 people", ""},
		{"over-1000", "More than 1,000 people", ""}, {"unknown", "Do not know", ""}}
	ransomChoices = []option{{"yes", "Yes", ""}, {"no", "No", ""}}
	toldChoices   = []option{{"police", "Police (101)", ""}, {"action_fraud", "Action Fraud", ""}, {"ico", "Information Commissioner (ICO)", ""},
		{"cqc", "Care Quality Commission (CQC)", ""}, {"local_authority", "Local authority", ""}, {"it_supplier", "Our IT or software supplier", ""},
		{"insurer", "Our insurer", ""}, {"nhs_england", "NHS England", ""}}
)

// incidentForm is the report form as typed, so that it comes back filled in.
type incidentForm struct {
	vigil.IncidentReport
	Sector                                        bool
	RansomAnswer                                  string
	Systems, Care, Personal, People, Ransom, Told []option
	MaxNoticed                                    string
}

func newIncidentForm(pr vigil.Principal, r vigil.IncidentReport) incidentForm {
	f := incidentForm{IncidentReport: r, Sector: pr.Role.Sector(), Systems: systemChoices, Care: careChoices,
		Personal: personalChoices, People: peopleChoices, Ransom: ransomChoices, Told: toldChoices,
		MaxNoticed: time.Now().In(ukTime()).Format("2006-01-02T15:04")}
	return f
}

// ukTime is where the form's date-and-time picker is read (vigil.ParseWhen does the same).
func ukTime() *time.Location {
	if loc, err := time.LoadLocation("Europe/London"); err == nil {
		return loc
	}
	return time.UTC
}

// Checked reports whether value is among the chosen ones, for checkboxes.
func (f incidentForm) Checked(list []string, value string) bool { return slices.Contains(list, value) }

func (p *Pages) incidentNew(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err == nil {
		err = pr.Need(vigil.People...)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "incident_new.html", &view{Title: "Report an incident", Data: newIncidentForm(pr, vigil.IncidentReport{})})
}

// incidentCreate files the report, or shows the form again filled in with every
// problem in its error summary.
func (p *Pages) incidentCreate(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	_ = r.ParseForm()
	f := r.PostForm
	rep := vigil.IncidentReport{Org: f.Get("org"), Summary: f.Get("summary"), WhatHappened: f.Get("what_happened"),
		NoticedAt: f.Get("noticed_at"), Systems: f["systems"], Care: f.Get("care"), PersonalData: f.Get("personal_data"),
		People: f.Get("people"), Ransom: f.Get("ransom") == "yes", Told: f["told"], ContactName: f.Get("contact_name"),
		ContactPhone: f.Get("contact_phone"), ContactEmail: f.Get("contact_email")}
	inc, err := p.app.Incidents.Report(r.Context(), pr, rep)
	var bad *vigil.InvalidFields
	if errors.As(err, &bad) {
		form := newIncidentForm(pr, rep)
		form.RansomAnswer = f.Get("ransom")
		p.render(w, r, http.StatusUnprocessableEntity, "incident_new.html", &view{Title: "Report an incident",
			Errors: formErrors(bad), Data: form})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=incident-reported", inc.ID), http.StatusSeeOther)
}

// formErrors are a use case's field problems as a form's errors.
func formErrors(bad *vigil.InvalidFields) []fieldError {
	out := make([]fieldError, len(bad.Problems))
	for i, pb := range bad.Problems {
		out[i] = fieldError{pb.Field, capitalise(pb.Message)}
	}
	return out
}

// incidentListData is a page of incidents with the filters that chose it.
type incidentListData struct {
	Incidents []vigil.Incident
	Query     url.Values
	Next, CSV string
	Sector    bool
	Now       time.Time
	Sorts     []option
	Statuses  []option
}

// incidentList is an organisation's incidents, or the centre's incident board:
// ?status, ?category, ?org, ?open, ?sort filter and order it; ?format=csv downloads it.
func (p *Pages) incidentList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	cat, _ := strconv.Atoi(q.Get("category"))
	f := vigil.IncidentFilter{Org: q.Get("org"), Status: vigil.IncidentStatus(q.Get("status")), Category: vigil.NCSCCategory(cat),
		Open: q.Get("open") == "yes", Sort: q.Get("sort"), Assignee: q.Get("assignee"), Cursor: q.Get("cursor")}
	list, next, err := p.app.Incidents.List(r.Context(), pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		incidentCSV(w, list)
		return
	}
	d := incidentListData{Incidents: list, Query: q, Sector: pr.Role.Sector(), Now: time.Now(),
		CSV: withQuery("/incidents", q, "format", "csv"), Sorts: []option{{"", "Newest first", ""}, {"oldest", "Oldest first", ""},
			{"category", "Most serious category first", ""}, {"status", "Least far along first", ""}}}
	d.Statuses = []option{{"", "Any", ""}}
	for _, s := range vigil.IncidentStatuses {
		d.Statuses = append(d.Statuses, option{string(s), incidentStatusTag(s).Text, ""})
	}
	if next != "" {
		d.Next = withQuery("/incidents", q, "cursor", next)
	}
	title := "Your incidents"
	if d.Sector {
		title = "Incident board"
	}
	p.render(w, r, http.StatusOK, "incidents.html", &view{Title: title, Data: d})
}

func incidentCSV(w http.ResponseWriter, list []vigil.Incident) {
	cw := csvDownload(w, "incidents.csv", "id", "organisation", "status", "category", "severity", "assignee", "summary",
		"noticed_at", "report_due_at", "reported_at")
	for _, i := range list {
		cat := ""
		if i.Category.Valid() {
			cat = strconv.Itoa(int(i.Category))
		}
		_ = cw.Write([]string{strconv.FormatInt(i.ID, 10), i.Org, string(i.Status), cat, string(i.Severity), csvSafe(i.Assignee),
			csvSafe(i.Summary), csvTime(i.NoticedAt), csvTime(i.ReportDueAt), csvTime(i.CreatedAt)})
	}
	cw.Flush()
}

// incidentData is an incident's page.
type incidentData struct {
	incidents.Case
	Now        time.Time
	Sector     bool // the viewer triages and shares
	Works      bool // the viewer may add notes and files
	CanAsk     bool // the viewer may ask the organisation's Local Support Organisation for help
	Assesses   bool // the viewer may assess the breach and take the national report
	Categories []option
	Severities []option
	TLPs       []option
	Moves      []option
	Likelihood []option
	Severity   []option
	MaxFile    string
}

func (p *Pages) incidentDetail(w http.ResponseWriter, r *http.Request) {
	p.showIncident(w, r, http.StatusOK, nil)
}

// showIncident renders incident {id}'s page with status and any form errors.
func (p *Pages) showIncident(w http.ResponseWriter, r *http.Request, status int, errs []fieldError) {
	pr, id, err := principalAndID(r, "incident")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	c, err := p.app.Incidents.Get(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	own := pr.Role.Sector() || pr.Org == c.Org
	d := incidentData{Case: c, Now: time.Now(), Sector: pr.Role.Sector(), Works: own && pr.Need(vigil.AlertWorkers...) == nil,
		Assesses: own && pr.Need(vigil.OrgEditors...) == nil, Categories: categoryChoices(c.Suggested),
		Severities: []option{{"", "Not set", ""}, {"low", "Low", ""}, {"medium", "Medium", ""}, {"high", "High", ""}, {"critical", "Critical", ""}},
		TLPs:       incidentTLPs(), Moves: moveChoices(c.Incident), MaxFile: vigil.SizeWords(p.app.Incidents.MaxEvidenceBytes()),
		CanAsk: pr.Org == c.Org && pr.Need(vigil.RoleOrgAdmin, vigil.RoleOrgMember) == nil}
	for i := 1; i <= 5; i++ {
		d.Likelihood = append(d.Likelihood, option{strconv.Itoa(i), fmt.Sprintf("%d: %s", i, vigil.BreachLikelihoods[i]), ""})
		d.Severity = append(d.Severity, option{strconv.Itoa(i), fmt.Sprintf("%d: %s", i, vigil.BreachSeverities[i]), ""})
	}
	p.render(w, r, status, "incident.html", &view{Title: fmt.Sprintf("Incident %d", c.ID), Errors: errs, Data: d})
}

func categoryChoices(suggested vigil.NCSCCategory) []option {
	out := []option{{"", "Not categorised", ""}}
	for c := vigil.NCSCCategory(1); c <= 6; c++ {
		text := fmt.Sprintf("%d: %s", c, c.Name())
		if c == suggested {
			text += " (suggested)"
		}
		out = append(out, option{strconv.Itoa(int(c)), text, ""})
	}
	return out
}

func incidentTLPs() []option {
	var out []option
	for _, t := range []vigil.TLP{vigil.TLPClear, vigil.TLPGreen, vigil.TLPAmber, vigil.TLPAmberStrict, vigil.TLPRed} {
		out = append(out, option{string(t), "TLP:" + string(t), ""})
	}
	return out
}

// moveChoices are the statuses incident i may move to.
func moveChoices(i vigil.Incident) []option {
	var out []option
	for _, s := range vigil.IncidentStatuses {
		if err := i.CheckMove(s, "x"); vigil.ErrorCode(err) != vigil.ECONFLICT && s != i.Status {
			out = append(out, option{string(s), incidentStatusTag(s).Text, ""})
		}
	}
	return out
}

// incidentDone redirects to incident id's page with a confirmation, or shows the page
// again with the problems of the form that was sent.
func (p *Pages) incidentDone(w http.ResponseWriter, r *http.Request, id int64, done string, err error) {
	var bad *vigil.InvalidFields
	switch {
	case errors.As(err, &bad):
		p.showIncident(w, r, http.StatusUnprocessableEntity, formErrors(bad))
	case vigil.ErrorCode(err) == vigil.EINVALID:
		p.showIncident(w, r, http.StatusUnprocessableEntity, errorOn("incident-forms", err))
	case err != nil:
		p.fail(w, r, err)
	default:
		http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=%s", id, done), http.StatusSeeOther)
	}
}

func (p *Pages) incidentNote(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err == nil {
		_, err = p.app.Incidents.AddNote(r.Context(), pr, id, r.PostFormValue("note"))
	}
	p.incidentDone(w, r, id, "incident-note", err)
}

// incidentEvidence keeps an uploaded file; the form posts it as multipart.
func (p *Pages) incidentEvidence(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	file, head, err := r.FormFile("file")
	if err != nil {
		p.incidentDone(w, r, id, "", &vigil.InvalidFields{Problems: []vigil.FieldProblem{{Field: "file", Message: "Choose the file to upload"}}})
		return
	}
	defer file.Close()
	_, err = p.app.Incidents.AddEvidence(r.Context(), pr, id, head.Filename, file)
	p.incidentDone(w, r, id, "incident-evidence", err)
}

// incidentEvidenceDownload sends a file as an attachment of no particular type, so
// that the browser saves it and never shows or runs it.
func (p *Pages) incidentEvidenceDownload(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	file, _ := strconv.ParseInt(r.PathValue("file"), 10, 64)
	ev, content, err := p.app.Incidents.Evidence(r.Context(), pr, id, file)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	w.Header().Set("X-Checksum-SHA256", ev.SHA256)
	attachment(w, ev.Name, "application/octet-stream", content)
}

// attachment sends content as a download named name.
func attachment(w http.ResponseWriter, name, ctype string, content []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(content)
}

func (p *Pages) incidentBreach(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err == nil {
		l, _ := strconv.Atoi(r.PostFormValue("likelihood"))
		s, _ := strconv.Atoi(r.PostFormValue("breach_severity"))
		_, err = p.app.Incidents.AssessBreach(r.Context(), pr, id, vigil.BreachAssessment{Likelihood: l, Severity: s, Note: r.PostFormValue("breach_note")})
	}
	p.incidentDone(w, r, id, "incident-breach", err)
}

func (p *Pages) incidentBreachReported(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err == nil {
		_, err = p.app.Incidents.MarkBreachReported(r.Context(), pr, id)
	}
	p.incidentDone(w, r, id, "incident-breach-reported", err)
}

// incidentNationalReport downloads the report for the national reporting service as text.
func (p *Pages) incidentNationalReport(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	fields, err := p.app.Incidents.NationalReport(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	attachment(w, fmt.Sprintf("incident-%d-national-report.txt", id), "text/plain; charset=utf-8", []byte(incidents.ReportText(fields)))
}

// incidentTriage records the analyst's decisions from the triage form.
func (p *Pages) incidentTriage(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	_ = r.ParseForm()
	f := r.PostForm
	var t incidents.Triage
	if c, err := strconv.Atoi(f.Get("category")); err == nil {
		cat := vigil.NCSCCategory(c)
		t.Category = &cat
	}
	if s := vigil.Severity(f.Get("severity")); s != "" {
		t.Severity = &s
	}
	assignee := strings.TrimSpace(f.Get("assignee"))
	tlp, _ := vigil.ParseTLP(f.Get("tlp"))
	shared := f.Get("shared") == "yes"
	t.Assignee, t.TLP, t.SharedWithSuppliers = &assignee, &tlp, &shared
	_, err = p.app.Incidents.Triage(r.Context(), pr, id, t)
	p.incidentDone(w, r, id, "incident-triaged", err)
}

func (p *Pages) incidentStatus(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err == nil {
		_, err = p.app.Incidents.Move(r.Context(), pr, id, vigil.IncidentStatus(r.PostFormValue("status")), r.PostFormValue("status_note"))
	}
	p.incidentDone(w, r, id, "incident-moved", err)
}

func (p *Pages) incidentLink(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err == nil {
		tlp, _ := vigil.ParseTLP(r.PostFormValue("link_tlp"))
		_, err = p.app.Incidents.Link(r.Context(), pr, id, incidents.NewLink{Kind: vigil.IncidentLinkKind(r.PostFormValue("link_kind")),
			Ref: r.PostFormValue("ref"), TLP: tlp, Note: r.PostFormValue("link_note")})
	}
	p.incidentDone(w, r, id, "incident-linked", err)
}

// incidentShare downloads the STIX bundle or MISP event the share form asks for.
func (p *Pages) incidentShare(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	format := r.PostFormValue("share_format")
	tlp, _ := vigil.ParseTLP(r.PostFormValue("share_tlp"))
	body, err := p.app.Incidents.ShareOut(r.Context(), pr, id, format, tlp)
	if err != nil {
		p.incidentDone(w, r, id, "", err)
		return
	}
	attachment(w, fmt.Sprintf("incident-%d-%s.json", id, format), "application/json", body)
}

func (p *Pages) incidentFeedBack(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "incident")
	if err == nil {
		_, err = p.app.Incidents.FeedBack(r.Context(), pr, id)
	}
	p.incidentDone(w, r, id, "incident-fed-back", err)
}

// incidentStatusTag is an incident's status as a tag.
func incidentStatusTag(s vigil.IncidentStatus) tag {
	return map[vigil.IncidentStatus]tag{
		vigil.IncidentNew: {"New", "nhsuk-tag--red"}, vigil.IncidentTriaged: {"Triaged", "nhsuk-tag--orange"},
		vigil.IncidentContained: {"Contained", "nhsuk-tag--blue"}, vigil.IncidentRecovered: {"Recovered", "nhsuk-tag--green"},
		vigil.IncidentClosed: {"Closed", "nhsuk-tag--grey"},
	}[s]
}

// choiceText is the words of the choice whose value is v, or v.
func choiceText(list []option, v string) string {
	for _, c := range list {
		if c.Value == v {
			return c.Text
		}
	}
	return v
}

// incidentFuncs are the template helpers of the incident pages.
var incidentFuncs = map[string]any{
	"incidentStatus": incidentStatusTag,
	"systemText":     func(v string) string { return choiceText(systemChoices, v) },
	"careText":       func(v vigil.CareImpact) string { return choiceText(careChoices, string(v)) },
	"toldText":       func(v string) string { return choiceText(toldChoices, v) },
	"peopleText":     func(v string) string { return choiceText(peopleChoices, v) },
	"has":            func(list []string, v string) bool { return slices.Contains(list, v) },
	"list":           func(s ...string) []string { return s },
	"entryKind":      entryKindText,
	"sharedOptions": func() []option {
		return []option{{"yes", "Let the organisation's suppliers read it (without contacts or files)", ""}}
	},
	"yesIf": func(b bool) string { return map[bool]string{true: "yes"}[b] },
	"linkOptions": func() []option {
		return []option{{"indicator", "Indicator or observable", ""}, {"alert", "Alert", ""}, {"org", "Another organisation affected", ""}}
	},
	"shareOptions": func() []option { return []option{{"stix", "STIX 2.1 bundle", ""}, {"misp", "MISP event", ""}} },
	"categoryOptions": func() []option {
		out := categoryChoices(0)
		out[0].Text = "Any"
		return out
	},
}

// entryKindText is what a timeline entry records, in words.
func entryKindText(k vigil.IncidentEntryKind) string {
	words := map[vigil.IncidentEntryKind]string{vigil.EntryReported: "Reported", vigil.EntryTriaged: "Triaged",
		vigil.EntryStatus: "Status changed", vigil.EntryNote: "Note", vigil.EntryLinked: "Linked", vigil.EntryEvidence: "File added",
		vigil.EntryBreach: "Breach assessed", vigil.EntryDeadline: "Report deadline missed", vigil.EntryExported: "Exported",
		vigil.EntryFedBack: "Hunting", vigil.EntryBreachReport: "Breach reported"}
	if w, ok := words[k]; ok {
		return w
	}
	return string(k)
}
