package pages_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// TestBrowserIncidentJourney: a care-home manager on a 360 px phone reports an incident
// from the home page (first sending the form half done, as people do, and finishing it
// from the error summary); the sector analyst triages it, links the phishing site, exports
// the incident's indicators as STIX at TLP:GREEN; the bundle, imported as a partner's
// intel, makes the indicator found by the indicator search. The manager's scripted time
// from the home page to the confirmation is written to elapsed.txt beside the screenshots.
func TestBrowserIncidentJourney(t *testing.T) {
	s := demoSite(t)
	manager := s.openTab(t, "care home manager", phone)
	manager.signIn(careManager)
	started := time.Now()
	manager.click("report an incident", `a[href="/incidents/new"]`)
	manager.see("Report an incident", "Can you still give care?")
	manager.fill("#summary", "Emails asking carers for their passwords")
	manager.tick("#care-reduced")
	manager.submit("sent half done", 422, `form[action="/incidents"] button[type="submit"]`)
	manager.see("There is a problem", "Enter what happened", "Enter when you noticed it")
	if v := manager.attr("#summary", "value"); v != "Emails asking carers for their passwords" {
		t.Errorf("the form came back without the summary: %q", v)
	}
	manager.fill("#what_happened", "Three carers got an email from 'payroll' with a link to a login page.")
	manager.set("#noticed_at", time.Now().Add(-2*time.Hour).In(london()).Format("2006-01-02T15:04"))
	manager.tick("#systems")          // email is not the first: care records is
	manager.tick("#systems-email")    // what is affected
	manager.tick("#personal_data-no") // no personal data seen
	manager.tick("#ransom-no")
	manager.fill("#contact_name", "Sam Patel")
	manager.fill("#contact_phone", "0161 496 0000")
	manager.click("sent the report", `form[action="/incidents"] button[type="submit"]`)
	manager.see("Thank you: your report has been sent", "Emails asking carers for their passwords")
	elapsed := time.Since(started)
	t.Logf("the care-home manager filed the report in %s of scripted steps", elapsed.Round(time.Millisecond))
	_ = os.WriteFile(filepath.Join(manager.folder, "elapsed.txt"), []byte(elapsed.Round(time.Millisecond).String()+"\n"), 0o644)
	id := incidentID(t, manager)

	centre := s.openTab(t, "analyst", desktop)
	centre.signIn(analyst)
	centre.click("opened the board", `a[href="/incidents"]`)
	centre.see("Incident board", "Emails asking carers for their passwords")
	centre.visit(fmt.Sprintf("/incidents/%d", id))
	centre.set("#category", "6")
	centre.set("#severity", "medium")
	centre.click("triaged", `form[action$="/triage"] button`)
	centre.see("Triage saved", "NCSC category 6: Localised incident")
	centre.set("#status", "triaged")
	centre.click("moved to triaged", `form[action$="/status"] button`)
	centre.fill("#ref", "hxxps://payroll-login[.]example/signin")
	centre.set("#link_tlp", "GREEN")
	centre.click("linked the phishing site", `form[action$="/links"] button`)
	centre.see("Link added", "url:https://payroll-login.example/signin")

	// The share form, sent as the browser sends it; its download is what a partner imports.
	bundle := centre.sendForm(`form[action$="/share"]`)
	if !strings.HasPrefix(bundle, "200 attachment;") {
		t.Fatalf("the STIX export: %.300s", bundle)
	}
	_, bundle, _ = strings.Cut(bundle, "\n")
	if strings.Contains(bundle, "Oakleigh") || !strings.Contains(bundle, "payroll-login.example") {
		t.Errorf("the export names the care home, or lacks the phishing site:\n%s", bundle)
	}
	if _, err := s.app.ThreatIntel.Import(context.Background(), vigil.CommandLine, threatintel.Upload{Source: "partner-cert",
		Name: "incident.json"}, strings.NewReader(bundle)); err != nil {
		t.Fatal(err)
	}
	centre.visit("/indicators?value=payroll-login.example")
	centre.see("payroll-login.example", "partner-cert")
}

// incidentID is the number of the incident the tab shows.
func incidentID(t *testing.T, tb *tab) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/incidents/(\d+)`).FindStringSubmatch(href)
	if m == nil {
		t.Fatalf("not on an incident's page: %s", href)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// tick clicks a radio or checkbox.
func (tb *tab) tick(sel string) {
	tb.t.Helper()
	tb.run("tick "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// set sets a field's value, as a date picker or a select does.
func (tb *tab) set(sel, value string) {
	tb.t.Helper()
	tb.run("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// submit clicks a button that answers with status want and checks the page.
func (tb *tab) submit(step string, want int, sel string) {
	tb.t.Helper()
	tb.load(step, want, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	tb.checkPage(step)
}

func london() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}

// sendForm sends the form sel picks with fetch, as the browser would submit it, and
// returns the answer's status, its Content-Disposition and, after a line break, its body:
// for a form whose answer is a download, which a headless browser does not show.
func (tb *tab) sendForm(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
  const f = document.querySelector(%q);
  return fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f))})
    .then(async r => r.status + ' ' + r.headers.get('Content-Disposition') + '\n' + await r.text());
})()`, sel), chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("send %s: %v", sel, err)
	}
	return out
}
