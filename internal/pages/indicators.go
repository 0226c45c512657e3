package pages

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/threatintel"
)

func (p *Pages) indicatorRoutes() []route {
	return []route{{"GET /indicators", p.indicatorList}}
}

// indicatorListData is a page of the indicator search.
type indicatorListData struct {
	Indicators []threatintel.Indicator
	Query      url.Values
	Next       string // the next page's address; empty on the last page
	Types      []choice
	TLPs       []choice
	Searched   bool // some filter is set
	// Sorts are the orders the form offers, and Heads the column headers that sort.
	Sorts []choice
	Heads sortHeads
}

// indicatorSortCols are the sorting columns of the indicator list.
var indicatorSortCols = []sortCol[vigil.IndicatorSort]{
	{Name: "value", By: vigil.IndicatorByValue, Asc: true},
	{Name: "type", By: vigil.IndicatorByType, Asc: true},
	{Name: "last_sighted", By: vigil.IndicatorByLastSighted},
}

// indicatorSorts are the orders of the indicator list in words, for the form.
var indicatorSorts = []choice{{"", "Newest first"}, {string(vigil.IndicatorByOldest), "Oldest first"},
	{string(vigil.IndicatorByValue), "Value"}, {string(vigil.IndicatorByType), "Type"},
	{string(vigil.IndicatorByConfidence), "Highest confidence"}, {string(vigil.IndicatorByLastSeen), "Last seen by a source"},
	{string(vigil.IndicatorByLastSighted), "Last sighted here"}}

// typeChoices are the indicator types, as a select offers them.
func typeChoices() []choice {
	out := []choice{{"", "Any type"}}
	for _, t := range vigil.IndicatorTypes {
		out = append(out, choice{string(t), typeName(t)})
	}
	return out
}

// typeName is an indicator type in words.
func typeName(t vigil.IndicatorType) string {
	switch t {
	case vigil.TypeIPv4:
		return "IPv4 address"
	case vigil.TypeIPv6:
		return "IPv6 address"
	case vigil.TypeCIDR:
		return "Network range"
	case vigil.TypeDomain:
		return "Domain"
	case vigil.TypeURL:
		return "URL"
	case vigil.TypeEmail:
		return "Email address"
	case vigil.TypeFilename:
		return "File name"
	case vigil.TypeX509SHA1:
		return "Certificate SHA-1 fingerprint"
	case vigil.TypeX509SHA256:
		return "Certificate SHA-256 fingerprint"
	case vigil.TypeJA3:
		return "JA3 TLS client fingerprint"
	case vigil.TypeJA3S:
		return "JA3S TLS server fingerprint"
	case vigil.TypeJA4:
		return "JA4 TLS client fingerprint"
	}
	return strings.ToUpper(string(t)) + " hash"
}

// indicatorList searches the stored indicators, each with every source's claim (its
// provenance) and its TLP, in the order ?sort= names; ?format=csv downloads the page in
// that order.
func (p *Pages) indicatorList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := vigil.IndicatorFilter{Value: q.Get("value"), Type: vigil.IndicatorType(q.Get("type")), Source: q.Get("source"),
		Label: q.Get("label"), Sort: vigil.IndicatorSort(q.Get("sort")), Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if t, ok := vigil.ParseTLP(q.Get("tlp")); ok {
		f.TLP = t
	} else {
		f.TLP = vigil.TLP(q.Get("tlp"))
	}
	d := indicatorListData{Query: q, Types: typeChoices(), TLPs: append([]choice{{"", "Any marking"}}, tlpChoices[1:]...),
		Searched: f.Value != "" || f.Type != "" || f.Source != "" || f.Label != "" || f.TLP != "",
		Sorts:    indicatorSorts, Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.IndicatorByNewest, indicatorSortCols...)}
	list, next, err := p.app.ThreatIntel.SearchIndicators(r.Context(), pr, f)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.render(w, r, http.StatusBadRequest, "indicators.html", &view{Title: "Indicators",
			Errors: errorOn(filterField(err, "type", "tlp"), err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeIndicatorsCSV(w, list)
		return
	}
	d.Indicators = list
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "indicators.html", &view{Title: "Indicators", Data: d})
}

// filterField is the filter a refusal names among fields, for the error summary's link;
// the form's sort choice when it refuses the order, the first field when none is named.
func filterField(err error, fields ...string) string {
	msg := strings.ToLower(vigil.ErrorMessage(err))
	if strings.HasPrefix(msg, "sort ") {
		return "sort"
	}
	for _, f := range fields {
		if strings.Contains(msg, strings.ToLower(f)) {
			return f
		}
	}
	return fields[0]
}

// writeIndicatorsCSV writes the indicators as the page shows them, one row each, with
// their sources' claims joined.
func writeIndicatorsCSV(w http.ResponseWriter, list []threatintel.Indicator) {
	cw := csvDownload(w, "indicators.csv", "type", "value", "tlp", "matching", "not_matching_because", "sources",
		"grades", "confidence", "labels", "first_seen", "last_seen", "last_published", "last_sighted")
	for _, ind := range list {
		var sources, grades, conf, labels []string
		var first, last time.Time
		for _, s := range ind.Sources {
			sources, grades = append(sources, s.Source), append(grades, s.Grade())
			if s.Confidence >= 0 {
				conf = append(conf, strconv.Itoa(s.Confidence))
			}
			for _, l := range s.Labels {
				if !slices.Contains(labels, l) {
					labels = append(labels, l)
				}
			}
			if !s.FirstSeen.IsZero() && (first.IsZero() || s.FirstSeen.Before(first)) {
				first = s.FirstSeen
			}
			if s.LastSeen.After(last) {
				last = s.LastSeen
			}
		}
		_ = cw.Write([]string{string(ind.Type), csvSafe(ind.Value), string(ind.Marking()), strconv.FormatBool(ind.Assessment.Matching),
			csvSafe(ind.Assessment.Why), csvSafe(strings.Join(sources, "; ")), strings.Join(grades, "; "), strings.Join(conf, "; "),
			csvSafe(strings.Join(labels, "; ")), csvTime(first), csvTime(last), csvTime(ind.LastPublished()), csvTime(ind.LastSighted)})
	}
	cw.Flush()
}
