package pages_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// demoPassword is every demo user's password in these tests.
const demoPassword = "demo password for page tests"

// The demo's people, by what they do.
const (
	analyst     = "analyst@hccc.example"
	sectorAdmin = "admin@hccc.example"
	trustAdmin  = "it.lead@northbrook-hospitals.example"
	wardManager = "ward.manager@northbrook-hospitals.example"
	careManager = "manager@oakleigh-house-care-home.example"
	supplier    = "security@careplancloud.example"
)

// site is a running vigil server over the seeded demo sector.
type site struct {
	t     testing.TB
	url   string
	store *store.Store
	app   *app.App
}

var (
	sharedOnce sync.Once
	shared     *site
)

// newSite starts a server over a fresh store seeded with the demo sector (SQLite in a
// temporary directory, or PostgreSQL when s is given by storetest.Each).
func newSite(t testing.TB, s *store.Store) *site {
	t.Helper()
	return newSiteWith(t, s, nil)
}

// newSiteWith is newSite whose imports leave out what the warninglists know, as
// `vigil serve` does with its built-in set.
func newSiteWith(t testing.TB, s *store.Store, benign *intel.Warninglists) *site {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	// E-mail goes to .eml files as in demo mode; feeds and webhooks may reach the tests' servers.
	a, err := app.Open(ctx, app.Deps{Store: s, Logger: log, Flows: app.Flows{Secret: []byte("0123456789abcdef0123456789abcdef"),
		FeedAllowPrivate: loopback, WebhookAllowPrivate: loopback, Warninglists: benign, Mail: notify.Mail{Dir: t.TempDir(), Files: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, s, a, demo.Options{Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Deps{App: a, Logger: log})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &site{t: t, url: "http://" + ln.Addr().String(), store: s, app: a}
}

// demoSite is a fresh demo site on SQLite for one test.
func demoSite(t testing.TB) *site {
	t.Helper()
	return newSite(t, storetest.Open(t))
}

// browser is one person's cookie jar on the site, like a browser tab: it does not follow
// redirects, so that tests see them.
type browser struct {
	site   *site
	client *http.Client
}

// anonymous is a browser that has not signed in.
func (s *site) anonymous() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{site: s, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn is a browser in which email has signed in through the sign-in form.
func (s *site) signIn(email string) *browser {
	s.t.Helper()
	b := s.anonymous()
	r := b.post("/sign-in", url.Values{"email": {email}, "password": {demoPassword}})
	if r.status != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: %d\n%s", email, r.status, r.body)
	}
	return b
}

// page is a response: its status, headers and body.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) page {
	b.site.t.Helper()
	req, err := http.NewRequest("GET", b.site.url+path, nil)
	if err != nil {
		b.site.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	return b.do(req)
}

// post submits a form as a browser on the same site would (Sec-Fetch-Site: same-origin).
func (b *browser) post(path string, form url.Values) page {
	b.site.t.Helper()
	req, err := http.NewRequest("POST", b.site.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.site.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.site.url)
	return b.do(req)
}

func (b *browser) do(req *http.Request) page {
	b.site.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.site.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.site.t.Fatal(err)
	}
	return page{status: res.StatusCode, header: res.Header, body: string(body)}
}

// has reports whether the page's text contains every one of want.
func (p page) has(want ...string) bool {
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			return false
		}
	}
	return true
}
