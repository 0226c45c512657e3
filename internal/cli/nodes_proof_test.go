package cli

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Three `vigil serve` processes share one PostgreSQL database behind no balancer: the
// test spreads events, telemetry and intel across them, kills one with SIGKILL while it
// ingests telemetry and starts it again. Every acknowledged record is kept, every
// expected alert is raised exactly once (an intel change at one node meets telemetry
// at another 0.3 s later), and no e-mail is written by two nodes.
func TestThreeNodesOnePostgres(t *testing.T) {
	bin := vigilBinary(t)
	dsn := storetest.PostgresDSN(t)
	env := []string{"VIGIL_SECRET=" + strings.Repeat("5e", 32), "VIGIL_DB=" + dsn}
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	start := func(i int) *process {
		return startProcessEnv(t, bin, env, "--data-dir", dirs[i], "--demo", "--demo-password", demoPassword)
	}
	nodes := []*process{start(0)} // seeds the demo sector; the others find it there
	nodes = append(nodes, start(1), start(2))
	analyst := cliTokenEnv(t, bin, env, dirs[0], "--email", "analyst@hccc.example", "--name", "nodes test")
	sensor := cliTokenEnv(t, bin, env, dirs[0], "--sensor", "--org", demo.TrustODS, "--name", "nodes test sensor")

	// Events at node 1, telemetry at node 2.
	var routed, sighted []string
	for r := range 3 {
		var events, conns strings.Builder
		for i := range 20 {
			host := fmt.Sprintf("host-%d-%d.northbrook-hospitals.example", r, i)
			fmt.Fprintf(&events, `{"type":"compromise","observable":"%s","time":"%s","source":"nodes test","severity":"high"}`+"\n",
				host, time.Now().UTC().Add(-time.Minute).Format(time.RFC3339))
			dst := fmt.Sprintf("2001:db8:bad:%x::%x", r+1, i+1)
			conns.WriteString(connLine(r, i, dst))
			routed, sighted = append(routed, host), append(sighted, dst)
		}
		mustPost(t, nodes[1].url, analyst, "/api/v1/events", events.String())
		mustPost(t, nodes[2].url, sensor, "/api/v1/telemetry", conns.String())
	}

	// Intel at node 0; 0.3 s later node 1 sees telemetry holding the new domain.
	uploaded := make(chan struct{})
	go func() {
		defer close(uploaded)
		mustPost(t, nodes[0].url, analyst, "/api/v1/intel?source=nodes-test", "fresh-c2.example\n")
	}()
	time.Sleep(300 * time.Millisecond)
	mustPost(t, nodes[1].url, sensor, "/api/v1/telemetry",
		fmt.Sprintf(`{"_path":"dns","ts":"%s","query":"beacon.fresh-c2.example"}`+"\n", time.Now().UTC().Format(time.RFC3339)))
	<-uploaded

	// Node 2 dies mid-ingest and comes back.
	sent, finish := postInFlight(t, nodes[2].url, sensor, "/api/v1/telemetry", func(i int) string {
		return connLine(100, i, fmt.Sprintf("2001:db8:bad:ff::%x", i+1))
	})
	t.Logf("killing node 2 with %d lines of a request in flight", sent())
	nodes[2].kill(t)
	finish()
	nodes[2] = start(2)

	c := newClient(t, nodes[0].url)
	c.token = analyst
	wantOneAlertEach(t, c, "event about", routed)
	wantOneAlertEach(t, c, "sighting of", sighted)
	if !eventually(15*time.Second, func() bool { return countObservable(c, "beacon.fresh-c2.example") == 1 }) {
		t.Errorf("the intel change at node 0 met telemetry at node 1: %d alerts for it, want exactly 1",
			countObservable(c, "beacon.fresh-c2.example"))
	}
	time.Sleep(2 * time.Second) // a round of delivery on every node
	wantNoMailTwice(t, dirs, dsn)
	for _, p := range nodes {
		p.stop(t)
	}
}

func connLine(r, i int, dst string) string {
	return fmt.Sprintf(`{"_path":"conn","ts":"%s","uid":"C%d-%d","id.orig_h":"10.20.0.%d","id.orig_p":%d,"id.resp_h":"%s","id.resp_p":443,"proto":"tcp"}`+"\n",
		time.Now().UTC().Format(time.RFC3339), r, i, i%250+1, 40000+i, dst)
}

func mustPost(t *testing.T, url, token, path, body string) {
	t.Helper()
	if status, resp := post(t, url, token, path, body); status != http.StatusOK {
		t.Fatalf("POST %s at %s = %d: %.300s", path, url, status, resp)
	}
}

// cliTokenEnv is cliToken for a server whose database comes from env.
func cliTokenEnv(t *testing.T, bin string, env []string, dataDir string, args ...string) string {
	t.Helper()
	t.Setenv("VIGIL_SECRET", strings.TrimPrefix(env[0], "VIGIL_SECRET="))
	t.Setenv("VIGIL_DB", strings.TrimPrefix(env[1], "VIGIL_DB="))
	return cliToken(t, bin, dataDir, args...)
}

// countObservable counts the alerts about observable.
func countObservable(c *apiClient, observable string) int {
	n := 0
	for _, a := range c.alerts() {
		if a.Observable == observable || strings.Contains(a.Observable, observable) {
			n++
		}
	}
	return n
}

func eventually(d time.Duration, ok func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return ok()
}

// wantNoMailTwice checks that no message was written by two nodes (each writes .eml
// files to its own data dir) and that the database recorded each delivery sent once.
func wantNoMailTwice(t *testing.T, dirs []string, dsn string) {
	t.Helper()
	by := map[string][]int{}
	total := 0
	for i, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "outbox", "*.eml"))
		for _, f := range files {
			by[filepath.Base(f)] = append(by[filepath.Base(f)], i)
			total++
		}
	}
	for name, at := range by {
		if len(at) > 1 {
			t.Errorf("message %s was written by nodes %v", name, at)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sent, twice int
	err = db.QueryRow(`SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status = 'delivered' AND attempts > 1)
		FROM email_deliveries`).Scan(&sent, &twice)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d e-mails written across the nodes, %d deliveries sent", total, sent)
	if sent == 0 || total != sent || twice != 0 {
		t.Errorf("%d .eml files for %d sent deliveries, %d sent after more than one attempt: want one file per delivery, each sent once",
			total, sent, twice)
	}
}
