package pages

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reports"
)

func (p *Pages) reportRoutes() []route {
	return []route{{"GET /reports", p.sectorReport}}
}

// reportData is the sector report's page: the period asked for, the report, and the
// addresses of its downloads.
type reportData struct {
	From, To  string
	Report    reports.Report
	Body      template.HTML
	Downloads []reportDownload
}

// reportDownload is one format of the report to download.
type reportDownload struct {
	Text, Href string
}

// sectorReport shows the sector report for ?from= and ?to= (the last 30 days when
// absent), with charts and tables; ?format=html, md or json downloads it. A day the
// person got wrong comes back on the form with what to change.
func (p *Pages) sectorReport(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := reportData{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	format := q.Get("format")
	if format != "" && !slices.Contains(reports.Formats, format) {
		p.fail(w, r, vigil.Errorf(vigil.EINVALID, "there is no download as %q: choose html, md or json", format))
		return
	}
	first, last, errs := reportDays(d.From, d.To)
	var rep reports.Report
	if len(errs) == 0 {
		rep, err = p.app.Reports.Sector(r.Context(), pr, first, last)
		if vigil.ErrorCode(err) == vigil.EINVALID {
			errs, err = append(errs, fieldError{"from", vigil.ErrorMessage(err)}), nil
		}
		if err != nil {
			p.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		p.render(w, r, http.StatusBadRequest, "reports.html", &view{Title: "Sector report", Errors: errs, Data: d})
		return
	}
	if format != "" {
		p.downloadReport(w, r, rep, format)
		return
	}
	p.showReport(w, r, d, rep)
}

// reportDays reads the form's days; empty is the default.
func reportDays(from, to string) (first, last time.Time, errs []fieldError) {
	for _, f := range []struct {
		field, value string
		into         *time.Time
	}{{"from", from, &first}, {"to", to, &last}} {
		if f.value == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, f.value)
		if err != nil {
			errs = append(errs, fieldError{f.field, "Enter the date as year-month-day, for example 2026-11-30"})
			continue
		}
		*f.into = t
	}
	return first, last, errs
}

// showReport renders the report inside the page, with its period on the form.
func (p *Pages) showReport(w http.ResponseWriter, r *http.Request, d reportData, rep reports.Report) {
	body, err := reports.HTMLBody(rep)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d.Report, d.Body = rep, body
	d.From, d.To = rep.Period.First.Format(time.DateOnly), rep.Period.Last.Format(time.DateOnly)
	period := url.Values{"from": {d.From}, "to": {d.To}}
	for _, f := range []struct{ format, text string }{
		{reports.FormatHTML, "HTML page (with charts)"}, {reports.FormatMarkdown, "Markdown"}, {reports.FormatJSON, "JSON"}} {
		d.Downloads = append(d.Downloads, reportDownload{Text: f.text, Href: withQuery("/reports", period, "format", f.format)})
	}
	p.render(w, r, http.StatusOK, "reports.html", &view{Title: "Sector report", Data: d})
}

// downloadReport sends the report as a file in format.
func (p *Pages) downloadReport(w http.ResponseWriter, r *http.Request, rep reports.Report, format string) {
	w.Header().Set("Content-Type", reports.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+rep.FileName(format)+`"`)
	err := reports.Write(w, rep, format)
	if err != nil {
		p.log.ErrorContext(r.Context(), "writing a report download", "error", err)
	}
}
