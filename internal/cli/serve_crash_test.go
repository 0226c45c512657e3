package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/demo"
)

// These tests kill a real `vigil serve` with SIGKILL while it ingests, restart it on the
// same data dir and check that everything it acknowledged with a 200 is still there.

// unroutedPath lists events that matched no organisation's assets.
const unroutedPath = "/api/v1/unrouted"

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// TestMain removes the binary the crash tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// vigilBinary builds cmd/vigil once per test run.
func vigilBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("crash tests build and kill the real binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vigil-crash-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "vigil")
		out, err := exec.Command("go", "build", "-o", builtBin, "github.com/vigil-health/vigil/cmd/vigil").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// process is `vigil serve` running as a child process.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
}

// startProcess starts `vigil serve` on dataDir and waits for its URL.
func startProcess(t *testing.T, bin, dataDir string, extra ...string) *process {
	t.Helper()
	return startProcessEnv(t, bin, nil, append([]string{"--data-dir", dataDir}, extra...)...)
}

// startProcessEnv starts `vigil serve` with env added to the test's environment and
// waits for its URL.
func startProcessEnv(t *testing.T, bin string, env []string, extra ...string) *process {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0"}, extra...)
	p := &process{cmd: exec.Command(bin, args...), stderr: &syncBuffer{}}
	if env != nil {
		p.cmd.Env = append(os.Environ(), env...)
	}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "vigil is listening on "); ok {
				urls <- u
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			t.Fatalf("vigil serve exited before listening:\n%s", p.stderr)
		}
		p.url = u
	case <-time.After(2 * time.Minute):
		t.Fatalf("vigil serve printed no URL:\n%s", p.stderr)
	}
	return p
}

// kill ends the server with SIGKILL: no shutdown, no flush.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
}

// stop ends the server with SIGTERM and expects a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("vigil serve after SIGTERM: %v\n%s", err, p.stderr)
	}
}

// cliToken runs `vigil token create args...` against the data dir and returns the token.
func cliToken(t *testing.T, bin, dataDir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"token", "create", "--data-dir", dataDir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vigil token create %v: %v\n%s", args, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// crashSetup starts a demo server and makes an analyst token and a sensor token with
// the CLI while it runs.
func crashSetup(t *testing.T) (bin, dataDir string, p *process, analyst, sensor string) {
	bin = vigilBinary(t)
	dataDir = t.TempDir()
	p = startProcess(t, bin, dataDir, "--demo", "--demo-password", demoPassword)
	analyst = cliToken(t, bin, dataDir, "--email", "analyst@hccc.example", "--name", "crash test")
	sensor = cliToken(t, bin, dataDir, "--sensor", "--org", demo.TrustODS, "--name", "crash test sensor")
	return bin, dataDir, p, analyst, sensor
}

// post sends an NDJSON body and returns the status and response.
func post(t *testing.T, url, token, path, body string) (int, string) {
	t.Helper()
	c := newClient(t, url)
	c.token = token
	status, b := c.do(http.MethodPost, path, "application/x-ndjson", strings.NewReader(body))
	return status, string(b)
}

// postInFlight starts a request whose body never ends: it sends lines from next until
// the returned function is called, after the server is killed. The request must fail.
func postInFlight(t *testing.T, url, token, path string, next func(i int) string) (sent func() int, finish func()) {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, url+path, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+token)
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	written := 0
	for i := 0; i < 2000; i++ {
		if _, err := io.WriteString(pw, next(i)); err != nil {
			break
		}
		written++
	}
	return func() int { return written }, func() {
		pw.CloseWithError(io.ErrUnexpectedEOF)
		if r := <-done; r.err == nil && r.status == http.StatusOK {
			t.Errorf("the request in flight when the server was killed was acknowledged")
		}
	}
}

// killMidRequest kills the server with SIGKILL while a request to path is in flight,
// its body lines from next, and starts it again on the same data dir.
func killMidRequest(t *testing.T, p *process, bin, dataDir, token, path string, next func(i int) string) *process {
	t.Helper()
	sent, finish := postInFlight(t, p.url, token, path, next)
	t.Logf("killing the server with %d lines of a request in flight", sent())
	p.kill(t)
	finish()
	return startProcess(t, bin, dataDir)
}

// wantOneAlertEach checks that each acknowledged observable has one alert, for the
// demo trust; what says what it was ("event about").
func wantOneAlertEach(t *testing.T, c *apiClient, what string, observables []string) {
	t.Helper()
	seen := map[string][]string{}
	for _, a := range c.alerts() {
		seen[a.Observable] = append(seen[a.Observable], a.Org)
	}
	for _, o := range observables {
		if orgs := seen[o]; len(orgs) != 1 || orgs[0] != demo.TrustODS {
			t.Errorf("acknowledged %s %s: alerts for %v after the restart, want one for %s", what, o, orgs, demo.TrustODS)
		}
	}
}

func TestKillDuringEventIngestLosesNothingAcknowledged(t *testing.T) {
	bin, dataDir, p, analyst, _ := crashSetup(t)
	event := func(kind, observable string) string {
		return fmt.Sprintf(`{"type":"%s","observable":"%s","time":"%s","source":"crash test","severity":"high"}`+"\n",
			kind, observable, time.Now().UTC().Add(-time.Minute).Format(time.RFC3339))
	}
	var routed, unrouted []string
	for r := range 5 {
		var body strings.Builder
		var rr, ru []string
		for i := range 20 {
			if i%4 == 3 {
				ru = append(ru, fmt.Sprintf("scanner-%d-%d.nobody.example", r, i))
				body.WriteString(event("scan", ru[len(ru)-1]))
			} else {
				rr = append(rr, fmt.Sprintf("host-%d-%d.northbrook-hospitals.example", r, i))
				body.WriteString(event("compromise", rr[len(rr)-1]))
			}
		}
		status, resp := post(t, p.url, analyst, "/api/v1/events", body.String())
		if status != http.StatusOK {
			t.Fatalf("events request %d = %d: %.300s", r, status, resp)
		}
		routed, unrouted = append(routed, rr...), append(unrouted, ru...)
	}
	p = killMidRequest(t, p, bin, dataDir, analyst, "/api/v1/events", func(i int) string {
		return event("compromise", fmt.Sprintf("inflight-%d.northbrook-hospitals.example", i))
	})
	c := newClient(t, p.url)
	c.token = analyst
	wantOneAlertEach(t, c, "event about", routed)
	var page struct {
		Items []struct {
			Observable string `json:"observable"`
		} `json:"items"`
	}
	c.getJSON(unroutedPath+"?limit=1000", &page)
	kept := map[string]bool{}
	for _, u := range page.Items {
		kept[u.Observable] = true
	}
	for _, o := range unrouted {
		if !kept[o] {
			t.Errorf("acknowledged unrouted event about %s is missing after the restart", o)
		}
	}
	auditVerify(t, bin, dataDir)
	p.stop(t)
}

func TestKillDuringTelemetryIngestLosesNothingAcknowledged(t *testing.T) {
	bin, dataDir, p, analyst, sensor := crashSetup(t)
	// Each line contacts its own address in 2001:db8:bad::/48, which the demo's abuse
	// list names as bulletproof hosting: one sighting per line.
	conn := func(r, i int) (string, string) {
		dst := fmt.Sprintf("2001:db8:bad:%x::%x", r+1, i+1)
		return fmt.Sprintf(`{"_path":"conn","ts":"%s","uid":"C%d-%d","id.orig_h":"10.20.0.%d","id.orig_p":%d,"id.resp_h":"%s","id.resp_p":443,"proto":"tcp"}`+"\n",
			time.Now().UTC().Format(time.RFC3339), r, i, i%250+1, 40000+i, dst), dst
	}
	var acknowledged []string
	for r := range 5 {
		var body strings.Builder
		var dsts []string
		for i := range 20 {
			line, dst := conn(r, i)
			body.WriteString(line)
			dsts = append(dsts, dst)
		}
		status, resp := post(t, p.url, sensor, "/api/v1/telemetry", body.String())
		if status != http.StatusOK {
			t.Fatalf("telemetry request %d = %d: %.300s", r, status, resp)
		}
		acknowledged = append(acknowledged, dsts...)
	}
	p = killMidRequest(t, p, bin, dataDir, sensor, "/api/v1/telemetry", func(i int) string {
		line, _ := conn(100, i)
		return line
	})
	c := newClient(t, p.url)
	c.token = analyst
	wantOneAlertEach(t, c, "sighting of", acknowledged)
	auditVerify(t, bin, dataDir)
	p.stop(t)
}

// auditVerify checks the audit chain survived the crash.
func auditVerify(t *testing.T, bin, dataDir string) {
	t.Helper()
	out, err := exec.CommandContext(context.Background(), bin, "audit", "verify", "--data-dir", dataDir).CombinedOutput()
	if err != nil {
		t.Errorf("vigil audit verify after the crash: %v\n%s", err, out)
	}
}
