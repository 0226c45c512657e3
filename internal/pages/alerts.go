package pages

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
)

func (p *Pages) alertRoutes() []route {
	return []route{
		{"GET /alerts", p.alertList},
		{"GET /alerts/{id}", p.alertDetail},
		{"POST /alerts/{id}/acknowledge", p.alertAck},
		{"POST /alerts/{id}/resolve", p.alertResolve},
	}
}

// orgHomeData is an organisation's home: what it needs to do, most urgent first.
type orgHomeData struct {
	Open, Working []vigil.Alert
	Now           time.Time
	// LSO says the organisation is a Local Support Organisation: it answers help
	// requests rather than asking them, and Help holds those waiting for its answer.
	LSO  bool
	Help []vigil.SupportRequest
}

// orgHome answers "what do I need to do?": open alerts first, most urgent first, then
// those being dealt with; for a Local Support Organisation, also the help requests
// waiting for its answer, its main job.
func (p *Pages) orgHome(w http.ResponseWriter, r *http.Request, pr vigil.Principal) {
	ctx := r.Context()
	d := orgHomeData{Now: time.Now()}
	o, err := p.app.Orgs.Get(ctx, pr, pr.Org)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if d.LSO = o.Kind == vigil.OrgLSO; d.LSO {
		if d.Help, err = p.app.Support.List(ctx, pr, vigil.SupportFilter{Status: vigil.SupportOpen}); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	open, _, err := p.app.Alerts.List(ctx, pr, vigil.AlertFilter{Org: pr.Org, Status: vigil.AlertOpen, Limit: 50})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	working, _, err := p.app.Alerts.List(ctx, pr, vigil.AlertFilter{Org: pr.Org, Status: vigil.AlertAcknowledged, Limit: 50})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	mostUrgentFirst(open)
	d.Open, d.Working = open, working
	p.render(w, r, http.StatusOK, "home_org.html", &view{Title: "What you need to do", Data: d})
}

// alertListData is a page of alerts with the filters that chose it.
type alertListData struct {
	Alerts []vigil.Alert
	Query  url.Values
	Next   string // the next page's address; empty on the last page
	Now    time.Time
	Sector bool // the viewer sees several organisations
	// Sort is the list's order, and Heads its column headers that sort it.
	Sort  vigil.AlertSort
	Heads sortHeads
}

// alertSortCols are the alert table's sorting columns.
var alertSortCols = []sortCol[vigil.AlertSort]{
	{Name: "org", By: vigil.AlertByOrg, Asc: true},
	{Name: "severity", By: vigil.AlertBySeverity},
	{Name: "raised", By: vigil.AlertByNewest, Back: vigil.AlertByOldest},
	{Name: "last_seen", By: vigil.AlertByLastSeen},
}

// alertFilter reads a list's filters from the query.
func alertFilter(q url.Values) vigil.AlertFilter {
	f := vigil.AlertFilter{Org: q.Get("org"), Status: vigil.AlertStatus(q.Get("status")),
		Severity: vigil.Severity(q.Get("severity")), Kind: vigil.AlertKind(q.Get("kind")), Cursor: q.Get("cursor"),
		Overdue: vigil.Overdue(q.Get("overdue")), Sort: vigil.AlertSort(q.Get("sort"))}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	return f
}

func (p *Pages) alertList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.alertListFor(w, r, pr, "Alerts")
}

// alertListFor shows the alerts pr may see that the query's filters choose, a page at a
// time, in the order ?sort= names; ?format=csv downloads the page as CSV, in that order.
func (p *Pages) alertListFor(w http.ResponseWriter, r *http.Request, pr vigil.Principal, title string) {
	q := r.URL.Query()
	f := alertFilter(q)
	if !sectorRole(pr) && pr.Role != vigil.RoleSupplier {
		f.Org = pr.Org
	}
	list, next, err := p.app.Alerts.List(r.Context(), pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeAlertsCSV(w, list)
		return
	}
	d := alertListData{Alerts: list, Query: q, Now: time.Now(), Sector: pr.Role != vigil.RoleOrgAdmin && pr.Role != vigil.RoleOrgMember,
		Sort: f.Sort.Or(), Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.AlertByNewest, alertSortCols...)}
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "alerts.html", &view{Title: title, Data: d})
}

// sectorRole reports whether pr works for the sector centre.
func sectorRole(pr vigil.Principal) bool {
	return pr.Role == vigil.RoleSectorAdmin || pr.Role == vigil.RoleSectorAnalyst
}

// writeAlertsCSV writes alerts as CSV, the columns the page shows.
func writeAlertsCSV(w http.ResponseWriter, list []vigil.Alert) {
	cw := csvDownload(w, "alerts.csv", "id", "organisation", "severity", "status", "kind", "title", "tlp", "observable", "count", "first_seen", "last_seen")
	for _, a := range list {
		_ = cw.Write([]string{strconv.FormatInt(a.ID, 10), a.Org, string(a.Severity), string(a.Status), string(a.Kind),
			csvSafe(a.Title), string(a.TLP), csvSafe(a.Observable), strconv.Itoa(a.Count),
			a.FirstSeen.UTC().Format(time.RFC3339), a.LastSeen.UTC().Format(time.RFC3339)})
	}
	cw.Flush()
}

// alertData is one alert's page.
type alertData struct {
	Alert vigil.Alert
	// History is what happened to it, oldest first.
	History []vigil.HistoryEntry
	Now     time.Time
	// CanWork says whether the viewer may acknowledge and resolve it.
	CanWork bool
	// CanAsk says whether the viewer may ask the organisation's Local Support
	// Organisation for help with it: its own people.
	CanAsk bool
	// Supplied says it is a supplier's own consolidated vulnerability alert, whose
	// customers and attestation are on the supplier's vulnerability page (supplied.go).
	Supplied bool
}

func (p *Pages) alertDetail(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "alert")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d, err := p.alertPage(r, pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "alert.html", &view{Title: d.Alert.Title, Data: d})
}

// alertPage reads what an alert's page shows: the alert and its history.
func (p *Pages) alertPage(r *http.Request, pr vigil.Principal, id int64) (alertData, error) {
	a, err := p.app.Alerts.Get(r.Context(), pr, id)
	if err != nil {
		return alertData{}, err
	}
	h, err := p.app.Alerts.History(r.Context(), pr, id)
	if err != nil {
		return alertData{}, err
	}
	return alertData{Alert: a, History: h, Now: time.Now(), CanWork: pr.Need(vigil.AlertWorkers...) == nil,
		CanAsk:   pr.Org == a.Org && pr.Need(vigil.RoleOrgAdmin, vigil.RoleOrgMember) == nil,
		Supplied: pr.Role == vigil.RoleSupplier && pr.Org == a.Org && a.Kind == vigil.AlertVulnerability}, nil
}

func (p *Pages) alertAck(w http.ResponseWriter, r *http.Request) {
	p.workAlert(w, r, "acknowledged", func(pr vigil.Principal, id int64) error {
		_, err := p.app.Alerts.Ack(r.Context(), pr, id)
		return err
	})
}

func (p *Pages) alertResolve(w http.ResponseWriter, r *http.Request) {
	p.workAlert(w, r, "resolved", func(pr vigil.Principal, id int64) error {
		_, err := p.app.Alerts.Resolve(r.Context(), pr, id, r.PostFormValue("note"))
		return err
	})
}

// workAlert runs one change to an alert and goes back to it with a confirmation; a
// refused change (a note missing, already resolved) shows the alert with the reason.
func (p *Pages) workAlert(w http.ResponseWriter, r *http.Request, done string, change func(vigil.Principal, int64) error) {
	pr, id, err := principalAndID(r, "alert")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := change(pr, id); err != nil {
		code := vigil.ErrorCode(err)
		if code != vigil.EINVALID && code != vigil.ECONFLICT {
			p.fail(w, r, err)
			return
		}
		d, gerr := p.alertPage(r, pr, id)
		if gerr != nil {
			p.fail(w, r, gerr)
			return
		}
		p.render(w, r, http.StatusUnprocessableEntity, "alert.html", &view{Title: d.Alert.Title,
			Errors: errorOn("note", err), Data: d})
		return
	}
	http.Redirect(w, r, "/alerts/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

// mostUrgentFirst orders alerts for someone deciding what to do first: by severity, then
// by the nearer acknowledge deadline, then newest first as they came.
func mostUrgentFirst(list []vigil.Alert) {
	slices.SortStableFunc(list, func(a, b vigil.Alert) int {
		if c := b.Severity.Rank() - a.Severity.Rank(); c != 0 {
			return c
		}
		if a.AckDueAt.IsZero() || b.AckDueAt.IsZero() {
			return 0
		}
		return a.AckDueAt.Compare(b.AckDueAt)
	})
}
