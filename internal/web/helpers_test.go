package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/web"
)

// password is every test user's password.
const password = "correct horse battery staple"

// The test sector: two trusts, a supplier serving the first, and users of every role.
const (
	ownOrg   = "RXA"   // the organisation of the org_admin, org_member and sensor
	otherOrg = "RXB"   // an organisation none of them belongs to
	supOrg   = "YSUP1" // the supplier, which serves RXA only
)

// roles are the callers the matrix tries, anonymous last.
var roles = []string{"sector_admin", "sector_analyst", "org_admin", "org_member", "supplier", "sensor", "anonymous"}

// fixture is a running server over a seeded store.
type fixture struct {
	t      testing.TB
	store  *store.Store
	srv    *web.Server
	app    *app.App
	url    string
	client *http.Client
	users  map[string]vigil.User // by role; "other_admin" is RXB's org_admin
	sensor string                // RXA's sensor token
	seq    int                   // for unique names
	mu     sync.Mutex
}

// testSecret keys the test servers' observable index.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// startServer serves s on 127.0.0.1:0 until the test ends.
func startServer(t testing.TB, s *store.Store, d web.Deps) *fixture {
	t.Helper()
	if d.Logger == nil {
		d.Logger = testLogger(t)
	}
	if d.App == nil {
		loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} // the tests' feed and webhook servers
		a, err := app.Open(context.Background(), app.Deps{Store: s, Logger: d.Logger, Flows: app.Flows{Secret: testSecret,
			FeedAllowPrivate: loopback, WebhookAllowPrivate: loopback, Mail: notify.Mail{Dir: t.TempDir()}}})
		if err != nil {
			t.Fatal(err)
		}
		d.App = a
	}
	srv := web.New(d)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if d.App.ThreatIntel != nil {
			d.App.ThreatIntel.WaitJobs() // import jobs log through t
		}
	})
	return &fixture{t: t, store: s, srv: srv, app: d.App, url: "http://" + ln.Addr().String(),
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// newFixture starts a server over s seeded with the test sector.
func newFixture(t testing.TB, s *store.Store) *fixture {
	t.Helper()
	f := startServer(t, s, web.Deps{})
	f.seed()
	return f
}

func (f *fixture) seed() {
	f.t.Helper()
	ctx := context.Background()
	for _, o := range []vigil.Org{
		testOrg(ownOrg, vigil.OrgTrust, "192.0.2.0/25"),
		testOrg(otherOrg, vigil.OrgTrust, "198.51.100.0/24"),
		testOrg(supOrg, vigil.OrgSupplier, "203.0.113.0/24"),
	} {
		if _, _, err := f.store.CreateOrg(ctx, o); err != nil {
			f.t.Fatal(err)
		}
	}
	if err := f.store.LinkSupplier(ctx, supOrg, ownOrg); err != nil {
		f.t.Fatal(err)
	}
	f.users = map[string]vigil.User{}
	for role, nu := range map[string]vigil.NewUser{
		"sector_admin":   {Email: "admin@centre.example", Role: vigil.RoleSectorAdmin},
		"sector_analyst": {Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst},
		"org_admin":      {Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: ownOrg},
		"org_member":     {Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: ownOrg},
		"supplier":       {Email: "staff@supplier.example", Role: vigil.RoleSupplier, Org: supOrg},
		"other_admin":    {Email: "admin@rxb.example", Role: vigil.RoleOrgAdmin, Org: otherOrg},
	} {
		nu.Name, nu.Password = role, password
		u, err := f.store.CreateUser(ctx, nu)
		if err != nil {
			f.t.Fatal(err)
		}
		f.users[role] = u
	}
	raw, _, err := f.store.CreateToken(ctx, vigil.NewToken{SensorOrg: ownOrg, Name: "RXA zeek"})
	if err != nil {
		f.t.Fatal(err)
	}
	f.sensor = raw
	// The orgs were written to the store directly, so the router must be told.
	if err := f.app.EarlyWarning.Reroute(ctx); err != nil {
		f.t.Fatal(err)
	}
}

func testOrg(ods string, kind vigil.OrgKind, cidr string) vigil.Org {
	return vigil.Org{ODSCode: ods, Name: "Org " + ods, Kind: kind, Region: "North West",
		IPRanges: []netip.Prefix{netip.MustParsePrefix(cidr)}, Domains: []string{strings.ToLower(ods) + ".example"}}
}

// alert raises a fresh open alert for org and returns its id.
func (f *fixture) alert(org string, tlp vigil.TLP) int64 {
	f.t.Helper()
	id, _, err := f.store.RaiseAlert(context.Background(), vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning,
		Severity: vigil.SeverityHigh, Title: "Your address is on a botnet list", Observable: "192.0.2.10", TLP: tlp,
		DedupKey: f.unique("alert")})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// unique returns a name no other call returns.
func (f *fixture) unique(prefix string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return fmt.Sprintf("%s%d", prefix, f.seq)
}

// auth adds credentials to a request.
type auth func(*http.Request)

func noAuth(*http.Request) {}

func bearer(token string) auth {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func cookie(session string) auth {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: session}) }
}

// as returns credentials for a role: a fresh session for people (so that signing out
// in one request does not affect the next), the sensor token, or none.
func (f *fixture) as(role string) auth {
	f.t.Helper()
	switch role {
	case "anonymous":
		return noAuth
	case "sensor":
		return bearer(f.sensor)
	}
	id, _, err := f.store.CreateSession(context.Background(), f.users[role].ID, time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	return cookie(id)
}

// token returns a fresh API token acting as the role's user.
func (f *fixture) token(role string) (string, int64) {
	f.t.Helper()
	raw, t, err := f.store.CreateToken(context.Background(), vigil.NewToken{UserID: f.users[role].ID, Name: f.unique("tok")})
	if err != nil {
		f.t.Fatal(err)
	}
	return raw, t.ID
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// problem is an RFC 9457 problem as a client decodes it.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	Errors   []struct {
		Message  string `json:"message"`
		Location string `json:"location"`
	} `json:"errors"`
}

func (r response) problem(t testing.TB) problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, r.body)
	}
	var p problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem %s: %v", r.body, err)
	}
	if p.Status != r.status {
		t.Errorf("problem status %d, response status %d", p.Status, r.status)
	}
	return p
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends a request; body is JSON-encoded unless it is a string, sent as it is.
func (f *fixture) do(method, path string, body any, a auth, headers ...string) response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	a(req)
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// testLogger logs warnings and errors through t.Log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// logBuffer collects log lines for tests that inspect them.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

var errNoCookie = errors.New("no session cookie set")

// sessionCookie returns the session cookie a response set.
func (r response) sessionCookie() (*http.Cookie, error) {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == api.SessionCookie {
			return c, nil
		}
	}
	return nil, errNoCookie
}
