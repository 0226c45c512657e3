package pages_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
)

// kevServer serves a one-entry KEV catalogue.
func kevServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"vulnerabilities": [{"cveID": "CVE-2021-44228", "dueDate": "2021-12-24"}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestAnalystCuratesAdvisorySources walks an analyst through the advisory sources: add
// one, pull it, change it, have bad input refused on the form with what was typed kept,
// and delete it.
func TestAnalystCuratesAdvisorySources(t *testing.T) {
	s := demoSite(t)
	kev := kevServer(t)
	b := s.signIn(analyst)
	if p := b.get("/exposure"); !p.has(`href="/advisory-sources"`, `href="/sector-advisories"`) {
		t.Errorf("the exposure board does not lead to the advisory pages\n%s", p.body)
	}
	if p := b.get("/advisory-sources"); p.status != http.StatusOK || !p.has("<h1>Advisory sources</h1>", `aria-current="page"`) {
		t.Fatalf("GET /advisory-sources: %d\n%s", p.status, p.body)
	}
	if p := b.get("/advisory-sources/new"); p.status != http.StatusOK || !p.has(`action="/advisory-sources"`, `name="kind"`) {
		t.Fatalf("add form: %d\n%s", p.status, p.body)
	}
	form := url.Values{"name": {"CISA KEV"}, "kind": {"kev"}, "url": {kev.URL + "/kev.json"}, "schedule": {"6h0m0s"}, "enabled": {"on"}}
	p := b.post("/advisory-sources", form)
	m := regexp.MustCompile(`^/advisory-sources/(\d+)\?done=advisory-source-added$`).FindStringSubmatch(p.header.Get("Location"))
	if p.status != http.StatusSeeOther || m == nil {
		t.Fatalf("add: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	src := "/advisory-sources/" + m[1]
	if p := b.get(src + "?done=advisory-source-added"); !p.has("Advisory source added", "CISA KEV", "Every 6 hours", "Not pulled yet") {
		t.Errorf("the new source's page\n%s", p.body)
	}
	if p := b.post(src+"/pull", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != src+"?done=advisory-pulled" {
		t.Fatalf("pull now: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := b.get(src); !p.has("Working", "Records held", "1 new, 0 changed") {
		t.Errorf("after the pull\n%s", p.body)
	}
	if p := b.get("/advisory-sources"); !p.has("CISA KEV", escaped(t, kev.URL+"/kev.json"), "Working") {
		t.Errorf("the list lacks the source\n%s", p.body)
	}

	edit := url.Values{"name": {"CISA KEV (mirror)"}, "kind": {"kev"}, "url": {kev.URL + "/kev.json"},
		"schedule": {"24h0m0s"}}
	if p := b.post(src, edit); p.status != http.StatusSeeOther || p.header.Get("Location") != src+"?done=advisory-source-saved" {
		t.Fatalf("save: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := b.get(src); !p.has("CISA KEV (mirror)", "Every day", "Paused") {
		t.Errorf("after the change: want the new name, schedule and paused\n%s", p.body)
	}
	for _, c := range []struct {
		name, path string
		form       url.Values
		status     int
		field      string
		kept       string
	}{
		{"no name", "/advisory-sources", url.Values{"name": {""}, "kind": {"osv"}, "url": {"https://osv.example/all.zip"}, "schedule": {"6h0m0s"}},
			http.StatusUnprocessableEntity, "name", "https://osv.example/all.zip"},
		{"a url and a path", "/advisory-sources", url.Values{"name": {"OSV"}, "kind": {"osv"}, "url": {"https://osv.example/all.zip"},
			"path": {"/srv/osv"}, "schedule": {"6h0m0s"}}, http.StatusUnprocessableEntity, "path", "/srv/osv"},
		{"not http", "/advisory-sources", url.Values{"name": {"OSV npm"}, "kind": {"osv"}, "url": {"ftp://osv.example/all.zip"}, "schedule": {"6h0m0s"}},
			http.StatusUnprocessableEntity, "url", "OSV npm"},
		{"a path with no advisory directory", "/advisory-sources", url.Values{"name": {"OSV disk"}, "kind": {"osv"}, "path": {"/srv/osv"},
			"schedule": {"6h0m0s"}}, http.StatusUnprocessableEntity, "path", "OSV disk"},
		{"a name taken", "/advisory-sources", url.Values{"name": {"CISA KEV (mirror)"}, "kind": {"kev"}, "url": {"https://kev.example/kev.json"},
			"schedule": {"6h0m0s"}}, http.StatusConflict, "name", "https://kev.example/kev.json"},
		{"no schedule", src, url.Values{"name": {"Renamed"}, "url": {kev.URL + "/kev.json"}, "schedule": {"soon"}},
			http.StatusUnprocessableEntity, "schedule", "Renamed"},
		{"moved nowhere", src, url.Values{"name": {"Renamed"}, "url": {""}, "schedule": {"1h0m0s"}},
			http.StatusUnprocessableEntity, "url", "Renamed"},
	} {
		p := b.post(c.path, c.form)
		if p.status != c.status || !p.has("There is a problem", `href="#`+c.field+`"`, `value="`+escaped(t, c.kept)+`"`) {
			t.Errorf("%s: %d, want %d with the error on %s at the top and %q kept\n%s", c.name, p.status, c.status, c.field, c.kept, p.body)
		}
	}
	if p := b.get(src); !p.has("CISA KEV (mirror)") {
		t.Errorf("a refused change changed the source\n%s", p.body)
	}
	if p := b.get(src + "/delete"); p.status != http.StatusOK || !p.has("Delete CISA KEV (mirror)?", "This cannot be undone") {
		t.Errorf("the delete page: %d\n%s", p.status, p.body)
	}
	if p := b.post(src+"/delete", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/advisory-sources?done=advisory-source-deleted" {
		t.Fatalf("delete: %d to %q", p.status, p.header.Get("Location"))
	}
	if p := b.get(src); p.status != http.StatusNotFound {
		t.Errorf("the deleted source's page: %d, want 404", p.status)
	}
	if p := b.get("/advisory-sources/nine"); p.status != http.StatusNotFound {
		t.Errorf("a source that is no number: %d, want 404", p.status)
	}
}

// zyxelForm is a sector advisory about the firewall the demo care home runs (Zyxel USG
// FLEX 100 firewall 5.36), as an analyst fills in the form.
func zyxelForm() url.Values {
	return url.Values{"id": {"SECTOR-2026-0042"}, "aliases": {"CVE-2026-0042"}, "vendor": {"Zyxel"},
		"vendor_aliases": {"Zyxel Communications, Zyxel Networks"}, "product": {"USG FLEX"}, "product_match": {"prefix"},
		"versions": {"ranges"}, "range-0-introduced": {"5.00"}, "range-0-fixed": {"5.37"}, "severity": {"critical"},
		"summary": {"The firewall can be taken over from the internet."},
		"steps":   {"Ask your IT support to update the firewall to 5.37 or later.\nChange the firewall's admin password afterwards."}}
}

// TestAnalystWritesASectorAdvisory walks an analyst through a sector advisory on the
// pages: written for the care home's firewall, it is found there and raises its alert;
// bad input comes back on the form with the error at the top and nothing lost; a change
// that no longer covers the care home's version closes the finding; a withdrawal is
// listed apart. The built-in policy is shown, read-only.
func TestAnalystWritesASectorAdvisory(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(analyst)
	if p := b.get("/sector-advisories/new"); p.status != http.StatusOK || !p.has(`action="/sector-advisories"`, `name="range-0-introduced"`) {
		t.Fatalf("the form: %d\n%s", p.status, p.body)
	}
	for _, c := range []struct {
		name   string
		change url.Values
		field  string
	}{
		{"no summary", url.Values{"summary": {""}}, "summary"},
		{"no vendor", url.Values{"vendor": {""}}, "vendor"},
		{"no versions", url.Values{"range-0-introduced": {""}, "range-0-fixed": {""}}, "range-0-introduced"},
		{"fixed before introduced", url.Values{"range-0-fixed": {"4.9"}}, "range-0-fixed"},
		{"a version that is no version", url.Values{"range-0-introduced": {"five"}}, "range-0-introduced"},
		{"a CVSS that is none", url.Values{"cvss": {"CVSS:9.9/XX"}}, "cvss"},
		{"the policy's ID", url.Values{"id": {"VIGIL-POLICY-KASPERSKY"}}, "id"},
	} {
		form := zyxelForm()
		for k, v := range c.change {
			form[k] = v
		}
		p := b.post("/sector-advisories", form)
		if p.status/100 != 4 || !p.has("There is a problem", `href="#`+c.field+`"`, `value="Zyxel Communications, Zyxel Networks"`,
			"Change the firewall&#39;s admin password afterwards.") {
			t.Errorf("%s: %d, want a 4xx with the error on %s at the top and the form kept\n%s", c.name, p.status, c.field, p.body)
		}
	}

	p := b.post("/sector-advisories", zyxelForm())
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/sector-advisories/SECTOR-2026-0042?") {
		t.Fatalf("write: %d to %q\n%s", p.status, loc, p.body)
	}
	if p := b.get(loc); !p.has("Sector advisory written.", "checked again; it is found at 1 organisation", "Found at",
		`href="/exposure/SECTOR-2026-0042"`, "from 5.00, fixed in 5.37", "Withdraw advisory") {
		t.Errorf("the advisory's page after writing it\n%s", p.body)
	}
	if p := b.post("/sector-advisories", zyxelForm()); p.status != http.StatusConflict || !p.has(`href="#id"`, "exists already") {
		t.Errorf("a second of the same ID: %d\n%s", p.status, p.body)
	}
	manager := s.signIn(careManager)
	if p := manager.get("/alerts"); !p.has("USG FLEX 100 firewall") {
		t.Errorf("the care home has no alert about its firewall\n%s", p.body)
	}

	edit := zyxelForm()
	edit.Set("range-0-fixed", "5.30")
	edit.Set("range-1-introduced", "6.0")
	edit.Set("range-1-last_affected", "6.1")
	if p := b.post("/sector-advisories/SECTOR-2026-0042", edit); p.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.status, p.body)
	}
	if p := b.get("/sector-advisories/SECTOR-2026-0042"); !p.has("Not found at any organisation now", "from 5.00, fixed in 5.30",
		"from 6.0 up to 6.1 (no fix published)") {
		t.Errorf("after narrowing the versions: the care home's 5.36 is no longer affected\n%s", p.body)
	}
	edit.Set("summary", "")
	if p := b.post("/sector-advisories/SECTOR-2026-0042", edit); p.status != http.StatusUnprocessableEntity ||
		!p.has(`href="#summary"`, `value="6.1"`) {
		t.Errorf("an edit without a summary: %d\n%s", p.status, p.body)
	}

	if p := b.get("/sector-advisories/SECTOR-2026-0042/withdraw"); p.status != http.StatusOK || !p.has("Withdraw SECTOR-2026-0042?") {
		t.Errorf("the withdraw page: %d\n%s", p.status, p.body)
	}
	p = b.post("/sector-advisories/SECTOR-2026-0042/withdraw", nil)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/sector-advisories?") ||
		!strings.Contains(p.header.Get("Location"), "done=sector-advisory-withdrawn") {
		t.Fatalf("withdraw: %d to %q", p.status, p.header.Get("Location"))
	}
	if p := b.get(p.header.Get("Location")); !p.has("Sector advisory withdrawn", "<h2>Withdrawn</h2>", "SECTOR-2026-0042",
		"Built-in policy: products of concern", `href="/sector-advisories/VIGIL-POLICY-KASPERSKY"`) {
		t.Errorf("the list after withdrawing\n%s", p.body)
	}
	if p := b.get("/sector-advisories/SECTOR-2026-0042"); !p.has("Withdrawn") || p.has("Save changes") {
		t.Errorf("a withdrawn advisory's page: want no form\n%s", p.body)
	}
	if p := b.get("/sector-advisories/VIGIL-POLICY-KASPERSKY"); p.status != http.StatusOK || !p.has("Kaspersky", "cannot be changed here",
		"Found at") || p.has("Save changes") {
		t.Errorf("the policy's page: %d, want it read-only and found at the care home\n%s", p.status, p.body)
	}
	if p := b.get("/sector-advisories/SECTOR-1999-0001"); p.status != http.StatusNotFound {
		t.Errorf("an advisory that does not exist: %d", p.status)
	}
}

// TestAdvisoryPagesAreTheAnalysts checks that organisations' people and suppliers can
// neither see nor change advisory sources and sector advisories through the pages.
func TestAdvisoryPagesAreTheAnalysts(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	kev := kevServer(t)
	src, err := s.app.Exposure.CreateSource(ctx, vigil.CommandLine, vigil.AdvisorySource{Name: "KEV", Kind: vigil.AdvisoryKEV, URL: kev.URL + "/kev.json"})
	if err != nil {
		t.Fatal(err)
	}
	if p := s.signIn(analyst).post("/sector-advisories", zyxelForm()); p.status != http.StatusSeeOther {
		t.Fatalf("write: %d\n%s", p.status, p.body)
	}
	one := "/advisory-sources" + srcPath(src.ID)
	for _, who := range []string{careManager, trustAdmin, wardManager, supplier} {
		b := s.signIn(who)
		for _, path := range []string{"/advisory-sources", "/advisory-sources/new", one, one + "/delete", "/sector-advisories",
			"/sector-advisories/new", "/sector-advisories/SECTOR-2026-0042", "/sector-advisories/SECTOR-2026-0042/withdraw",
			"/sector-advisories/VIGIL-POLICY-KASPERSKY"} {
			if p := b.get(path); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s: GET %s = %d, want 403 or 404", who, path, p.status)
			}
		}
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{"/advisory-sources", url.Values{"name": {"x"}, "kind": {"kev"}, "url": {"https://kev.example/x.json"}, "schedule": {"6h0m0s"}}},
			{one, url.Values{"name": {"x"}, "url": {"https://kev.example/x.json"}, "schedule": {"6h0m0s"}}},
			{one + "/pull", nil}, {one + "/delete", nil},
			{"/sector-advisories", zyxelForm()}, {"/sector-advisories/SECTOR-2026-0042", zyxelForm()},
			{"/sector-advisories/SECTOR-2026-0042/withdraw", nil},
		} {
			if p := b.post(post.path, post.form); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s: POST %s = %d, want 403 or 404", who, post.path, p.status)
			}
		}
		if p := b.get("/exposure"); p.has(`href="/advisory-sources"`) {
			t.Errorf("%s: the board links to the analysts' pages", who)
		}
	}
	if a, err := s.app.Exposure.GetSource(ctx, vigil.CommandLine, src.ID); err != nil || a.Name != "KEV" || a.Status != vigil.FeedNever {
		t.Errorf("the source after the others tried: %+v, %v", a, err)
	}
	if a, err := s.app.Exposure.GetSectorAdvisory(ctx, vigil.CommandLine, "SECTOR-2026-0042"); err != nil || !a.WithdrawnAt.IsZero() {
		t.Errorf("the advisory after the others tried: %+v, %v", a, err)
	}
}

func srcPath(id int64) string { return "/" + strconv.FormatInt(id, 10) }

// TestBrowserAnalystWritesASectorAdvisory: in the browser, an analyst writes a sector
// advisory for the firewall the demo care home runs and the care home's manager sees
// the alert; the analyst narrows its versions, then withdraws it, and the alert closes.
func TestBrowserAnalystWritesASectorAdvisory(t *testing.T) {
	s := demoSite(t)
	tb := s.openTab(t, "analyst-sector", desktop)
	tb.signIn(analyst)
	tb.visit("/exposure")
	tb.click("open the sector advisories", `a[href="/sector-advisories"]`)
	tb.see("Built-in policy: products of concern", "VIGIL-POLICY-KASPERSKY")
	tb.click("open the form", `a[href="/sector-advisories/new"]`)
	for sel, v := range map[string]string{"#id": "SECTOR-2026-0042", "#vendor": "Zyxel", "#product": "USG FLEX",
		"#range-0-introduced": "5.00", "#range-0-fixed": "5.37", "#summary": "The firewall can be taken over from the internet.",
		"#steps": "Ask your IT support to update the firewall to 5.37 or later."} {
		tb.fill(sel, v)
	}
	tb.run("choose prefix", chromedp.Click(chromedp.CSS(`#product_match-prefix`), chromedp.NodeVisible))
	tb.run("choose critical", chromedp.SetValue(chromedp.CSS(`#severity`), "critical"))
	tb.click("wrote the advisory", `form[action="/sector-advisories"] button[type="submit"]`)
	tb.see("Sector advisory written.", "it is found at 1 organisation", "from 5.00, fixed in 5.37")

	manager := s.openTab(t, "care-manager-sector", desktop)
	manager.signIn(careManager)
	manager.visit("/alerts")
	manager.see("USG FLEX 100 firewall")

	tb.run("narrow the fix", chromedp.SetValue(chromedp.CSS(`#range-0-fixed`), "5.30"))
	tb.click("saved the change", `form[action="/sector-advisories/SECTOR-2026-0042"] button[type="submit"]`)
	tb.see("Sector advisory saved.", "found at 0 organisations", "Not found at any organisation now")
	tb.click("asked to withdraw", `a[href="/sector-advisories/SECTOR-2026-0042/withdraw"]`)
	tb.click("withdrew it", `form[action="/sector-advisories/SECTOR-2026-0042/withdraw"] button`)
	tb.see("Sector advisory withdrawn", "Withdrawn")
	if a, err := s.app.Exposure.Vulnerability(context.Background(), vigil.CommandLine, "SECTOR-2026-0042"); err == nil {
		for _, e := range a {
			if e.Org == demo.CareHomeODS && e.FixedAt.IsZero() {
				t.Errorf("the care home's finding is still open after the withdrawal: %+v", e)
			}
		}
	}
}

// TestBrowserAdvisoryPagesOnAPhone: every advisory page passes axe and fits a 360 px
// screen, the form with an error too.
func TestBrowserAdvisoryPagesOnAPhone(t *testing.T) {
	s := demoSite(t)
	kev := kevServer(t)
	src, err := s.app.Exposure.CreateSource(context.Background(), vigil.CommandLine, vigil.AdvisorySource{Name: "CISA KEV",
		Kind: vigil.AdvisoryKEV, URL: kev.URL + "/kev.json?key=0123456789abcdef0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Exposure.PullSource(context.Background(), vigil.CommandLine, src.ID); err != nil {
		t.Fatal(err)
	}
	if p := s.signIn(analyst).post("/sector-advisories", zyxelForm()); p.status != http.StatusSeeOther {
		t.Fatalf("write: %d\n%s", p.status, p.body)
	}
	tb := s.openTab(t, "analyst-advisories-phone", phone)
	tb.signIn(analyst)
	one := "/advisory-sources" + srcPath(src.ID)
	for _, path := range []string{"/advisory-sources", "/advisory-sources/new", one, one + "/delete", "/sector-advisories",
		"/sector-advisories/new", "/sector-advisories/SECTOR-2026-0042", "/sector-advisories/SECTOR-2026-0042/withdraw",
		"/sector-advisories/VIGIL-POLICY-KASPERSKY"} {
		tb.visit(path)
	}
	tb.visit("/sector-advisories/new")
	tb.submit("sent the form empty", http.StatusUnprocessableEntity, `form[action="/sector-advisories"] button[type="submit"]`)
	tb.see("There is a problem")
}

// TestPullNowWhileAPullRuns: pressing "pull now" while a pull of the source runs says so,
// and the source's page shows the pull running and reloads itself until it ends.
func TestPullNowWhileAPullRuns(t *testing.T) {
	s := demoSite(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release
		_, _ = w.Write([]byte(`{"vulnerabilities": [{"cveID": "CVE-2021-44228", "dueDate": "2021-12-24"}]}`))
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	src, err := s.app.Exposure.CreateSource(ctx, vigil.CommandLine, vigil.AdvisorySource{Name: "Slow KEV", Kind: vigil.AdvisoryKEV, URL: srv.URL + "/kev.json", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	done, err := s.app.Exposure.StartPull(ctx, vigil.CommandLine, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	b := s.signIn(analyst)
	one := "/advisory-sources" + srcPath(src.ID)
	if p := b.post(one+"/pull", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != one+"?done=advisory-pull-running" {
		t.Errorf("pull now while one runs: %d to %q", p.status, p.header.Get("Location"))
	}
	if p := b.get(one + "?done=advisory-pull-running"); !p.has("The pull is running", "Pulling now", `http-equiv="refresh"`) {
		t.Errorf("the source's page while it is pulled\n%s", p.body)
	}
	close(release)
	<-done
	s.app.Exposure.WaitPulls()
	if p := b.get(one); !p.has("Working") || p.has("Pulling now") || p.has(`http-equiv="refresh"`) {
		t.Errorf("the source's page after the pull\n%s", p.body)
	}
}
