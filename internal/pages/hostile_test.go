package pages_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/threatintel"
	"golang.org/x/net/html"
)

// Hostile text in every field people or feeds control must render as text on every
// page: html/template escapes it, and the Content-Security-Policy would block a script
// that slipped through. These tests check the first on its own, over every page the
// demo's people can reach from their menus, so that pages added later are covered
// without a change here.

// hostile is the text put in field: a marker naming the field (so that a failure says
// which), template syntax that must show as typed, and markup and a script address that
// must never become markup. It fits the 100 characters of a region or a source name.
func hostile(field string) string {
	return "XSS-" + field + ` {{.}} <script>alert(1)</script> "><img src=x onerror=alert(1)> javascript:alert(1)`
}

// The fields that get hostile text.
var hostileFields = []string{
	"org-name", "org-region", "contact-name", "contact-role", // an organisation, by the sector centre
	"resolution-note",                                             // an alert's note, by the organisation
	"stix-name", "stix-description", "stix-label", "stix-creator", // a STIX indicator, from a feed
	"url-path",      // an indicator's value
	"upload-source", // the source an upload is credited to
	"feed-name",     // a feed, by the sector centre
	// An incident the care home reports, and what the centre adds to it (incidents_test.go);
	// an evidence file's name loses the marker, since everything up to its last slash goes.
	"incident-summary", "incident-what", "incident-contact", "incident-note", "incident-link-note", "evidence-name",
	// A software inventory the care home uploads (journeys_inventory_test.go).
	"inventory-vendor", "inventory-product", "inventory-version", "inventory-supplier",
}

// mustShow are the fields today's pages show, so that the test cannot pass by showing
// nothing: the alert's title carries the labels, "Reported by" the source, the indicator
// search the STIX identity that published it, and the resolved alert its note. Fields
// other pages show are found as those pages are added.
var mustShow = []string{"stix-label", "stix-creator", "upload-source", "resolution-note", "incident-summary", "incident-what",
	"incident-contact", "incident-note", "incident-link-note", "inventory-vendor", "inventory-product", "inventory-version",
	"inventory-supplier"}

// rawMarkup is what hostile text would look like had it become markup.
var rawMarkup = []string{`<script>alert(`, `<img src=x`}

// hostileSite is the demo site with hostile text in every field of hostileFields.
func hostileSite(t *testing.T) *site {
	t.Helper()
	s := demoSite(t)
	ctx := context.Background()
	admin := vigil.Principal{Email: sectorAdmin, Role: vigil.RoleSectorAdmin}
	name, region := hostile("org-name"), hostile("org-region")
	contacts := []vigil.Contact{{Name: hostile("contact-name"), Role: hostile("contact-role"), Email: "registered.manager@oakleigh-house-care-home.example"}}
	if _, err := s.app.Orgs.Update(ctx, admin, demo.CareHomeODS, vigil.OrgPatch{Name: &name, Region: &region, Contacts: &contacts}); err != nil {
		t.Fatalf("give the care home a hostile name: %v", err)
	}
	if _, err := s.app.ThreatIntel.CreateFeed(ctx, admin, vigil.Feed{Name: hostile("feed-name"), Kind: vigil.FeedURL, URL: "https://intel.example/list.txt"}); err != nil {
		t.Fatalf("add a feed with a hostile name: %v", err)
	}
	home, err := s.app.Orgs.Get(ctx, admin, demo.CareHomeODS)
	if err != nil || len(home.IPRanges) == 0 {
		t.Fatalf("the care home's addresses: %v %v", home.IPRanges, err)
	}
	up := threatintel.Upload{Source: hostile("upload-source"), TLP: vigil.TLPGreen, Name: "hostile.stix.json"}
	rep, err := s.app.ThreatIntel.Import(ctx, admin, up, strings.NewReader(hostileBundle(home.IPRanges[0].Addr().Next().String())))
	if err != nil {
		t.Fatalf("upload hostile intel: %v", err)
	}
	if rep.Total < 2 {
		t.Fatalf("the hostile intel was not all taken (%d of 2 indicators): %+v", rep.Total, rep)
	}
	b := s.signIn(careManager)
	id := hostileAlert(t, b.get("/"))
	if p := b.post("/alerts/"+id+"/resolve", url.Values{"note": {hostile("resolution-note")}}); p.status != http.StatusSeeOther {
		t.Fatalf("resolve with a hostile note: %d\n%s", p.status, p.body)
	}
	hostileIncident(t, s)
	hostileInventory(t, s)
	return s
}

// hostileBundle is a STIX 2.1 bundle whose indicators name the care home's address and
// a page on its website, with hostile text in every free-text field.
func hostileBundle(ip string) string {
	creator := map[string]any{"type": "identity", "spec_version": "2.1", "id": "identity--7a0b3f55-2d4e-4b0c-9a55-1f0d4c3e8a01",
		"name": hostile("stix-creator"), "identity_class": "organization"}
	ind := func(id, pattern string) map[string]any {
		return map[string]any{"type": "indicator", "spec_version": "2.1", "id": id,
			"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "valid_from": "2026-01-01T00:00:00Z",
			"created_by_ref": creator["id"], "name": hostile("stix-name"), "description": hostile("stix-description"),
			"labels": []string{hostile("stix-label")}, "pattern_type": "stix", "pattern": pattern}
	}
	page := `http://www.oakleigh-house-care-home.example/XSS-url-path/"><img src=x onerror=alert(1)>`
	bundle := map[string]any{"type": "bundle", "id": "bundle--5c3d0a2e-8f1b-4e8e-b7a4-0c6d2f9e1b11", "objects": []any{creator,
		ind("indicator--0f8e4a55-6b1c-4f4e-9d61-2a7b3c4d5e01", fmt.Sprintf("[ipv4-addr:value = '%s']", ip)),
		ind("indicator--0f8e4a55-6b1c-4f4e-9d61-2a7b3c4d5e02", fmt.Sprintf("[url:value = '%s']", strings.ReplaceAll(page, "'", `\'`))),
	}}
	b, _ := json.Marshal(bundle)
	return string(b)
}

// hostileAlert is the id of the alert the hostile intel raised, which p links to with
// its title (it carries the indicator's labels): resolving that one puts the hostile note
// behind a link the crawl always follows.
func hostileAlert(t *testing.T, p page) string {
	t.Helper()
	m := regexp.MustCompile(`href="/alerts/(\d+)"[^>]*>[^<]*XSS-`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the page links to no alert raised by the hostile intel\n%s", p.body)
	}
	return m[1]
}

// TestHostileTextIsInert crawls every page each demo person can reach from "/" and
// checks that the hostile text shows as text: never as markup, a script address or an
// evaluated template.
func TestHostileTextIsInert(t *testing.T) {
	s := hostileSite(t)
	shown := map[string]bool{}
	for _, who := range []string{sectorAdmin, analyst, trustAdmin, wardManager, careManager, supplier} {
		pages := s.signIn(who).crawl(crawlLimit, perShape)
		for _, p := range pages {
			if p.status >= 500 {
				t.Errorf("%s: %s answered %d\n%s", who, p.path, p.status, p.body)
			}
			if p.status == http.StatusNotFound && !strings.Contains(p.path, "?") {
				t.Logf("%s: %s is linked to but answers 404 (a page not built yet?)", who, p.path)
			}
			for _, problem := range inertProblems(p.body) {
				t.Errorf("%s: %s: %s", who, p.path, problem)
			}
			for _, f := range hostileFields {
				if strings.Contains(p.body, "XSS-"+f) {
					shown[f] = true
				}
			}
		}
		t.Logf("%s: %d pages checked", who, len(pages))
	}
	var missing, unseen []string
	for _, f := range hostileFields {
		switch {
		case shown[f]:
		case slices.Contains(mustShow, f):
			missing = append(missing, f)
		default:
			unseen = append(unseen, f)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no page showed the hostile %s, which today's pages show: the crawl did not reach them", strings.Join(missing, ", "))
	}
	if len(unseen) > 0 {
		t.Logf("fields no page shows yet: %s", strings.Join(unseen, ", "))
	}
}

// inertProblems lists the ways hostile text has become live in body: raw markup, an
// inline script, an event handler attribute, a javascript: address, or template
// syntax that was evaluated.
func inertProblems(body string) []string {
	var out []string
	for _, raw := range rawMarkup {
		if i := strings.Index(body, raw); i >= 0 {
			out = append(out, fmt.Sprintf("raw markup %q in the page: …%s…", raw, excerpt(body, i)))
		}
	}
	// Where the marker shows as text (followed by its space, not inside an address), the
	// template syntax after it shows as typed.
	for _, m := range regexp.MustCompile(`XSS-[a-z-]+ `).FindAllStringIndex(body, -1) {
		if !strings.HasPrefix(body[m[1]:], "{{.}}") {
			out = append(out, fmt.Sprintf("hostile text without its template syntax as typed: …%s…", excerpt(body, m[0])))
		}
	}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			switch {
			case strings.HasPrefix(a.Key, "on"):
				out = append(out, fmt.Sprintf("<%s> has an event handler %s=%q", tok.Data, a.Key, a.Val))
			case (a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction") && strings.HasPrefix(v, "javascript:"):
				out = append(out, fmt.Sprintf("<%s %s=%q> runs script", tok.Data, a.Key, a.Val))
			}
		}
		if tok.Data == "script" && !slices.ContainsFunc(tok.Attr, func(a html.Attribute) bool { return a.Key == "src" }) {
			out = append(out, "an inline <script> element")
		}
	}
}

// excerpt is the text around body[i], for a failure message.
func excerpt(body string, i int) string {
	return body[max(i-60, 0):min(i+100, len(body))]
}

// The crawl's bounds: pages per person, and pages of one shape (the same path with
// other numbers, the same query keys), so that a long list of alerts does not crowd
// out the other pages. A link whose text carries hostile text is always followed.
const (
	crawlLimit = 200
	perShape   = 3
)

// crawled is one page the crawl fetched.
type crawled struct {
	path   string
	status int
	body   string // empty unless the page is HTML
	hot    bool   // reached by a link whose text carries hostile text
}

// crawl fetches the pages reachable from "/" through same-site links, breadth first,
// and the result of every GET form on them filled in with hostile text (a filter that
// repeats what was typed must escape it too). POST forms are left alone: they change
// things, and sign-out would end the crawl.
func (b *browser) crawl(limit, perShape int) []crawled {
	b.site.t.Helper()
	type next struct {
		path string
		hot  bool
	}
	queue := []next{{path: "/"}}
	seen := map[string]bool{"/": true}
	shapes := map[string]int{}
	var out []crawled
	for len(queue) > 0 && len(out) < limit {
		n := queue[0]
		queue = queue[1:]
		if sh := shape(n.path); !n.hot {
			if shapes[sh] >= perShape {
				continue
			}
			shapes[sh]++
		}
		p := b.get(n.path)
		c := crawled{path: n.path, status: p.status, hot: n.hot}
		if strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
			c.body = p.body
		}
		out = append(out, c)
		for _, l := range links(n.path, c.body) {
			if !seen[l.path] {
				seen[l.path] = true
				queue = append(queue, next{l.path, l.hot})
			}
		}
	}
	return out
}

// link is a same-site address a page leads to.
type link struct {
	path string
	hot  bool
}

// links are the same-site addresses of the page at base: its links, and its GET forms
// with every field set to hostile text. Assets and downloads are left out.
func links(base, body string) []link {
	from, _ := url.Parse(base)
	var out []link
	add := func(ref string, hot bool) {
		u, err := from.Parse(ref)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "/assets/") ||
			u.Query().Get("format") != "" {
			return
		}
		u.Fragment = ""
		out = append(out, link{u.RequestURI(), hot})
	}
	z := html.NewTokenizer(strings.NewReader(body))
	var href string // the open <a>'s address
	var text strings.Builder
	var form *url.URL // the open GET form's address, with its fields
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		tok := z.Token()
		switch {
		case tt == html.TextToken && href != "":
			text.WriteString(tok.Data)
		case tt == html.StartTagToken && tok.Data == "a":
			href = attr(tok, "href")
			text.Reset()
		case tt == html.EndTagToken && tok.Data == "a" && href != "":
			add(href, strings.Contains(text.String(), "XSS-"))
			href = ""
		case tt == html.StartTagToken && tok.Data == "form" && strings.EqualFold(cmp.Or(attr(tok, "method"), "get"), "get"):
			form, _ = from.Parse(attr(tok, "action"))
			if form != nil {
				form.RawQuery = ""
			}
		case (tt == html.StartTagToken || tt == html.SelfClosingTagToken) && form != nil &&
			(tok.Data == "input" || tok.Data == "select" || tok.Data == "textarea") && attr(tok, "name") != "":
			q := form.Query()
			q.Set(attr(tok, "name"), hostile("query-"+attr(tok, "name")))
			form.RawQuery = q.Encode()
		case tt == html.EndTagToken && tok.Data == "form" && form != nil:
			add(form.String(), false)
			form = nil
		}
	}
}

func attr(tok html.Token, name string) string {
	for _, a := range tok.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// shape is an address with its numbers and query values left out: /alerts/{n}?status.
func shape(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return regexp.MustCompile(`\d+`).ReplaceAllString(u.Path, "{n}") + "?" + strings.Join(keys, "&")
}

// TestBrowserEveryKindOfPage opens, in a real browser, every kind of page each demo
// person reaches from "/" on the site with hostile text (see shape: one alert page
// stands for all), with the Content-Security-Policy bypassed so that escaping alone
// stands between the text and the page: no dialog may open. axe-core checks each kind
// of page once, so that pages added later are checked for accessibility too, without a
// journey of their own.
func TestBrowserEveryKindOfPage(t *testing.T) {
	s := hostileSite(t)
	axed := map[string]bool{}
	for _, who := range []string{sectorAdmin, analyst, trustAdmin, wardManager, careManager, supplier} {
		var paths []string
		kinds := map[string]bool{"/?": true} // signing in shows the home page
		pages := s.signIn(who).crawl(crawlLimit, perShape)
		// Of each kind, a page with hostile text on it stands for the others.
		sort.SliceStable(pages, func(i, j int) bool {
			return strings.Contains(pages[i].body, "XSS-") && !strings.Contains(pages[j].body, "XSS-")
		})
		for _, p := range pages {
			if p.status == http.StatusOK && p.body != "" && !kinds[shape(p.path)] {
				kinds[shape(p.path)] = true
				paths = append(paths, p.path)
			}
		}
		scr := desktop
		if who == careManager || who == wardManager {
			scr = phone
		}
		tb := s.openTab(t, who, scr)
		tb.axeOnce = axed
		tb.run("bypass the page's policy", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true})
			return err
		}))
		tb.signIn(who)
		for _, p := range paths {
			tb.visit(p)
		}
		t.Logf("%s: %d pages opened in the browser", who, len(paths)+2)
	}
}
