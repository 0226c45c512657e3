package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
)

// eventRoutes are the partners' events that routed to nobody, for an analyst to assign.
func (p *Pages) eventRoutes() []route {
	return []route{
		{"GET /events/unrouted", p.unroutedList},
		{"POST /events/unrouted/{id}/assign", p.unroutedAssign},
	}
}

// eventTypes are the event types the filter offers: those partners and scanners send
// most (internal/warn knows them all; any other lower-case word is accepted too).
var eventTypes = []string{"abuse", "botnet", "brute_force", "compromise", "defacement", "leaked_credentials", "malware",
	"open_port", "phishing", "scan", "spam", "vulnerable_service"}

// unroutedData is a page of unrouted events with the filter that chose it.
type unroutedData struct {
	Events []vigil.UnroutedEvent
	Query  url.Values
	Next   string
	Types  []string
	// Org is the organisation typed for an event whose assignment was refused, by
	// event, so that the form shows it again.
	Org map[int64]string
	// Sorts are the orders the form offers, and Heads the column headers that sort.
	Sorts []choice
	Heads sortHeads
}

// unroutedSortCols are the sorting columns of the events nobody owns.
var unroutedSortCols = []sortCol[vigil.UnroutedSort]{
	{Name: "reported", By: vigil.UnroutedByNewest},
	{Name: "seen", By: vigil.UnroutedByCount},
}

// unroutedSorts are the orders of the events nobody owns in words, for the form.
var unroutedSorts = []choice{{"", "Newest first"}, {string(vigil.UnroutedByLastSeen), "Last reported"},
	{string(vigil.UnroutedByCount), "Reported most often"}, {string(vigil.UnroutedByType), "What was reported"}}

func (p *Pages) unroutedList(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	p.renderUnrouted(w, r, pr, http.StatusOK, nil, nil)
}

// renderUnrouted shows the events waiting to be assigned, in the order ?sort= names, or
// downloads the page as CSV (?format=csv); errs say why an assignment was refused.
func (p *Pages) renderUnrouted(w http.ResponseWriter, r *http.Request, pr vigil.Principal, status int, errs []fieldError, typed map[int64]string) {
	q := r.URL.Query()
	f := vigil.UnroutedFilter{Type: q.Get("type"), Sort: vigil.UnroutedSort(q.Get("sort")), Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	list, next, err := p.app.EarlyWarning.ListUnrouted(r.Context(), pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" && r.Method == http.MethodGet {
		writeUnroutedCSV(w, list)
		return
	}
	d := unroutedData{Events: list, Query: q, Types: eventTypes, Org: typed, Sorts: unroutedSorts,
		Heads: newSortHeads("/events/unrouted", q, f.Sort.Or(), vigil.UnroutedByNewest, unroutedSortCols...)}
	if next != "" {
		d.Next = withQuery("/events/unrouted", q, "cursor", next)
	}
	p.render(w, r, status, "events_unrouted.html", &view{Title: "Events nobody owns", Errors: errs, Data: d})
}

// writeUnroutedCSV writes unrouted events as CSV, the columns the page shows and more.
func writeUnroutedCSV(w http.ResponseWriter, list []vigil.UnroutedEvent) {
	cw := csvDownload(w, "unrouted-events.csv", "id", "type", "observable", "observable_type", "severity", "tlp", "source", "port", "service", "cve",
		"count", "first_seen", "last_seen", "reporter", "description")
	for _, u := range list {
		ev := u.Event
		_ = cw.Write([]string{strconv.FormatInt(u.ID, 10), ev.Type, csvSafe(ev.Observable), string(ev.ObservableType),
			string(ev.Severity), string(ev.TLP), csvSafe(ev.Source), strconv.Itoa(ev.Port), csvSafe(ev.Service), csvSafe(ev.CVE),
			strconv.Itoa(u.Count), ev.Time.UTC().Format(time.RFC3339), u.LastSeen.UTC().Format(time.RFC3339),
			csvSafe(u.Reporter), csvSafe(ev.Description)})
	}
	cw.Flush()
}

// unroutedAssign gives an event to the organisation typed for it and shows the alert
// that raised; a refused assignment (no such organisation, assigned already) shows the
// list again with the reason beside the event.
func (p *Pages) unroutedAssign(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "unrouted event")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org := r.PostFormValue("org")
	field := "org-" + strconv.FormatInt(id, 10)
	if org == "" {
		p.renderUnrouted(w, r, pr, http.StatusUnprocessableEntity,
			[]fieldError{{field, "Enter the ODS code of the organisation the address belongs to"}}, nil)
		return
	}
	al, err := p.app.EarlyWarning.Assign(r.Context(), pr, id, org)
	if err != nil {
		if code := vigil.ErrorCode(err); code != vigil.EINVALID && code != vigil.ECONFLICT {
			p.fail(w, r, err)
			return
		}
		p.renderUnrouted(w, r, pr, http.StatusUnprocessableEntity, errorOn(field, err), map[int64]string{id: org})
		return
	}
	http.Redirect(w, r, "/alerts/"+strconv.FormatInt(al.ID, 10)+"?done=event-assigned", http.StatusSeeOther)
}
