package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

func TestCrossOriginProtection(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	tok, _ := f.token("sector_admin")
	newOrg := func() map[string]any {
		return map[string]any{"ods_code": f.unique("CSRF"), "name": "Care Home", "kind": "care_provider"}
	}
	host := strings.TrimPrefix(f.url, "http://")
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		body    any
		auth    auth
		headers []string
		want    int
	}{
		{"cross-site POST with a cookie", "POST", "/api/v1/orgs", newOrg(), f.as("sector_admin"), []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"foreign Origin with a cookie", "POST", "/api/v1/orgs", newOrg(), f.as("sector_admin"), []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"same-origin POST with a cookie", "POST", "/api/v1/orgs", newOrg(), f.as("sector_admin"), []string{"Sec-Fetch-Site", "same-origin"}, http.StatusCreated},
		{"own Origin with a cookie", "POST", "/api/v1/orgs", newOrg(), f.as("sector_admin"), []string{"Origin", "http://" + host}, http.StatusCreated},
		{"no browser headers (a script) with a cookie", "POST", "/api/v1/orgs", newOrg(), f.as("sector_admin"), nil, http.StatusCreated},
		{"cross-site POST with a bearer token", "POST", "/api/v1/orgs", newOrg(), bearer(tok), []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, http.StatusCreated},
		{"cross-site GET with a cookie", "GET", "/api/v1/orgs", nil, f.as("sector_admin"), []string{"Sec-Fetch-Site", "cross-site"}, http.StatusOK},
		{"cross-site sign-in", "POST", "/api/v1/session", map[string]string{"email": "admin@centre.example", "password": password}, noAuth, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"cross-site sign-out", "DELETE", "/api/v1/session", nil, f.as("org_member"), []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"cross-site alert ack", "POST", "/api/v1/alerts/1/ack", nil, f.as("org_member"), []string{"Origin", "https://evil.example"}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(tc.method, tc.path, tc.body, tc.auth, tc.headers...)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want == http.StatusForbidden && !strings.Contains(r.problem(t).Detail, "another site") {
				t.Errorf("refusal does not say why: %s", r.body)
			}
		})
	}
}

// TestCrossOriginFormIsRefusedWithAPage: a browser's form posted from another site is
// refused with an error page saying why, not with the API's JSON problem.
func TestCrossOriginFormIsRefusedWithAPage(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	r := f.do("POST", "/alerts/1/ack", "note=x", f.as("org_member"), "Content-Type", "application/x-www-form-urlencoded",
		"Accept", "text/html,application/xhtml+xml", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if r.status != http.StatusForbidden || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(r.body), "came from another site and was refused") {
		t.Errorf("cross-site form: %d %q, want 403 and an error page saying why:\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
}

func TestTrustedOrigin(t *testing.T) {
	f := startServer(t, storetest.Open(t), web.Deps{TrustedOrigins: []string{"https://vigil.example"}})
	f.seed()
	body := map[string]string{"email": "admin@centre.example", "password": password}
	if r := f.do("POST", "/api/v1/session", body, noAuth, "Origin", "https://vigil.example", "Sec-Fetch-Site", "cross-site"); r.status != http.StatusOK {
		t.Errorf("trusted origin: %d, want 200: %s", r.status, r.body)
	}
}

func TestBearerTokens(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	tok, id := f.token("org_admin")
	revoked, rid := f.token("org_admin")
	if err := f.store.RevokeToken(context.Background(), rid); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		auth       auth
		wantStatus int
		wantDetail string
	}{
		{"valid token", bearer(tok), http.StatusOK, ""},
		{"valid token beside another user's cookie", func(r *http.Request) { f.as("sector_admin")(r); bearer(tok)(r) }, http.StatusOK, ""},
		{"revoked token", bearer(revoked), http.StatusUnauthorized, "revoked"},
		{"unknown token", bearer("vgl_" + strings.Repeat("A", 43)), http.StatusUnauthorized, "not valid"},
		{"not a vigil token", bearer("abc"), http.StatusUnauthorized, "start with vgl_"},
		{"basic auth", func(r *http.Request) { r.SetBasicAuth("admin@rxa.example", password) }, http.StatusUnauthorized, "Bearer"},
		{"ended session", cookie(strings.Repeat("x", 43)), http.StatusUnauthorized, "sign in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("GET", "/api/v1/me", nil, tc.auth)
			if r.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tc.wantStatus, r.body)
			}
			if tc.wantStatus != http.StatusOK {
				if p := r.problem(t); !strings.Contains(p.Detail, tc.wantDetail) {
					t.Errorf("detail %q, want it to contain %q", p.Detail, tc.wantDetail)
				}
				return
			}
			var me struct {
				Email   string `json:"email"`
				Auth    string `json:"auth"`
				TokenID int64  `json:"token_id"`
			}
			r.decode(t, &me)
			if me.Email != "admin@rxa.example" || me.Auth != "token" || me.TokenID != id {
				t.Errorf("me = %+v, want admin@rxa.example by token %d", me, id)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	s, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	f := startServer(t, s, web.Deps{})
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := f.do("GET", path, nil, noAuth); r.status != http.StatusOK {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	s.Close()
	if r := f.do("GET", "/healthz", nil, noAuth); r.status != http.StatusOK {
		t.Errorf("/healthz with the database closed: %d, want 200 (the process is up)", r.status)
	}
	r := f.do("GET", "/readyz", nil, noAuth)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("/readyz with the database closed: %d Retry-After %q, want 503 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	ingested := prometheus.NewCounter(prometheus.CounterOpts{Name: "vigil_test_ingested_total", Help: "Test."})
	f.srv.Metrics().MustRegister(ingested)
	ingested.Add(3)
	f.do("GET", "/api/v1/me", nil, f.as("org_member"))
	f.do("GET", "/api/v1/orgs/RXB", nil, f.as("org_member"))
	f.do("GET", "/no/such/page", nil, noAuth)
	r := f.do("GET", "/metrics", nil, f.as("sector_analyst"))
	if r.status != http.StatusOK {
		t.Fatalf("/metrics: %d", r.status)
	}
	for _, want := range []string{
		`vigil_http_requests_total{route="GET /api/v1/me",status="200"} 1`,
		`vigil_http_requests_total{route="GET /api/v1/orgs/{ods}",status="404"} 1`,
		`vigil_http_requests_total{route="unmatched",status="404"} 1`,
		`vigil_http_request_duration_seconds_bucket{route="GET /api/v1/me",le="+Inf"} 1`,
		`vigil_test_ingested_total 3`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestPanicIsAProblem(t *testing.T) {
	logs := &logBuffer{}
	f := startServer(t, storetest.Open(t), web.Deps{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	f.srv.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret internal state") })
	r := f.do("GET", "/boom", nil, noAuth)
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", r.status)
	}
	p := r.problem(t)
	id := r.header.Get("X-Request-Id")
	if id == "" || !strings.HasSuffix(p.Instance, id) || !strings.Contains(p.Detail, id) {
		t.Errorf("problem %+v does not name request %q", p, id)
	}
	if strings.Contains(string(r.body), "secret") || strings.Contains(string(r.body), "goroutine") {
		t.Errorf("the response leaks the panic: %s", r.body)
	}
	if l := logs.String(); !strings.Contains(l, "secret internal state") || !strings.Contains(l, "goroutine") || !strings.Contains(l, id) {
		t.Errorf("the log lacks the panic, its stack or the request id:\n%s", l)
	}
}

func TestRequestLog(t *testing.T) {
	logs := &logBuffer{}
	f := startServer(t, storetest.Open(t), web.Deps{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	f.seed()
	r := f.do("GET", "/api/v1/orgs/RXA?limit=1", nil, f.as("org_admin"))
	var line map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) == nil && l["msg"] == "http request" && l["request_id"] == r.header.Get("X-Request-Id") {
			line = l
		}
	}
	want := map[string]any{"method": "GET", "path": "/api/v1/orgs/RXA", "route": "GET /api/v1/orgs/{ods}",
		"status": float64(200), "principal": "admin@rxa.example", "remote": "127.0.0.1"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v (line %v)", k, line[k], v, line)
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Errorf("log line has no duration: %v", line)
	}
}

func TestUnroutedRequests(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	for _, tc := range []struct {
		name, method, path string
		want               int
		wantAllow          string
	}{
		{"unknown path", "GET", "/api/v1/nothing", http.StatusNotFound, ""},
		{"unknown method", "PUT", "/api/v1/orgs", http.StatusMethodNotAllowed, "GET, HEAD, POST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(tc.method, tc.path, nil, f.as("sector_admin"))
			if r.status != tc.want || r.header.Get("Allow") != tc.wantAllow {
				t.Errorf("%d Allow %q, want %d %q", r.status, r.header.Get("Allow"), tc.want, tc.wantAllow)
			}
			r.problem(t)
		})
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	big := `{"ods_code": "RBIG", "name": "` + strings.Repeat("x", 2<<20) + `", "kind": "trust"}`
	r := f.do("POST", "/api/v1/orgs", big, f.as("sector_admin"))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", r.status)
	}
	r.problem(t)
}

// A server that stops lets the requests it holds end, answers those whose bodies are
// still arriving with a 503 at once (a slow upload held the stop for its whole timeout)
// and, past its shutdown timeout, cancels what still runs. Serve returns nil either way,
// and only once every handler has returned: the store closes after it.
func TestGracefulShutdown(t *testing.T) {
	for _, tc := range []struct {
		name     string
		method   string
		body     bool // the client sends "data" and holds the rest of its body back
		handler  func(w http.ResponseWriter, r *http.Request, started chan<- struct{}, release <-chan struct{})
		timeout  time.Duration
		want     int // 0: the connection is closed without an answer
		wantBody string
	}{
		{name: "a request in flight ends", method: http.MethodGet, want: http.StatusOK, wantBody: "done",
			handler: func(w http.ResponseWriter, r *http.Request, started chan<- struct{}, release <-chan struct{}) {
				close(started)
				<-release
				io.WriteString(w, "done")
			}},
		{name: "a body read whole is answered as usual", method: http.MethodPost, want: http.StatusOK, wantBody: "got data",
			handler: func(w http.ResponseWriter, r *http.Request, started chan<- struct{}, release <-chan struct{}) {
				b, _ := io.ReadAll(r.Body)
				close(started)
				<-release
				io.WriteString(w, "got "+string(b))
			}},
		{name: "a body still arriving is answered 503", method: http.MethodPost, body: true,
			want: http.StatusServiceUnavailable, wantBody: "send it again",
			handler: func(w http.ResponseWriter, r *http.Request, started chan<- struct{}, _ <-chan struct{}) {
				buf := make([]byte, 4)
				n, _ := r.Body.Read(buf)
				close(started)
				rest, err := io.ReadAll(r.Body)
				if err != nil {
					http.Error(w, "the upload broke off", http.StatusBadRequest)
					return
				}
				io.WriteString(w, "got "+string(buf[:n])+string(rest))
			}},
		{name: "a request past the timeout is cancelled", method: http.MethodGet, timeout: 100 * time.Millisecond,
			handler: func(w http.ResponseWriter, r *http.Request, started chan<- struct{}, _ <-chan struct{}) {
				close(started)
				<-r.Context().Done()
				time.Sleep(200 * time.Millisecond) // a handler that takes a moment to notice
				io.WriteString(w, "too late")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := web.New(web.Deps{App: app.New(app.Deps{Store: storetest.Open(t)}), Logger: testLogger(t), ShutdownTimeout: tc.timeout})
			started, release := make(chan struct{}), make(chan struct{})
			var returned atomic.Bool
			srv.HandleFunc(tc.method+" /t", func(w http.ResponseWriter, r *http.Request) {
				defer returned.Store(true)
				tc.handler(w, r, started, release)
			})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- srv.Serve(ctx, ln) }()
			got := make(chan response, 1)
			go func() { got <- send(t, tc.method, "http://"+ln.Addr().String()+"/t", tc.body) }()
			<-started
			cancel()
			time.Sleep(50 * time.Millisecond) // let Shutdown close the listener
			if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
				t.Errorf("still accepting connections after the context ended")
			}
			close(release)
			var r response
			select {
			case r = <-got:
			case <-time.After(30 * time.Second):
				t.Fatal("the request in flight got nothing within 30 s of the stop")
			}
			if r.status != tc.want || !strings.Contains(string(r.body), tc.wantBody) {
				t.Errorf("request in flight got %d %q, want %d with %q", r.status, r.body, tc.want, tc.wantBody)
			}
			if err := <-served; err != nil {
				t.Errorf("Serve = %v, want nil after a stop", err)
			}
			if !returned.Load() {
				t.Errorf("Serve returned before the handler did")
			}
		})
	}
}

// send makes a request and returns its answer, status 0 when there was none; with
// body, it sends "data" and holds the rest of the body back until the answer comes.
func send(t *testing.T, method, url string, body bool) response {
	var rd io.Reader
	switch {
	case body:
		pr, pw := io.Pipe()
		go pw.Write([]byte("data"))
		t.Cleanup(func() { pw.Close() })
		rd = pr
	case method == http.MethodPost:
		rd = strings.NewReader("data")
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Error(err)
		return response{}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{body: []byte(err.Error())}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: b}
}
