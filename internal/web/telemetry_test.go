package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// telemetryCap is the test servers' telemetry cap after decompression.
const telemetryCap = 64 << 10

// newTelemetryFixture starts a server whose centre takes one telemetry upload at a
// time, up to telemetryCap bytes, over the seeded test sector.
func newTelemetryFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	c, err := app.Open(context.Background(), app.Deps{Store: s, Logger: testLogger(t), Flows: app.Flows{Secret: testSecret,
		TelemetryConcurrency: 1, MaxTelemetryBytes: telemetryCap}})
	if err != nil {
		t.Fatal(err)
	}
	f := startServer(t, s, web.Deps{App: c})
	f.seed()
	return f
}

func gzipString(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// telemetryResult is the answer to a push, as a sensor decodes it.
type telemetryResult struct {
	Lines, Events, Unparseable, Blank, Bytes, Observables, Sightings, Alerts int64
	Problems                                                                 []string
	FutureTimes                                                              int64    `json:"future_times"`
	TimeProblems                                                             []string `json:"time_problems"`
}

type sightingPage struct {
	Items []struct {
		Org, Field, Observable, Indicator string
		Count                             int64
	}
}

type alertPage struct {
	Items []struct {
		Kind, Title, Body, Indicator string
	}
}

func TestTelemetryPush(t *testing.T) {
	dns := func(name string) string { return `{"_path":"dns","id.orig_h":"192.0.2.10","query":"` + name + `"}` }
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTelemetryFixture(t, s)
		admin := f.as("sector_admin")
		if r := f.do("POST", "/api/v1/intel?source=abuse.ch&tlp=green", "evil.example\n203.0.113.0/24\n", admin); r.status != http.StatusOK {
			t.Fatalf("intel upload: %d %s", r.status, r.body)
		}

		t.Run("gzip upload with one malformed line", func(t *testing.T) {
			body := dns("a.evil.example") + "\n" + `{"_path":"conn", broken` + "\n" +
				`{"_path":"conn","id.orig_h":"192.0.2.10","id.resp_h":"203.0.113.9"}` + "\n"
			r := f.do("POST", "/api/v1/telemetry", gzipString(t, body), bearer(f.sensor), "Content-Encoding", "gzip")
			var res telemetryResult
			r.decode(t, &res)
			if r.status != http.StatusOK || res.Lines != 3 || res.Events != 2 || res.Unparseable != 1 ||
				res.Sightings != 2 || res.Alerts != 2 || res.Bytes != int64(len(body)) {
				t.Fatalf("push = %d %s; want 200, 3 lines, 2 events, 1 unparseable, 2 sightings, 2 alerts, %d bytes", r.status, r.body, len(body))
			}
			if len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0], "line 2: not JSON") {
				t.Errorf("problems %q, want line 2 named", res.Problems)
			}
		})
		t.Run("a gzip body without Content-Encoding", func(t *testing.T) {
			r := f.do("POST", "/api/v1/telemetry", gzipString(t, dns("b.evil.example")), bearer(f.sensor))
			var res telemetryResult
			r.decode(t, &res)
			if r.status != http.StatusOK || res.Events != 1 || res.Alerts != 1 {
				t.Errorf("push = %d %s; want the gzip recognised", r.status, r.body)
			}
		})
		t.Run("a sensor whose clock is a year ahead is told", func(t *testing.T) {
			ahead := time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)
			r := f.do("POST", "/api/v1/telemetry", `{"_path":"dns","ts":"`+ahead+`","query":"x.example"}`, bearer(f.sensor))
			var res telemetryResult
			r.decode(t, &res)
			if r.status != http.StatusOK || res.FutureTimes != 1 || len(res.TimeProblems) != 1 ||
				!strings.HasPrefix(res.TimeProblems[0], "line 1: ts "+ahead+" is 36") {
				t.Errorf("push = %d %s; want the future time counted and line 1 described", r.status, r.body)
			}
		})
		t.Run("the organisation sees its sightings and alerts; others do not", func(t *testing.T) {
			var mine sightingPage
			f.do("GET", "/api/v1/sightings", nil, f.as("org_member")).decode(t, &mine)
			if len(mine.Items) != 3 || mine.Items[0].Org != ownOrg {
				t.Errorf("org_member sees %+v, want RXA's 3 sightings", mine.Items)
			}
			var theirs sightingPage
			f.do("GET", "/api/v1/sightings", nil, f.as("other_admin")).decode(t, &theirs)
			if len(theirs.Items) != 0 {
				t.Errorf("RXB's admin sees %+v, want none", theirs.Items)
			}
			var alerts alertPage
			f.do("GET", "/api/v1/alerts?kind=sighting", nil, f.as("org_admin")).decode(t, &alerts)
			if len(alerts.Items) != 3 || !strings.Contains(alerts.Items[0].Body, "listed by abuse.ch") {
				t.Errorf("org_admin's sighting alerts %+v, want 3 naming abuse.ch", alerts.Items)
			}
		})
		t.Run("a body none of whose lines is an event", func(t *testing.T) {
			garbage := make([]byte, 64<<10)
			rand.NewChaCha8([32]byte{1}).Read(garbage)
			r := f.do("POST", "/api/v1/telemetry", string(garbage), bearer(f.sensor))
			p := r.problem(t)
			if r.status != http.StatusBadRequest || !strings.Contains(p.Detail, "lines is a telemetry event") || len(p.Errors) == 0 {
				t.Errorf("push of random bytes = %d %.300s, want 400 saying no line is an event, with the first problems", r.status, r.body)
			}
			if r := f.do("POST", "/api/v1/telemetry", "\n\n", bearer(f.sensor)); r.status != http.StatusOK {
				t.Errorf("push of blank lines = %d %s, want 200 (nothing to refuse)", r.status, r.body)
			}
		})
		t.Run("events that hold nothing to look up are taken with a warning", func(t *testing.T) {
			r := f.do("POST", "/api/v1/telemetry", "{}\n{\"a\":1}\n", bearer(f.sensor))
			if r.status != http.StatusOK || !strings.Contains(string(r.body), `"warnings":["none of the 2 events held a value vigil looks up`) {
				t.Errorf("push of empty events = %d %s, want 200 with a warning", r.status, r.body)
			}
			if r := f.do("POST", "/api/v1/telemetry", dns("x.example"), bearer(f.sensor)); !strings.Contains(string(r.body), `"warnings":[]`) {
				t.Errorf("push of a DNS event = %s, want no warning", r.body)
			}
		})
		t.Run("an unsupported Content-Encoding", func(t *testing.T) {
			r := f.do("POST", "/api/v1/telemetry", dns("x.example"), bearer(f.sensor), "Content-Encoding", "br")
			if r.status != http.StatusUnsupportedMediaType || !strings.Contains(r.problem(t).Detail, "plain or gzip") {
				t.Errorf("push with br = %d %s, want 415 saying plain or gzip", r.status, r.body)
			}
		})
		t.Run("past the cap after decompression", func(t *testing.T) {
			line := dns("cap.example") + "\n"
			body := gzipString(t, strings.Repeat(line, 2*telemetryCap/len(line)))
			r := f.do("POST", "/api/v1/telemetry", body, bearer(f.sensor), "Content-Encoding", "gzip")
			p := r.problem(t)
			if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(p.Detail, "after decompression") ||
				!strings.Contains(p.Detail, "send the rest, from line") {
				t.Errorf("push of %d compressed bytes = %d %s, want 413 saying where to resume", len(body), r.status, r.body)
			}
		})
		t.Run("busy", func(t *testing.T) {
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				_, err := f.app.Sightings.IngestTelemetry(context.Background(), vigil.Principal{Email: "RXA zeek", Role: vigil.RoleSensor, Org: ownOrg}, pr)
				done <- err
			}()
			io.WriteString(pw, dns("hold.example")+"\n") // returns once the upload holds the only slot
			r := f.do("POST", "/api/v1/telemetry", dns("x.example"), bearer(f.sensor))
			pw.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
				t.Errorf("push while busy = %d (Retry-After %q) %s, want 429 with Retry-After", r.status, r.header.Get("Retry-After"), r.body)
			}
			r.problem(t)
		})
		t.Run("retro-hunt when the indicator arrives later", func(t *testing.T) {
			if r := f.do("POST", "/api/v1/telemetry", dns("www.later.example"), bearer(f.sensor)); r.status != http.StatusOK {
				t.Fatalf("push: %d %s", r.status, r.body)
			}
			if r := f.do("POST", "/api/v1/intel?source=NCSC", "later.example\n", admin); r.status != http.StatusOK {
				t.Fatalf("intel upload: %d %s", r.status, r.body)
			}
			var alerts alertPage
			f.do("GET", "/api/v1/alerts?kind=retro_hunt", nil, f.as("org_admin")).decode(t, &alerts)
			if len(alerts.Items) != 1 || alerts.Items[0].Indicator != "later.example" ||
				!strings.Contains(alerts.Items[0].Body, "which NCSC has just listed") {
				t.Errorf("retro-hunt alerts %+v, want one for later.example naming NCSC", alerts.Items)
			}
			var other alertPage
			f.do("GET", "/api/v1/alerts?kind=retro_hunt", nil, f.as("other_admin")).decode(t, &other)
			if len(other.Items) != 0 {
				t.Errorf("RXB sees retro-hunt alerts %+v", other.Items)
			}
		})
	})
}
