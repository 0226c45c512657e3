package pages_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAskForHelpWithAnAlert: a care-home manager asks the Local Support Organisation for
// help from one of its alerts; the request says which alert, as far as its TLP marking
// lets the text leave the care home.
func TestAskForHelpWithAnAlert(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	home := b.get("/")
	m := regexp.MustCompile(`href="/alerts/(\d+)"`).FindStringSubmatch(home.body)
	if m == nil {
		t.Fatalf("the care home's page links no alert\n%s", home.body)
	}
	alert := b.get("/alerts/" + m[1])
	if !alert.has(`href="/support/new?context=alert/` + m[1] + `"`) {
		t.Fatalf("the alert's page offers no help link\n%s", alert.body)
	}
	p := b.post("/support", url.Values{"subject": {"What does this alert mean?"}, "body": {"We have no IT staff."},
		"context": {"alert/" + m[1]}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("ask: %d\n%s", p.status, p.body)
	}
	req := b.get(p.header.Get("Location"))
	if !req.has("Alert "+m[1]) || !(strings.Contains(req.body, "TLP:") || strings.Contains(req.body, "(high") ||
		strings.Contains(req.body, "(critical") || strings.Contains(req.body, "(medium") || strings.Contains(req.body, "(low")) {
		t.Errorf("the request does not say which alert it is about\n%s", req.body)
	}
	if other := s.signIn(trustAdmin).get("/alerts/" + m[1]); strings.Contains(other.body, "context=alert/") {
		t.Errorf("another organisation's admin is offered help with the care home's alert")
	}
}

// TestLSOHomeShowsHelpWaiting gives a Local Support Organisation's home page its main
// job, the help requests waiting for its answer, and does not offer it to ask itself;
// a provider's home still offers asking.
func TestLSOHomeShowsHelpWaiting(t *testing.T) {
	s := demoSite(t)
	home := s.signIn(lsoHelper).get("/")
	if !home.has("Help requests waiting for your answer (1)", "Do we need cyber insurance?", "Help requests from the providers you support") ||
		home.has("Nothing needs your action") || home.has("Ask your Local Support Organisation") {
		t.Errorf("the LSO's home: want its waiting request, no offer to ask itself\n%s", home.body)
	}
	if home := s.signIn(careManager).get("/"); !home.has("Ask your Local Support Organisation for help") || home.has("waiting for your answer") {
		t.Errorf("a care home's home: want the offer to ask, no LSO queue\n%s", home.body)
	}
}
