package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/web"
)

// A server that stops while a "pull now" job runs cuts the pull short, puts the job back
// in the queue and only then closes the store (no "database is closed" in its log, no job
// left "running" until a lease runs out); the server started again pulls the feed. The
// pull had stored a batch and was part way through the next: the stop logs at INFO what
// it did, and no error or warning for the cancellation it caused.
func TestServeStopRequeuesAPullJob(t *testing.T) {
	dir := t.TempDir()
	const email, password = "admin@centre.example", "a passphrase for the stop test"
	if code, _, stderr := run(t, password+"\n", "user", "add", "--data-dir", dir, "--email", email, "--role", "sector_admin", "--password-stdin"); code != ExitOK {
		t.Fatalf("user add: %d %s", code, stderr)
	}
	requests, pass := make(chan struct{}, 4), make(chan struct{})
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests <- struct{}{}
		for i := range 12_000 { // a batch of 10,000 stored, and some of the next
			fmt.Fprintf(w, "45.%d.%d.%d\n", i>>16, i>>8&255, i&255)
		}
		w.(http.Flusher).Flush()
		select {
		case <-pass:
			_, _ = w.Write([]byte("192.0.2.55\n"))
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(src.Close)
	t.Setenv("VIGIL_FEED_ALLOW_PRIVATE", "127.0.0.0/8")
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir)
	c := newClient(t, s.url)
	c.login(email, password)
	body, _ := json.Marshal(map[string]any{"name": "c2 list", "kind": "url", "url": src.URL + "/list.txt", "enabled": false})
	status, b := c.do(http.MethodPost, "/api/v1/feeds", "application/json", bytes.NewReader(body))
	var feed struct{ ID int64 }
	if err := json.Unmarshal(b, &feed); status != http.StatusCreated || err != nil {
		t.Fatalf("create feed = %d: %s", status, b)
	}
	status, b = c.do(http.MethodPost, fmt.Sprintf("/api/v1/feeds/%d/pull", feed.ID), "", nil)
	var job struct{ ID int64 }
	if err := json.Unmarshal(b, &job); status != http.StatusAccepted || err != nil {
		t.Fatalf("pull now = %d: %s", status, b)
	}
	awaitRequest(t, requests)
	var running struct{ Progress struct{ Stored int } }
	for end := time.Now().Add(30 * time.Second); running.Progress.Stored == 0 && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		c.getJSON(fmt.Sprintf("/api/v1/jobs/%d", job.ID), &running)
	}
	if running.Progress.Stored == 0 {
		t.Fatal("the pull stored no batch within 30 s")
	}

	start := time.Now()
	if code := s.stop(); code != ExitOK {
		t.Errorf("stop = exit %d, want 0:\n%s", code, s.stderr)
	}
	took := time.Since(start)
	t.Logf("stopped in %s with a pull job running", took)
	if took > stopTimeout {
		t.Errorf("stopping took %s, more than the %s bound", took, stopTimeout)
	}
	log := s.stderr.String()
	if strings.Contains(log, "database is closed") {
		t.Errorf("the store closed under a running job:\n%s", log)
	}
	quietStop(t, log, `msg="feed pull put back in the queue: the server is stopping" feed="c2 list"`)
	if j := readJob(t, dir, job.ID); j.State != vigil.JobQueued {
		t.Errorf("the pull cut short by the stop is %s (%q), want queued for the next server", j.State, j.Error)
	}

	again := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir)
	awaitRequest(t, requests)
	pass <- struct{}{}
	c = newClient(t, again.url)
	c.login(email, password)
	var got struct{ State, Error string }
	for end := time.Now().Add(30 * time.Second); got.State != string(vigil.JobDone) && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		c.getJSON(fmt.Sprintf("/api/v1/jobs/%d", job.ID), &got)
	}
	if got.State != string(vigil.JobDone) {
		t.Errorf("after the restart the job is %s (%q), want done", got.State, got.Error)
	}
}

// quietStop checks the log of a stop: it says what the stop did (want) and that vigil
// stopped, with no error or warning (a cancellation the stop caused is no fault).
func quietStop(t *testing.T, log, want string) {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
			t.Errorf("the stop logged %s", line)
		}
	}
	for _, w := range []string{want, `msg="vigil stopped"`} {
		if !strings.Contains(log, w) {
			t.Errorf("the log does not say %s:\n%s", w, log)
		}
	}
}

// awaitRequest waits for a pull to reach the test's source.
func awaitRequest(t *testing.T, requests <-chan struct{}) {
	t.Helper()
	select {
	case <-requests:
	case <-time.After(30 * time.Second):
		t.Fatal("no pull reached the source within 30 s")
	}
}

// readJob reads import job id from the stopped server's store.
func readJob(t *testing.T, dir string, id int64) vigil.ImportJob {
	t.Helper()
	st, err := store.Open(t.Context(), store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j, err := st.GetImportJob(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// A server that stops while an upload is still arriving answers it at once with a 503
// asking for it again (it waited for the whole upload, then cut it off unanswered and
// exited with an error), and exits 0 saying it stopped.
func TestServeStopAnswersAnUploadStillArriving(t *testing.T) {
	dir := t.TempDir()
	const email, password = "admin@centre.example", "a passphrase for the stop test"
	if code, _, stderr := run(t, password+"\n", "user", "add", "--data-dir", dir, "--email", email, "--role", "sector_admin", "--password-stdin"); code != ExitOK {
		t.Fatalf("user add: %d %s", code, stderr)
	}
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir)
	c := newClient(t, s.url)
	c.login(email, password)
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	type answer struct {
		status int
		body   string
	}
	got := make(chan answer, 1)
	go func() {
		res, err := c.http.Post(s.url+"/api/v1/intel?source=partner", "text/plain", pr)
		if err != nil {
			got <- answer{body: err.Error()}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- answer{res.StatusCode, string(b)}
	}()
	line := []byte("198.51.100.7\n")
	for range 5 << 20 / len(line) { // past the 4 MiB imported inline: the file is being spooled
		if _, err := pw.Write(line); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	if code := s.stop(); code != ExitOK {
		t.Errorf("stop = exit %d, want 0:\n%s", code, s.stderr)
	}
	took := time.Since(start)
	t.Logf("stopped in %s with an upload arriving", took)
	if took > web.DefaultShutdownTimeout {
		t.Errorf("stopping took %s: it waited for the upload", took)
	}
	var a answer
	select {
	case a = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the upload got no answer within 30 s of the stop")
	}
	if a.status != http.StatusServiceUnavailable || !strings.Contains(a.body, "send it again") {
		t.Errorf("the upload got %d %s, want 503 asking for it again", a.status, a.body)
	}
	quietStop(t, s.stderr.String(), `path=/api/v1/intel route="POST /api/v1/intel" status=503`)
}
