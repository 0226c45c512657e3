package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

func (p *Pages) sightingRoutes() []route {
	return []route{{"GET /sightings", p.sightingList}}
}

// sightingListData is a page of sightings with the filters that chose it.
type sightingListData struct {
	Sightings []vigil.Sighting
	Query     url.Values
	Next      string // the next page's address; empty on the last page
	Types     []choice
	// Sorts are the orders the form offers, and Heads the column headers that sort.
	Sorts []choice
	Heads sortHeads
}

// sightingSortCols are the sorting columns of the sighting list.
var sightingSortCols = []sortCol[vigil.SightingSort]{
	{Name: "day", By: vigil.SightingByLatest},
	{Name: "org", By: vigil.SightingByOrg, Asc: true},
	{Name: "indicator", By: vigil.SightingByIndicator, Asc: true},
	{Name: "count", By: vigil.SightingByCount},
}

// sightingSorts are the orders of the sighting list in words, for the form.
var sightingSorts = []choice{{"", "Newest first"}, {string(vigil.SightingByLatest), "Last seen"},
	{string(vigil.SightingByCount), "Most events"}, {string(vigil.SightingByOrg), "Organisation"},
	{string(vigil.SightingByIndicator), "Matched indicator"}}

// sightingList is the sector's sightings, in the order ?sort= names (newest first),
// filtered by organisation, indicator type and day; ?format=csv downloads the page. It is the analyst's view of the
// whole sector: an organisation learns of its sightings through its alerts.
func (p *Pages) sightingList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err == nil {
		err = pr.Need(vigil.SectorRoles...)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := vigil.SightingFilter{Org: strings.TrimSpace(q.Get("org")), Type: vigil.IndicatorType(q.Get("type")),
		Sort: vigil.SightingSort(q.Get("sort")), Cursor: q.Get("cursor")}
	d := sightingListData{Query: q, Types: typeChoices(), Sorts: sightingSorts,
		Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.SightingByNewest, sightingSortCols...)}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if f.Since, err = sinceOf(q); err != nil {
		p.render(w, r, http.StatusBadRequest, "sightings.html", &view{Title: "Sightings",
			Errors: errorOn("since", err), Data: d})
		return
	}
	list, next, err := p.app.Sightings.ListSightings(r.Context(), pr, f)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.render(w, r, http.StatusBadRequest, "sightings.html", &view{Title: "Sightings",
			Errors: errorOn(filterField(err, "type", "cursor"), err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeSightingsCSV(w, list)
		return
	}
	d.Sightings = list
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "sightings.html", &view{Title: "Sightings", Data: d})
}

// sinceOf reads the since filter, a date (YYYY-MM-DD) as a date input sends it; the
// zero time when it is not set.
func sinceOf(q url.Values) (time.Time, error) {
	s := strings.TrimSpace(q.Get("since"))
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, vigil.Errorf(vigil.EINVALID, "enter the date as year-month-day, for example 2026-01-31")
	}
	return t, nil
}

// writeSightingsCSV writes the sightings as the page shows them.
func writeSightingsCSV(w http.ResponseWriter, list []vigil.Sighting) {
	cw := csvDownload(w, "sightings.csv", "id", "day", "organisation", "field", "observable", "observable_type",
		"indicator", "indicator_type", "sources", "publishers", "labels", "tlp", "count", "first_seen", "last_seen", "alert")
	for _, s := range list {
		alert := ""
		if s.Alert != 0 {
			alert = strconv.FormatInt(s.Alert, 10)
		}
		_ = cw.Write([]string{strconv.FormatInt(s.ID, 10), s.Day.Format(time.DateOnly), s.Org, csvSafe(s.Field),
			csvSafe(s.Observable), string(s.ObservableType), csvSafe(s.Indicator), string(s.IndicatorType),
			csvSafe(strings.Join(s.Sources, "; ")), csvSafe(strings.Join(s.Publishers, "; ")), csvSafe(strings.Join(s.Labels, "; ")), string(s.TLP),
			strconv.FormatInt(s.Count, 10), csvTime(s.FirstSeen), csvTime(s.LastSeen), alert})
	}
	cw.Flush()
}
