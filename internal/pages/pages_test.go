package pages_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSignInAndOut walks the front door: the sign-in form, a wrong password, a sign-in
// that lands on the person's home, and signing out.
func TestSignInAndOut(t *testing.T) {
	s := demoSite(t)
	b := s.anonymous()
	if p := b.get("/"); p.status != http.StatusOK || !p.has("<title>Sign in – vigil</title>", `name="password"`) {
		t.Fatalf("GET / signed out: %d, want the sign-in form\n%s", p.status, p.body)
	}
	if p := b.post("/sign-in", url.Values{"email": {careManager}, "password": {"not the password at all"}}); p.status != http.StatusUnauthorized ||
		!p.has("There is a problem", "The email address or password is not right") {
		t.Errorf("wrong password: %d, want 401 with an error summary\n%s", p.status, p.body)
	}
	if p := b.post("/sign-in", url.Values{"email": {careManager + "."}, "password": {demoPassword}}); p.status != http.StatusBadRequest ||
		!p.has("without the dot at the end") {
		t.Errorf("badly spelt address: %d, want 400 saying how to write it\n%s", p.status, p.body)
	}
	p := b.post("/sign-in", url.Values{"email": {careManager}, "password": {demoPassword}, "next": {"/alerts"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/alerts" {
		t.Fatalf("sign-in: %d to %q, want 303 to /alerts", p.status, p.header.Get("Location"))
	}
	if c := p.header.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("session cookie %q, want HttpOnly and SameSite=Lax", c)
	}
	if p := b.get("/"); !p.has("<title>What you need to do – vigil</title>", careManager, "Sign out") {
		t.Errorf("home after sign-in: want the organisation's home\n%s", p.body)
	}
	if p := b.post("/sign-out", nil); p.status != http.StatusSeeOther {
		t.Errorf("sign-out: %d, want 303", p.status)
	}
	if p := b.get("/alerts"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/?next=") {
		t.Errorf("alerts after sign-out: %d to %q, want a redirect to sign in", p.status, p.header.Get("Location"))
	}
}

// TestSignInGoesOnlyToThisSite checks that the page after sign-in is always on this site.
func TestSignInGoesOnlyToThisSite(t *testing.T) {
	s := demoSite(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		p := s.anonymous().post("/sign-in", url.Values{"email": {careManager}, "password": {demoPassword}, "next": {next}})
		if loc := p.header.Get("Location"); loc != "/" {
			t.Errorf("next=%q: redirected to %q, want /", next, loc)
		}
	}
}

// TestPageHeaders checks the headers that keep pages from being framed, sniffed or
// running injected script.
func TestPageHeaders(t *testing.T) {
	s := demoSite(t)
	p := s.signIn(careManager).get("/")
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q allows inline or eval'd script", csp)
	}
	if got := p.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store on a signed-in page", got)
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(p.body) || strings.Contains(p.body, " style=") {
		t.Errorf("page has an inline script or style, which the policy would block")
	}
}

// TestCrossSiteFormIsRefused checks that a form posted from another site is refused.
func TestCrossSiteFormIsRefused(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	req, _ := http.NewRequest("POST", s.url+"/sign-out", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Errorf("cross-site sign-out: %d, want 403", p.status)
	}
}

// TestAcknowledgeAndResolve walks a care-home manager through an alert: it is on the
// home page, acknowledging it says so, and resolving needs a note.
func TestAcknowledgeAndResolve(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	home := b.get("/")
	m := regexp.MustCompile(`href="/alerts/(\d+)"`).FindStringSubmatch(home.body)
	if m == nil {
		t.Fatalf("home lists no alert\n%s", home.body)
	}
	alert := "/alerts/" + m[1]
	if p := b.get(alert); !p.has("Acknowledge", "Resolve alert", "Needs action") {
		t.Fatalf("alert page: want acknowledge and resolve\n%s", p.body)
	}
	if p := b.post(alert+"/acknowledge", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != alert+"?done=acknowledged" {
		t.Fatalf("acknowledge: %d to %q", p.status, p.header.Get("Location"))
	}
	if p := b.get(alert + "?done=acknowledged"); !p.has("Alert acknowledged", "Being dealt with", careManager) {
		t.Errorf("after acknowledging: want the banner and who acknowledged\n%s", p.body)
	}
	if p := b.post(alert+"/resolve", url.Values{"note": {""}}); p.status != http.StatusUnprocessableEntity || !p.has("There is a problem") {
		t.Errorf("resolve without a note: %d, want 422 with the reason\n%s", p.status, p.body)
	}
	if p := b.post(alert+"/resolve", url.Values{"note": {"Took the page down and changed the site's passwords."}}); p.status != http.StatusSeeOther {
		t.Fatalf("resolve: %d\n%s", p.status, p.body)
	}
	if p := b.get(alert); !p.has("Resolved", "Took the page down") || p.has("Resolve alert") {
		t.Errorf("resolved alert: want its note and no more actions\n%s", p.body)
	}
}

// TestOtherOrganisationsAlertIsNotFound checks that an alert of another organisation is
// a page that is not there, as in the API.
func TestOtherOrganisationsAlertIsNotFound(t *testing.T) {
	s := demoSite(t)
	trust := s.signIn(trustAdmin).get("/alerts")
	m := regexp.MustCompile(`href="/alerts/(\d+)"`).FindStringSubmatch(trust.body)
	if m == nil {
		t.Fatalf("the trust has no alert\n%s", trust.body)
	}
	if p := s.signIn(careManager).get("/alerts/" + m[1]); p.status != http.StatusNotFound {
		t.Errorf("the care home opening the trust's alert: %d, want 404", p.status)
	}
}

// TestUnknownPage checks that a browser asking for a page that does not exist gets a
// page, and an API client a problem.
func TestUnknownPage(t *testing.T) {
	s := demoSite(t)
	if p := s.anonymous().get("/no-such-page"); p.status != http.StatusNotFound || !p.has("Page not found") {
		t.Errorf("browser: %d\n%s", p.status, p.body)
	}
}

// TestDeadlinesAndHistory checks that a high alert shows how long is left to acknowledge
// it, that acknowledging it says how long it took and enters its history, and that the
// analyst's board counts it.
func TestDeadlinesAndHistory(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	home := b.get("/")
	if !home.has("Acknowledge by", " left.") {
		t.Fatalf("home: want a countdown to the acknowledge deadline of the high alert\n%s", home.body)
	}
	m := regexp.MustCompile(`href="(/alerts/\d+)"[^>]*>[^<]*</a></h3>\s*<p><strong class="nhsuk-tag nhsuk-tag--(?:orange|red)">`).FindStringSubmatch(home.body)
	if m == nil {
		t.Fatalf("home lists no high or critical alert\n%s", home.body)
	}
	if p := b.get(m[1]); !p.has("Acknowledge by", "Resolve by", "<h2>History</h2>", "Raised by vigil") {
		t.Errorf("alert page: want its deadlines and history\n%s", p.body)
	}
	b.post(m[1]+"/acknowledge", nil)
	if p := b.get(m[1]); !p.has("after it was raised (within its deadline)", "Acknowledged by "+careManager+".") {
		t.Errorf("acknowledged alert: want how long it took and the history entry\n%s", p.body)
	}
	if p := s.signIn(analyst).get("/"); !p.has("Time to acknowledge and overdue alerts", "Median time", `href="/alerts?overdue=acknowledge"`) {
		t.Errorf("analyst's board: want the time-to-acknowledge table\n%s", p.body)
	}
	if p := s.signIn(analyst).get("/alerts?overdue=acknowledge"); p.status != http.StatusOK || !p.has("No alerts match") {
		t.Errorf("overdue filter on a fresh demo: %d, want an empty list\n%s", p.status, p.body)
	}
	if p := s.signIn(analyst).get("/alerts?overdue=soon"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("overdue=soon: %d, want 422", p.status)
	}
}
