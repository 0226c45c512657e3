package pages_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// Journeys in a real browser: each is a person doing one thing from start to end, the
// way they would. Every page on the way is checked by checkPage (accessibility, policy,
// 360 px, no dialog) and saved as a screenshot. A new journey is a test here of a few
// lines: open a tab per person (s.openTab), sign in, visit or click, and say what they
// should see.

// TestBrowserCareHomeAcknowledgesAlert: a care-home manager signs in on a phone, sees an
// alert on the home page, opens it and acknowledges it; the sector analyst then sees on
// the alert who acknowledged it and when.
func TestBrowserCareHomeAcknowledgesAlert(t *testing.T) {
	s := demoSite(t)
	manager := s.openTab(t, "care home manager", phone)
	manager.signIn(careManager)
	manager.see("What you need to do", "Needs action")
	alert := manager.attr(".nhsuk-card__link", "href")
	if !regexp.MustCompile(`^/alerts/\d+$`).MatchString(alert) {
		t.Fatalf("the first alert on the home page links to %q", alert)
	}
	manager.click("opened the alert", ".nhsuk-card__link")
	manager.see("Needs action", "Acknowledge")
	manager.click("acknowledged", `form[action$="/acknowledge"] button`)
	manager.see("Alert acknowledged", "Being dealt with", "by "+careManager)

	centre := s.openTab(t, "analyst", desktop)
	centre.signIn(analyst)
	centre.visit(alert)
	centre.see("Being dealt with")
	if !regexp.MustCompile(`Acknowledged\s+\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC by ` + regexp.QuoteMeta(careManager)).MatchString(centre.text()) {
		t.Errorf("the analyst's view of the alert does not say when and by whom it was acknowledged:\n%s", centre.text())
	}
}

// TestBrowserPolicyBlocksInjectedScript checks what the other browser tests rely on:
// the Content-Security-Policy blocks a script element added to the page (so text that
// became markup could not run), while axe-core, evaluated through the DevTools
// protocol, runs regardless.
func TestBrowserPolicyBlocksInjectedScript(t *testing.T) {
	s := demoSite(t)
	tb := s.openTab(t, "anonymous", desktop)
	tb.load("open the sign-in page", 200, chromedp.Navigate(s.url+"/"))
	tb.run("add an inline script to the page", chromedp.Evaluate[chromedp.Void](
		`(() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.body.appendChild(s) })()`))
	ran, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`window.__injected === true`))
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Errorf("an inline script added to the page ran: the Content-Security-Policy does not hold")
	}
	blocked, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`window.__vigilBlocked`))
	if err != nil || len(blocked) == 0 {
		t.Errorf("the policy's report of the blocked script was not seen (%v): the check of every page for blocked content would miss it", err)
	}
	src, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	tb.run("inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	if v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`typeof axe.run`)); err != nil || v != "function" {
		t.Errorf("axe-core evaluated through the protocol: typeof axe.run = %q, %v; want function", v, err)
	}
}

// TestBrowserAxeFindsProblems checks that the accessibility check can fail: an image
// without a text alternative, added to a page, is reported.
func TestBrowserAxeFindsProblems(t *testing.T) {
	s := demoSite(t)
	tb := s.openTab(t, "anonymous", desktop)
	tb.load("open the sign-in page", 200, chromedp.Navigate(s.url+"/"))
	tb.run("add an image without alt text", chromedp.Evaluate[chromedp.Void](
		`document.querySelector('main').appendChild(Object.assign(document.createElement('img'), {src: '/assets/images/nhsuk-icon-180.png'}))`))
	var ids []string
	for _, v := range tb.axe(tb.ctx, "image without alt") {
		ids = append(ids, v.ID)
	}
	if !slices.Contains(ids, "image-alt") {
		t.Errorf("axe-core found %q on a page with an image without alt text, want image-alt among them", ids)
	}
}
