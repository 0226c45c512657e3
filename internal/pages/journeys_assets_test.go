package pages_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// journeyAddress is the range the trust's administrator claims in the journey below:
// in the documentation space at the top of 198.51.100.0/24 that no demo organisation
// holds or claims, and narrow enough for the asset rules to accept.
const journeyAddress = "198.51.100.168/30"

// TestBrowserAdminClaimsAddressAnalystApproves: the trust's administrator adds an
// address on "Your organisation" and sees it wait for approval; the sector analyst
// finds the claim among those waiting and approves it; the administrator then sees the
// address active.
func TestBrowserAdminClaimsAddressAnalystApproves(t *testing.T) {
	s := demoSite(t)
	admin := s.openTab(t, "trust admin", desktop)
	admin.signIn(trustAdmin)
	admin.click("opened your organisation", `a[href="/organisation"]`)
	admin.see("Your web and internet addresses", "Add an address or domain")
	admin.fill("#asset", journeyAddress)
	admin.click("added the address", `form[action="/organisation/assets"] button[type="submit"]`)
	admin.see("waiting for approval by the sector centre")
	if got := admin.rowText(journeyAddress); !strings.Contains(got, "Waiting for approval") {
		t.Errorf("the new address's row says %q, want it waiting for approval", got)
	}

	centre := s.openTab(t, "analyst", desktop)
	centre.signIn(analyst)
	centre.visit("/orgs/assets/pending")
	card := centre.cardFor(journeyAddress)
	centre.see("claimed for R9A by " + trustAdmin)
	if got := centre.textOf("#" + card); !strings.Contains(got, "No other organisation claims it.") {
		t.Errorf("the claim's card says %q, want no overlap", got)
	}
	id := strings.TrimPrefix(card, "claim-")
	centre.fill("#note-"+id, "The trust's network team confirmed the range is its new community diagnostic centre.")
	centre.click("approved the claim", "#"+card+` button[type="submit"]:not([formaction])`)
	centre.see("Claim approved")
	if strings.Contains(centre.text(), journeyAddress) {
		t.Errorf("the approved claim is still listed as waiting")
	}

	admin.visit("/organisation")
	if got := admin.rowText(journeyAddress); !strings.Contains(got, "Active") || strings.Contains(got, "Waiting") {
		t.Errorf("after approval the address's row says %q, want it active", got)
	}
}

// cardFor is the id of the pending-claim card whose heading is value; the test fails
// when there is none.
func (tb *tab) cardFor(value string) string {
	tb.t.Helper()
	id := tb.eval(fmt.Sprintf(`([...document.querySelectorAll('.nhsuk-card')].find(c =>
		(c.querySelector('h2') || {}).textContent === %q) || {}).id || ''`, value))
	if id == "" {
		tb.t.Fatalf("no claim of %s on the page:\n%s", value, tb.text())
	}
	return id
}

// rowText is the visible text of the table row whose first cell is cell, or "".
func (tb *tab) rowText(cell string) string {
	tb.t.Helper()
	return tb.eval(fmt.Sprintf(`([...document.querySelectorAll('tr')].find(r =>
		r.cells.length && r.cells[0].innerText.trim() === %q) || {}).innerText || ''`, cell))
}

// textOf is the visible text of the element sel picks, or "".
func (tb *tab) textOf(sel string) string {
	tb.t.Helper()
	return tb.eval(fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ''`, sel))
}

// eval evaluates a JavaScript expression that yields a string in the tab's page.
func (tb *tab) eval(js string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}
