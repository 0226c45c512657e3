package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// uploadReport is the part of the upload answer these tests read.
type uploadReport struct {
	Source   string         `json:"source"`
	Total    int            `json:"total"`
	ByType   map[string]int `json:"by_type"`
	Rejected int            `json:"rejected"`
	Problems []struct {
		Kind   string `json:"kind"`
		Line   int    `json:"line"`
		Reason string `json:"reason"`
	} `json:"problems"`
}

// indicatorPage is a page of GET /indicators.
type indicatorPage struct {
	Items      []api.Indicator `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestAnalystUploadsIntelAndFindsItsProvenance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		analyst := f.as("sector_analyst")
		list := "# from a partner CERT\n192.0.2.66\nphish.example\n999.1.1.1\n"
		r := f.do("POST", "/api/v1/intel?source=partner-cert&tlp=amber&name=partner.txt", list, analyst)
		if r.status != http.StatusOK {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		var rep uploadReport
		r.decode(t, &rep)
		if rep.Source != "partner-cert" || rep.Total != 2 || rep.ByType["domain"] != 1 || rep.Rejected != 1 ||
			len(rep.Problems) != 1 || rep.Problems[0].Line != 4 || rep.Problems[0].Reason == "" {
			t.Errorf("report %+v: want 2 accepted and line 4 rejected with a reason", rep)
		}
		if got := f.app.ThreatIntel.Matcher().Lookup(vigil.Observable{Type: vigil.TypeDomain, Value: "login.phish.example"}, nil); len(got) != 1 {
			t.Errorf("the live matcher found %d entries for login.phish.example, want 1", len(got))
		}

		// The same source again, gzip this time, with a label: one more indicator.
		r = f.do("POST", "/api/v1/intel?source=partner-cert", gzipped(t, "203.0.113.99 # qakbot\n"), analyst)
		if r.status != http.StatusOK {
			t.Fatalf("gzip upload: %d %s", r.status, r.body)
		}

		var page indicatorPage
		f.do("GET", "/api/v1/indicators?source=partner-cert&type=ipv4&sort=oldest", nil, analyst).decode(t, &page) // first stored first
		if len(page.Items) != 2 {
			t.Fatalf("indicators %+v, want the two addresses", page.Items)
		}
		first := page.Items[0]
		if first.Value != "192.0.2.66" || !first.Matching || first.Why != "" || first.Score <= 0.9 ||
			len(first.Sources) != 1 || first.Sources[0].Source != "partner-cert" || first.Sources[0].TLP != vigil.TLPAmber {
			t.Errorf("indicator %+v: want matching, fresh, from partner-cert marked AMBER", first)
		}

		f.do("GET", "/api/v1/indicators?value=PHISH", nil, analyst).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].Value != "phish.example" {
			t.Errorf("search for PHISH: %+v", page.Items)
		}
		f.do("GET", "/api/v1/indicators?limit=1", nil, analyst).decode(t, &page)
		if len(page.Items) != 1 || page.NextCursor == "" {
			t.Errorf("first page of one: %+v, want a next cursor", page)
		}
		firstValue := page.Items[0].Value
		f.do("GET", "/api/v1/indicators?limit=1&cursor="+page.NextCursor, nil, analyst).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].Value == firstValue {
			t.Errorf("second page: %+v, want the next indicator after %s", page.Items, firstValue)
		}
	})
}

func TestBadUploadsAnswerProblemsSayingWhatToFix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.as("sector_admin")
		feed := f.listFeed("192.0.2.1\n")
		tests := []struct {
			name, path, body string
			status           int
			detail           string
		}{
			{"no source", "/api/v1/intel", "192.0.2.1\n", http.StatusUnprocessableEntity, ""},
			{"bad tlp", "/api/v1/intel?source=x&tlp=purple", "192.0.2.1\n", http.StatusUnprocessableEntity, "not a TLP 2.0 marking"},
			{"a pulled feed's name", "/api/v1/intel?source=" + strings.ReplaceAll(feed.Name, " ", "+"), "192.0.2.1\n", http.StatusConflict, "another source name"},
			{"bad indicator type", "/api/v1/indicators?type=ip", "", http.StatusUnprocessableEntity, ""},
			{"bad cursor", "/api/v1/indicators?cursor=nonsense", "", http.StatusUnprocessableEntity, "start again from the first page"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				method := "POST"
				var body any = tt.body
				if tt.body == "" {
					method, body = "GET", nil
				}
				r := f.do(method, tt.path, body, admin)
				if r.status != tt.status {
					t.Fatalf("%d %s, want %d", r.status, r.body, tt.status)
				}
				if p := r.problem(t); !strings.Contains(p.Detail+fmt.Sprint(p.Errors), tt.detail) {
					t.Errorf("problem %+v, want it to say %q", p, tt.detail)
				}
			})
		}
	})
}

func TestFeedsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.as("sector_admin")
		var failing atomic.Bool
		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if failing.Load() {
				http.Error(w, "down for maintenance", http.StatusInternalServerError)
				return
			}
			if u, p, ok := r.BasicAuth(); !ok || u != "vigil" || p != "s3cret-pw" {
				http.Error(w, "who are you", http.StatusUnauthorized)
				return
			}
			_, _ = w.Write([]byte("192.0.2.77\n198.51.100.77\n"))
		}))
		t.Cleanup(upstream.Close)

		for _, bad := range []struct{ body map[string]any }{
			{map[string]any{"name": "ftp", "kind": "url", "url": "ftp://feeds.example/x"}},
			{map[string]any{"name": "graded", "kind": "url", "url": upstream.URL, "grade": "Z9"}},
		} {
			r := f.do("POST", "/api/v1/feeds", bad.body, admin)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("POST /feeds %v: %d %s, want 422", bad.body, r.status, r.body)
			}
		}

		r := f.do("POST", "/api/v1/feeds", map[string]any{"name": "botnet C2", "kind": "url", "url": upstream.URL + "/c2.txt",
			"username": "vigil", "password": "s3cret-pw", "tlp": "green", "grade": "B2", "schedule_seconds": 900}, admin)
		if r.status != http.StatusCreated {
			t.Fatalf("create feed: %d %s", r.status, r.body)
		}
		var feed api.Feed
		r.decode(t, &feed)
		if bytes.Contains(r.body, []byte("s3cret-pw")) || !feed.HasCredentials || feed.Status != "never" || feed.Grade != "B2" || feed.ScheduleSeconds != 900 {
			t.Errorf("created %s: want credentials hidden, status never, grade B2", r.body)
		}
		path := fmt.Sprintf("/api/v1/feeds/%d", feed.ID)

		if job := f.pullJob(path, admin); job.State != "done" || job.Progress.Stored != 2 || job.Report["status"] != "ok" {
			t.Errorf("pull job: %+v, want done with 2 stored and status ok", job)
		}
		f.do("GET", path, nil, admin).decode(t, &feed)
		if feed.Status != "ok" || feed.Indicators != 2 || feed.LastSuccessAt == nil {
			t.Errorf("after a pull: %+v, want ok with 2 indicators", feed)
		}

		failing.Store(true)
		if job := f.pullJob(path, admin); job.State != "failed" || !strings.Contains(job.Error, "500") {
			t.Errorf("failed pull job: %+v, want failed naming the 500", job)
		}
		r = f.do("GET", path, nil, admin)
		r.decode(t, &feed)
		if feed.Status != "error" || !strings.Contains(feed.LastError, "500") || feed.Indicators != 2 {
			t.Errorf("after a failed pull: %s, want status error naming the 500 and the indicators kept", r.body)
		}
		var page indicatorPage
		f.do("GET", "/api/v1/indicators?source=botnet+C2", nil, admin).decode(t, &page)
		if len(page.Items) != 2 || page.Items[0].Sources[0].Grade != "B2" || page.Items[0].Sources[0].TLP != vigil.TLPGreen {
			t.Errorf("indicators after the failed pull: %+v", page.Items)
		}

		r = f.do("PATCH", path, map[string]any{"url": "file:///etc/passwd"}, admin)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.problem(t).Detail, "http:// or https://") {
			t.Errorf("PATCH to a file url: %d %s", r.status, r.body)
		}
		f.do("PATCH", path, map[string]any{"enabled": false, "password": ""}, admin).decode(t, &feed)
		if feed.Enabled || !feed.HasCredentials {
			t.Errorf("after PATCH: %+v, want disabled with the username still set", feed)
		}

		var list struct{ Items []api.Feed }
		f.do("GET", "/api/v1/feeds", nil, f.as("sector_analyst")).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Name != "botnet C2" {
			t.Errorf("feeds %+v", list.Items)
		}

		if r := f.do("DELETE", path, nil, admin); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if r := f.do("GET", path, nil, admin); r.status != http.StatusNotFound {
			t.Errorf("GET after delete: %d, want 404", r.status)
		}
		if got := f.app.ThreatIntel.Matcher().Lookup(vigil.Observable{Type: vigil.TypeIPv4, Value: "192.0.2.77"}, nil); len(got) != 0 {
			t.Errorf("192.0.2.77 still matches after its feed was deleted")
		}
	})
}

func TestStaleIndicatorsSayWhyTheyDoNotMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var now atomic.Pointer[time.Time]
		clock := func() time.Time {
			if p := now.Load(); p != nil {
				return *p
			}
			return time.Now()
		}
		c, err := app.Open(context.Background(), app.Deps{Store: s, Now: clock, Flows: app.Flows{Secret: testSecret}})
		if err != nil {
			t.Fatal(err)
		}
		f := startServer(t, s, web.Deps{App: c})
		f.seed()
		analyst := f.as("sector_analyst")
		if r := f.do("POST", "/api/v1/intel?source=partner", "192.0.2.66\n", analyst); r.status != http.StatusOK {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		later := time.Now().Add(90 * 24 * time.Hour)
		now.Store(&later)
		var page indicatorPage
		f.do("GET", "/api/v1/indicators?value=192.0.2.66&exact=true", nil, analyst).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].Matching || !strings.Contains(page.Items[0].Why, "no longer matches") {
			t.Errorf("an address last published 90 days ago: %+v, want matching false and why", page.Items)
		}
	})
}

// pullJob starts a pull of the feed at path and follows its job, by the Location the
// 202 names, until it ends.
func (f *fixture) pullJob(path string, as auth) api.ImportJob {
	f.t.Helper()
	r := f.do("POST", path+"/pull", nil, as)
	loc := r.header.Get("Location")
	if r.status != http.StatusAccepted || !strings.HasPrefix(loc, "/api/v1/jobs/") {
		f.t.Fatalf("pull: %d Location %q %s, want 202 naming the job", r.status, loc, r.body)
	}
	var job api.ImportJob
	for range 500 {
		f.do("GET", loc, nil, as).decode(f.t, &job)
		if job.State == "done" || job.State == "failed" {
			return job
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.t.Fatalf("job %s did not end: %+v", loc, job)
	return job
}
