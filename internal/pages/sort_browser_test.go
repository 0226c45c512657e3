package pages_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAnalystSortsOrganisations: an analyst sorts the organisations by name from
// the keyboard (the header is a link: focus it, press Enter), sees the column marked
// and the rows in name order, then sorts by region the same way and the order changes
// again.
func TestBrowserAnalystSortsOrganisations(t *testing.T) {
	s := demoSite(t)
	tb := s.openTab(t, "analyst", desktop)
	tb.signIn(analyst)
	tb.visit("/orgs?limit=200")
	before := tb.column(1)

	tb.load("sort by name with the keyboard", 200, chromedp.Focus(chromedp.CSS(`th a[href*="sort=name"]`), chromedp.NodeVisible),
		chromedp.KeyEvent("\r"))
	tb.checkPage("sorted by name")
	if got := tb.attr(`th[aria-sort]`, "aria-sort"); got != "ascending" {
		t.Errorf("the sorted column says aria-sort=%q, want ascending", got)
	}
	tb.see("Organisation ▲")
	names := tb.column(1)
	if !slices.IsSorted(names) || slices.Equal(names, before) || len(names) != len(before) {
		t.Errorf("by name: want the same %d organisations in name order, not in ODS-code order; got %v", len(before), names)
	}

	tb.load("sort by region with the keyboard", 200, chromedp.Focus(chromedp.CSS(`th a[href*="sort=region"]`), chromedp.NodeVisible),
		chromedp.KeyEvent("\r"))
	tb.checkPage("sorted by region")
	tb.see("Region ▲")
	if regions := tb.column(4); !slices.IsSorted(regions) || slices.Equal(tb.column(1), names) {
		t.Errorf("by region: want the rows in region order, and another order than by name; got %v", regions)
	}
}

// column is the text of the table's column n (from 1), row by row.
func (tb *tab) column(n int) []string {
	tb.t.Helper()
	out, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("tbody tr td:nth-child(`+
		strconv.Itoa(n)+`)")).map(td => td.innerText.trim())`))
	if err != nil {
		tb.t.Fatalf("read column %d: %v", n, err)
	}
	return out
}
