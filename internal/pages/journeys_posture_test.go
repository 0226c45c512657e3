package pages_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	cdpemulation "github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/vigil-health/vigil/internal/demo"
)

// lsoHelper is the demo's Local Support Organisation's member.
const lsoHelper = "help@nw-care-digital.example"

// TestBrowserPostureJourney: a care-home manager on a phone opens the checklist from the
// home page, ticks an item and sees the score go up, fills in the restore test date of
// the continuity plan and prints it (the menus are left off and it fits on two sides
// of A4); the Local Support Organisation's member answers the manager's help request,
// and the manager reads the answer.
func TestBrowserPostureJourney(t *testing.T) {
	s := demoSite(t)
	manager := s.openTab(t, "care home manager", phone)
	manager.signIn(careManager)
	manager.click("opened the checklist from the home page", `main a[href="/posture"]`)
	manager.see("Security posture", "Elevated-threat checklist")
	manager.click("opened the checklist", `a[href^="/posture/assessment?framework=checklist"]`)
	before := manager.score()
	manager.click("opened an item", `a[href^="/posture/item?framework=checklist&id=long-haul"]`)
	manager.run("ticked done", chromedp.Click(chromedp.CSS(`#grade-done`), chromedp.NodeVisible))
	manager.fill("#owner", "Linda Marsh")
	manager.click("saved the answer", `form[action^="/posture/item?framework=checklist&id=long-haul"] button[type="submit"]`)
	manager.see("Answer saved")
	if after := manager.score(); after <= before {
		t.Errorf("the score went from %d%% to %d%% after ticking an item; want it higher", before, after)
	}

	manager.click("opened the item again", `a[href^="/posture/item?framework=checklist&id=long-haul"]`)
	cover := filepath.Join(t.TempDir(), "holiday-cover.txt")
	if err := os.WriteFile(cover, []byte("Deputy manager covers alerts during holidays.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	manager.run("chose the evidence file", chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{cover}))
	manager.click("uploaded the evidence", `form[action^="/posture/evidence?framework=checklist"] button[type="submit"]`)
	manager.see("Evidence file kept", "holiday-cover.txt")

	manager.visit("/posture/plan")
	manager.see("Cyber continuity plan", "North West Care Digital Support", "Printed MAR charts", "never recorded")
	manager.click("opened the plan's form", `a[href^="/posture/plan/edit"]`)
	manager.run("entered the restore test date", chromedp.SetValue(chromedp.CSS(`#last_restore_test`), "2026-11-02"))
	manager.click("saved the plan", `form[action^="/posture/plan"] button[type="submit"]`)
	manager.see("Continuity plan saved", "2 November 2026")
	manager.printsOnA4(2)

	lso := s.openTab(t, "local support organisation", desktop)
	lso.signIn(lsoHelper)
	lso.click("opened the help requests", `nav a[href="/support"]`)
	lso.see("Do we need cyber insurance?", demo.CareHomeODS)
	lso.click("opened the request", `td a[href^="/support/"]`)
	lso.see("Elevated-threat checklist, item insurance")
	lso.fill("#reply", "For a home of your size, yes: we can go through the cover with you on Tuesday.")
	lso.click("replied", `form[action$="/replies"] button[type="submit"]`)
	lso.see("Reply sent", "Answered")

	manager.visit("/support")
	manager.click("opened the answered request", `td a[href^="/support/"]`)
	manager.see("we can go through the cover", "(Local Support Organisation)")
}

// score is the percentage the checklist page shows.
func (tb *tab) score() int {
	tb.t.Helper()
	m := regexp.MustCompile(`(\d+)%`).FindStringSubmatch(tb.attrText("#score"))
	if m == nil {
		tb.t.Fatalf("the page shows no score:\n%s", tb.text())
	}
	n := 0
	for _, c := range m[1] {
		n = n*10 + int(c-'0')
	}
	return n
}

// attrText is the visible text of the first element sel picks.
func (tb *tab) attrText(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(document.querySelector(`+"`"+sel+"`"+`) || {innerText: ''}).innerText`))
	if err != nil {
		tb.t.Fatal(err)
	}
	return s
}

// printsOnA4 checks the page as printed: no header or menu, on at most pages sides of A4.
func (tb *tab) printsOnA4(pages int) {
	tb.t.Helper()
	ctx := tb.ctx
	if _, err := chromedp.Call(ctx, cdpemulation.SetEmulatedMedia, cdpemulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		tb.t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll('header, .nhsuk-header__navigation, .vigil-no-print, footer')].map(e => getComputedStyle(e).display).filter(d => d !== 'none').join(',')`))
	if err != nil || shown != "" {
		tb.t.Errorf("printed, the page still shows its header, menu or buttons (%q, %v)", shown, err)
	}
	if _, err := chromedp.Call(ctx, cdpemulation.SetEmulatedMedia, cdpemulation.SetEmulatedMediaParams{}); err != nil {
		tb.t.Fatal(err)
	}
	prefer := true
	pdf, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &prefer})
	if err != nil {
		tb.t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf.Data, -1)); n == 0 || n > pages {
		tb.t.Errorf("the plan prints on %d pages, want 1 to %d", n, pages)
	}
}
