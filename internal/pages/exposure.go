package pages

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
)

func (p *Pages) exposureRoutes() []route {
	return []route{{"GET /exposure", p.exposureList}, {"GET /exposure/{id}", p.exposureVuln}}
}

// exposureListData is the exposure board in one of its orders.
type exposureListData struct {
	Vulns []vigil.VulnSummary
	Query url.Values
	Sorts []choice
	Heads sortHeads
}

// exposureSortCols are the sorting columns of the board.
var exposureSortCols = []sortCol[vigil.VulnSort]{
	{Name: "id", By: vigil.VulnByID, Asc: true},
	{Name: "severity", By: vigil.VulnBySeverity},
	{Name: "epss", By: vigil.VulnByEPSS},
	{Name: "orgs", By: vigil.VulnByOrgs},
	{Name: "overdue", By: vigil.VulnByOverdue},
	{Name: "found", By: vigil.VulnByNewest},
}

// exposureSorts are the board's orders in words, for the form.
var exposureSorts = []choice{{"", "Most urgent (known exploited, then score)"}, {string(vigil.VulnByOrgs), "Most organisations affected"},
	{string(vigil.VulnByOverdue), "Most organisations overdue"}, {string(vigil.VulnByEPSS), "Most likely to be exploited (EPSS)"},
	{string(vigil.VulnByNewest), "Newest found"}, {string(vigil.VulnByID), "ID"}}

// exposureList is the exposure board: every vulnerability found in an organisation's
// software, with how many organisations it affects and how far they are with it, in the
// order ?sort= names (most urgent first).
func (p *Pages) exposureList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err == nil && p.app.Exposure == nil {
		err = vigil.Errorf(vigil.EUNAVAILABLE, "vulnerability matching is not running on this server")
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	sort := vigil.VulnSort(q.Get("sort"))
	d := exposureListData{Query: q, Sorts: exposureSorts,
		Heads: newSortHeads(r.URL.Path, q, sort.Or(), vigil.VulnBySeverity, exposureSortCols...)}
	list, err := p.app.Exposure.Board(r.Context(), pr, sort)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.render(w, r, http.StatusBadRequest, "exposure.html", &view{Title: "Exposure",
			Errors: errorOn("sort", err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d.Vulns = list
	p.render(w, r, http.StatusOK, "exposure.html", &view{Title: "Exposure", Data: d})
}

// exposureVulnData is one vulnerability and the organisations it affects.
type exposureVulnData struct {
	ID       string
	Exposure []vigil.Exposure
	First    vigil.Exposure // the most urgent finding, for the summary
	// Attestations are the suppliers' "fixed in version X", for the sector centre (supplied.go).
	Attestations []exposure.AttestationState
}

// exposureVuln shows one vulnerability: which organisations, which components, what
// fixes it and the state of each organisation's alert.
func (p *Pages) exposureVuln(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err == nil && p.app.Exposure == nil {
		err = vigil.Errorf(vigil.EUNAVAILABLE, "vulnerability matching is not running on this server")
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.app.Exposure.Vulnerability(r.Context(), pr, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := exposureVulnData{ID: list[0].Vuln, Exposure: list, First: list[0]}
	for _, e := range list {
		if e.Severity.Rank() > d.First.Severity.Rank() || e.KEV && !d.First.KEV {
			d.First = e
		}
	}
	if pr.Role.Sector() {
		if d.Attestations, err = p.app.Exposure.Attestations(r.Context(), pr, d.ID); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	p.render(w, r, http.StatusOK, "exposure_vuln.html", &view{Title: d.ID, Data: d})
}

// epssWords writes an EPSS probability as a percentage; "not known" when negative.
func epssWords(p float64) string {
	if p < 0 {
		return "not known"
	}
	return fmt.Sprintf("%.1f%%", p*100)
}
