package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

const demoPassword = "demo password for the serve test"

// syncBuffer is an output stream the test reads while the server writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is `vigil serve` running in-process.
type served struct {
	url    string
	out    *syncBuffer
	stderr *syncBuffer
	stop   func() int // ends the server as SIGINT would and returns its exit status
}

// startServe runs `vigil serve args...` in-process and waits until it has printed
// everything it prints before serving (the demo's welcome ends with the telemetry curl).
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{out: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), s.out, s.stderr) }()
	var once sync.Once
	code := -1
	s.stop = func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(2 * time.Minute)
	for !servedAll(s.out.String(), args) {
		select {
		case c := <-done:
			once.Do(func() { code = c }) // stop must not wait for an exit already received
			t.Fatalf("vigil serve exited with %d before serving:\n%s\n%s", c, s.out, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("vigil serve printed no URL:\n%s\n%s", s.out, s.stderr)
		}
	}
	line, _, _ := strings.Cut(strings.SplitAfter(s.out.String(), "vigil is listening on ")[1], "\n")
	s.url = line
	return s
}

// servedAll reports whether out holds all serve prints before serving.
func servedAll(out string, args []string) bool {
	if !strings.Contains(out, "vigil is listening on http://") {
		return false
	}
	demo := false
	for _, a := range args {
		demo = demo || a == "--demo"
	}
	return !demo || strings.Contains(out, "/api/v1/telemetry\n") || strings.Contains(out, "no demo logins")
}

// printedLogins reads the role and email columns of the demo's login table.
func printedLogins(out string) map[string][]string {
	logins := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && vigil.Role(f[0]).Valid() && strings.Contains(f[1], "@") {
			logins[f[0]] = append(logins[f[0]], f[1])
		}
	}
	return logins
}

// apiClient talks to a running server as one caller.
type apiClient struct {
	t     *testing.T
	url   string
	token string
	http  *http.Client
}

func newClient(t *testing.T, url string) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, url: url, http: &http.Client{Jar: jar, Timeout: time.Minute}}
}

// do sends a request and returns the status and body.
func (c *apiClient) do(method, path, contentType string, body io.Reader) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// getJSON GETs path, expects 200 and decodes the body into v.
func (c *apiClient) getJSON(path string, v any) {
	c.t.Helper()
	status, body := c.do(http.MethodGet, path, "", nil)
	if status != http.StatusOK {
		c.t.Fatalf("GET %s = %d: %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		c.t.Fatalf("GET %s: %v in %s", path, err, body)
	}
}

func (c *apiClient) login(email, password string) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	if status, b := c.do(http.MethodPost, "/api/v1/session", "application/json", bytes.NewReader(body)); status != http.StatusOK {
		c.t.Fatalf("sign in as %s = %d: %s", email, status, b)
	}
}

// alertJSON is the part of an alert the tests look at.
type alertJSON struct {
	ID         int64  `json:"id"`
	Org        string `json:"org"`
	Kind       string `json:"kind"`
	Observable string `json:"observable"`
	Indicator  string `json:"indicator"`
	Count      int    `json:"count"`
}

// alerts returns every alert the caller sees, following the pages.
func (c *apiClient) alerts() []alertJSON {
	c.t.Helper()
	var all []alertJSON
	cursor := ""
	for {
		var page struct {
			Items      []alertJSON `json:"items"`
			NextCursor string      `json:"next_cursor"`
		}
		c.getJSON("/api/v1/alerts?limit=1000&cursor="+cursor, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir, "--demo", "--demo-password", demoPassword)
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") || strings.HasSuffix(s.url, ":0") {
		t.Fatalf("printed URL %q should be the real address", s.url)
	}
	logins := printedLogins(s.out.String())
	for _, role := range []string{"sector_admin", "sector_analyst", "org_admin", "org_member", "supplier"} {
		if len(logins[role]) == 0 {
			t.Errorf("no %s login printed in:\n%s", role, s.out)
		}
	}
	for role, emails := range logins {
		for _, email := range emails {
			t.Run(role+" "+email, func(t *testing.T) {
				c := newClient(t, s.url)
				c.login(email, demoPassword)
				var me struct{ Email, Role, Org string }
				c.getJSON("/api/v1/me", &me)
				if me.Email != email || me.Role != role {
					t.Errorf("/me = %+v, want %s as %s", me, email, role)
				}
				for _, a := range c.alerts() {
					if !vigil.Role(role).Sector() && me.Role != "supplier" && a.Org != me.Org {
						t.Errorf("%s sees alert %d of %s", email, a.ID, a.Org)
					}
				}
			})
		}
	}
	c := newClient(t, s.url)
	if status, _ := c.do(http.MethodGet, "/metrics", "", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /metrics without a login = %d, want 401", status)
	}
	c.login(logins["sector_analyst"][0], demoPassword)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/api/v1/docs"} {
		if status, body := c.do(http.MethodGet, path, "", nil); status != http.StatusOK {
			t.Errorf("GET %s = %d: %.200s", path, status, body)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "secret")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the server secret should be in the data dir with mode 0600: %v", err)
	}
	if code := s.stop(); code != ExitOK {
		t.Errorf("a graceful shutdown should exit 0, got %d:\n%s", code, s.stderr)
	}

	// A restart keeps the data, says so and still prints the logins.
	again := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir, "--demo")
	out := again.out.String()
	if !strings.Contains(out, "not seeded again") || len(printedLogins(out)["sector_analyst"]) != 1 || strings.Contains(out, demoPassword) {
		t.Errorf("a restart with --demo should not reseed, should print the logins and not know the password:\n%s", out)
	}
	newClient(t, again.url).login(logins["sector_analyst"][0], demoPassword)
}

// The demo's sample data raises each kind of alert, once the centre's flows are in.
// TestServeDemoInTheDefaultDataDir runs the README's first command as a new user does:
// no --data-dir, so the data lands in ./vigil-data, a relative path every part of the
// server (the demo's advisory mirror among them) must cope with.
func TestServeDemoInTheDefaultDataDir(t *testing.T) {
	t.Chdir(t.TempDir())
	s := startServe(t, "--addr", "127.0.0.1:0", "--demo", "--demo-password", demoPassword)
	if len(printedLogins(s.out.String())) == 0 {
		t.Fatalf("no demo logins printed:\n%s", s.out)
	}
	if _, err := os.Stat(filepath.Join("vigil-data", "advisories", "osv-demo")); err != nil {
		t.Errorf("the demo's advisory mirror is not in ./vigil-data: %v", err)
	}
}

func TestServeDemoHasAlertsOfEveryKind(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--demo", "--demo-password", demoPassword)
	c := newClient(t, s.url)
	c.login(printedLogins(s.out.String())["sector_analyst"][0], demoPassword)
	kinds := map[string]int{}
	for _, a := range c.alerts() {
		kinds[a.Kind]++
	}
	for _, k := range vigil.AlertKinds {
		if kinds[string(k)] == 0 {
			t.Errorf("no %s alerts after seeding the demo (alerts by kind: %v)", k, kinds)
		}
	}
	// The trust's log4j-core 2.14.1 against the demo's Log4Shell record.
	if status, body := c.do(http.MethodGet, "/api/v1/vulnerabilities/CVE-2021-44228", "", nil); status != http.StatusOK || !strings.Contains(string(body), `"R9A"`) {
		t.Errorf("Log4Shell on the demo's exposure board: %d %.300s", status, body)
	}
	// The care-plan supplier's consolidated finding: its app at two care homes.
	sup := newClient(t, s.url)
	sup.login(printedLogins(s.out.String())["supplier"][0], demoPassword)
	if status, body := sup.do(http.MethodGet, "/api/v1/supplied-vulnerabilities", "", nil); status != http.StatusOK ||
		!strings.Contains(string(body), `"SECTOR-2026-0012"`) || !strings.Contains(string(body), `"orgs":2`) {
		t.Errorf("the supplier's vulnerabilities in the demo: %d %.500s", status, body)
	}
	if t.Failed() {
		t.Logf("what serve printed:\n%s", s.out)
	}
}

func TestServeOnPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	t.Setenv("VIGIL_SECRET", strings.Repeat("5a", 32))
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--db", dsn, "--demo", "--demo-password", demoPassword)
	c := newClient(t, s.url)
	c.login(printedLogins(s.out.String())["org_admin"][0], demoPassword)
	var me struct{ Org string }
	c.getJSON("/api/v1/me", &me)
	if me.Org == "" {
		t.Errorf("the org_admin has no organisation")
	}
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vigil.json")
	os.WriteFile(file, []byte(`{"adr": "127.0.0.1:9000"}`), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"address without a port", nil, []string{"--addr", "localhost"}, "host:port"},
		{"short demo password", nil, []string{"--demo", "--demo-password", "short"}, "demo_password must be at least 12"},
		{"misspelt key in the config file", nil, []string{"--config", file}, `"adr"`},
		{"log level", map[string]string{"VIGIL_LOG_LEVEL": "loud"}, nil, "log_level"},
		{"secret that is not hex", map[string]string{"VIGIL_SECRET": "letmein"}, nil, "VIGIL_SECRET must be hexadecimal"},
		{"trusted origin with a path", map[string]string{"VIGIL_TRUSTED_ORIGINS": "https://soc.example.org/vigil"}, nil, "trusted_origins"},
		{"unknown database", map[string]string{"VIGIL_DB": "mysql://x"}, nil, "postgres://"},
		{"base URL without scheme", map[string]string{"VIGIL_BASE_URL": "vigil.example.org"}, nil, "base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, stderr := run(t, "", append([]string{"serve", "--data-dir", filepath.Join(dir, "data")}, tt.args...)...)
			if code != ExitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and a message containing %q", code, stderr, ExitUsage, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("a refused configuration should create nothing: %v", err)
	}
}

func TestServeSaysWhenThePortIsTaken(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
	code, _, stderr := run(t, "", "serve", "--addr", strings.TrimPrefix(s.url, "http://"), "--data-dir", t.TempDir())
	if code != ExitFailure || !strings.Contains(stderr, "--addr") {
		t.Errorf("exit %d, stderr %q; want %d and advice to use --addr", code, stderr, ExitFailure)
	}
}

func TestServeAppliesTheConfiguredBodyLimits(t *testing.T) {
	// Caps above the demo's own sample files (the demo replays them through the same
	// ingest) and below the bodies sent here.
	t.Setenv("VIGIL_MAX_EVENT_BYTES", "8192")
	t.Setenv("VIGIL_MAX_TELEMETRY_BYTES", "8192")
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--demo", "--demo-password", demoPassword)
	line := `{"type":"scan","observable":"198.51.100.250","time":"2026-01-01T00:00:00Z","source":"limit test","severity":"low"}` + "\n"
	big := strings.Repeat(line, 16384/len(line)+1)

	analyst := newClient(t, s.url)
	analyst.login(printedLogins(s.out.String())["sector_analyst"][0], demoPassword)
	if status, body := analyst.do(http.MethodPost, "/api/v1/events", "application/x-ndjson", strings.NewReader(big)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("events over max_event_bytes = %d, want 413: %.300s", status, body)
	}
	sensor := newClient(t, s.url)
	sensor.token = printedSensorToken(s.out.String())
	if status, body := sensor.do(http.MethodPost, "/api/v1/telemetry", "application/x-ndjson", strings.NewReader(big)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("telemetry over max_telemetry_bytes = %d, want 413: %.300s", status, body)
	}
}

// printedSensorToken finds the demo's sensor token in serve's output.
func printedSensorToken(out string) string {
	for _, f := range strings.Fields(out) {
		if strings.HasPrefix(f, "vgl_") {
			return f
		}
	}
	return ""
}

// Demo mode never sends mail, even with a relay configured: the demo's high alerts are
// written as .eml files in <data-dir>/outbox, which GET /emails names.
func TestServeDemoWritesMailAsFiles(t *testing.T) {
	t.Setenv("VIGIL_SMTP_HOST", "smtp.invalid")
	t.Setenv("VIGIL_SMTP_FROM", "vigil@hccc.example")
	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir, "--demo", "--demo-password", demoPassword)
	var files []string
	for deadline := time.Now().Add(60 * time.Second); len(files) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		files, _ = filepath.Glob(filepath.Join(dir, "outbox", "outbox-*.eml"))
	}
	if len(files) == 0 {
		t.Fatalf("no .eml files in %s/outbox after the demo's alerts; serve printed:\n%s", dir, s.out)
	}
	c := newClient(t, s.url)
	c.login(printedLogins(s.out.String())["sector_analyst"][0], demoPassword)
	var page struct {
		Items []struct {
			File      string `json:"file"`
			Recipient string `json:"recipient"`
			Status    string `json:"status"`
		} `json:"items"`
	}
	c.getJSON("/api/v1/emails?status=delivered", &page)
	leads := 0
	for _, e := range page.Items {
		if e.File == "" || e.Status != "delivered" {
			t.Errorf("e-mail %+v has no file", e)
		}
		if strings.HasPrefix(e.Recipient, "security@") {
			leads++
		}
	}
	if leads == 0 {
		t.Errorf("GET /emails = %+v, want e-mails to the organisations' security leads", page.Items)
	}
}
