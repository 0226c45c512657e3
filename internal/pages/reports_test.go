package pages_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The sector report's page: an analyst reads it with its charts and tables on a desk
// and on a phone, a day typed wrong comes back on the form, and every page on the way
// is checked (accessibility with axe-core, 360 px, the content policy).
func TestBrowserSectorReport(t *testing.T) {
	s := demoSite(t)
	for _, scr := range []struct {
		name string
		screen
	}{{"desk", desktop}, {"phone", phone}} {
		t.Run(scr.name, func(t *testing.T) {
			tb := s.openTab(t, "analyst", scr.screen)
			tb.signIn(analyst)
			tb.visit("/reports")
			tb.see("Sector report", "Alerts sent by kind and severity", "Organisations reached", "Incidents by NCSC category",
				"Organisations by standing on", "Vulnerabilities shared", "Download")
			if n := tb.count("svg.vigil-chart"); n < 5 {
				t.Errorf("%d charts on the report, want one per table", n)
			}
			if href := tb.attr(`#downloads a[href*="format=md"]`, "href"); !strings.Contains(href, "from=") {
				t.Errorf("the Markdown download is %q, want it for the period shown", href)
			}
			tb.load("a day typed wrong", http.StatusBadRequest, chromedp.Navigate(s.url+"/reports?from=2026-11-31&to=2026-11-01"))
			tb.checkPage("a day typed wrong")
			tb.see("There is a problem", "Enter the date as year-month-day")
			if v := tb.attr("#to", "value"); v != "2026-11-01" {
				t.Errorf("the form came back with to=%q, want what was typed", v)
			}
		})
	}
}

// count is how many elements sel picks.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	n, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		tb.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// The report's downloads: each format as a file named for the period; an organisation's
// manager may have it too (it is safe to publish); a backwards period is refused with
// the reason and the form filled in.
func TestSectorReportDownloads(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(trustAdmin)
	for format, want := range map[string][]string{
		"html": {"<!DOCTYPE html>", "Sector report: 1 Nov 2026 to 30 Nov 2026", "No chart: every count is zero or suppressed."},
		"md":   {"# Sector report: 1 Nov 2026 to 30 Nov 2026", "| **Total** |"},
		"json": {`"from": "2026-11-01"`, `"mark": "exact"`},
	} {
		p := b.get("/reports?from=2026-11-01&to=2026-11-30&format=" + format)
		if p.status != http.StatusOK || !p.has(want...) {
			t.Errorf("%s download: %d, want %q in\n%.600s", format, p.status, want, p.body)
		}
		if cd := p.header.Get("Content-Disposition"); cd != `attachment; filename="sector-report-2026-11-01-to-2026-11-30.`+format+`"` {
			t.Errorf("%s download: Content-Disposition %q", format, cd)
		}
	}
	if p := b.get("/reports?from=2026-11-30&to=2026-11-01"); p.status != http.StatusBadRequest ||
		!p.has("starts (2026-11-30) after it ends (2026-11-01)", `value="2026-11-30"`) {
		t.Errorf("a backwards period: %d\n%s", p.status, p.body)
	}
	if p := b.get("/reports?format=pdf"); p.status != http.StatusUnprocessableEntity || !p.has("choose html, md or json") {
		t.Errorf("an unknown format: %d", p.status)
	}
	if p := s.anonymous().get("/reports"); p.status != http.StatusSeeOther {
		t.Errorf("signed out: %d, want the sign-in page", p.status)
	}
}
