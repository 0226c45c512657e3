package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// A feed URL refused by the API is named without the credentials in its user info or
// query, on adding a feed and on checking one.
func TestFeedURLRefusalsDoNotEchoCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.as("sector_admin")
		for _, tt := range []struct{ url, want string }{
			{"ftp://user:SEKRITa@host.example/x?key=SEKRITb", `url \"ftp://host.example/x?…\" must start with http:// or https://`},
			{"https://host.example/%zz?key=SEKRITk", `url \"https://host.example/%zz?…\" does not parse`},
		} {
			for _, path := range []string{"/api/v1/feeds", "/api/v1/feeds/check"} {
				body := map[string]any{"kind": "url", "url": tt.url}
				if path == "/api/v1/feeds" {
					body["name"] = "f1"
				}
				r := f.do("POST", path, body, admin)
				if r.status != http.StatusUnprocessableEntity || !bytes.Contains(r.body, []byte(tt.want)) {
					t.Errorf("POST %s %s: %d %s, want 422 saying %s", path, tt.url, r.status, r.body, tt.want)
				}
				if bytes.Contains(r.body, []byte("SEKRIT")) {
					t.Errorf("POST %s %s echoes a secret: %s", path, tt.url, r.body)
				}
			}
		}
	})
}

// A check of a source that cannot be read says why, not "internal error". (The fixture
// allows loopback, so the port is tried.)
func TestFeedCheckSaysWhyTheSourceCannotBeRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		r := f.do("POST", "/api/v1/feeds/check", map[string]any{"kind": "url", "url": "https://127.0.0.1:1/list.txt?key=SEKRITk"},
			f.as("sector_admin"))
		var c api.FeedCheck
		r.decode(t, &c)
		if r.status != http.StatusOK || c.OK || !bytes.Contains([]byte(c.Message), []byte("the connection was refused")) ||
			bytes.Contains(r.body, []byte("SEKRIT")) {
			t.Errorf("check of a closed port: %d %s, want ok false and the connection refused", r.status, r.body)
		}
	})
}

// A key in a feed's URL is as write-only as its password. No answer (the feed, the list,
// a pull's job, its error), audit entry or log line shows it. A client that reads the
// feed, changes something and sends the URL back as shown keeps the stored URL and its
// key; any other URL replaces it; the shown URL with another path is refused.
func TestFeedURLSecretsAreWriteOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		logs := &logBuffer{}
		f := startServer(t, s, web.Deps{Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		f.seed()
		admin := f.as("sector_admin")
		var keys sync.Map // the apikey each pull sent
		var failing atomic.Bool
		src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			keys.Store(r.URL.Query().Get("apikey"), true)
			if failing.Load() {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte("192.0.2.78\n"))
		}))
		t.Cleanup(src.Close)
		var bodies [][]byte
		do := func(method, path string, body any) response {
			t.Helper()
			r := f.do(method, path, body, admin)
			bodies = append(bodies, r.body)
			return r
		}
		stored := func() string {
			t.Helper()
			var list struct{ Items []api.Feed }
			do("GET", "/api/v1/feeds", nil).decode(t, &list)
			got, err := s.GetFeed(context.Background(), list.Items[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.URL
		}

		secret := src.URL + "/list.txt?apikey=SEKRITq"
		r := do("POST", "/api/v1/feeds", map[string]any{"name": "partner", "kind": "url", "url": secret, "token": "SEKRITt"})
		var feed api.Feed
		r.decode(t, &feed)
		if r.status != http.StatusCreated || feed.URL != src.URL+"/list.txt?…" || !feed.HasCredentials {
			t.Fatalf("create: %d %s, want the URL with its query hidden", r.status, r.body)
		}
		path := fmt.Sprintf("/api/v1/feeds/%d", feed.ID)

		// GET, change the name, PATCH back every field the feed showed.
		var shown map[string]any
		do("GET", path, nil).decode(t, &shown)
		body := map[string]any{"name": "partner renamed"}
		for _, k := range []string{"url", "schedule_seconds", "enabled"} {
			body[k] = shown[k]
		}
		if r := do("PATCH", path, body); r.status != http.StatusOK || stored() != secret {
			t.Errorf("PATCH with the URL as shown: %d %s; stored URL %q, want %q kept", r.status, r.body, stored(), secret)
		}
		if job := f.pullJob(path, admin); job.State != "done" {
			t.Errorf("pull after the round trip: %+v", job)
		}
		if _, ok := keys.Load("SEKRITq"); !ok {
			t.Error("the pull after the round trip did not send the stored key")
		}

		body["url"] = src.URL + "/v2/list.txt?…"
		if r := do("PATCH", path, body); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "type the address in full") {
			t.Errorf("PATCH with another path and the query left hidden: %d %s, want 422", r.status, r.body)
		}
		for _, u := range []string{src.URL + "/list.txt", src.URL + "/list.txt?apikey=SEKRITr"} {
			body["url"] = u
			if r := do("PATCH", path, body); r.status != http.StatusOK || stored() != u {
				t.Errorf("PATCH url %q: %d %s; stored %q", u, r.status, r.body, stored())
			}
		}

		failing.Store(true)
		if job := f.pullJob(path, admin); job.State != "failed" || !strings.Contains(job.Error, "/list.txt?…") {
			t.Errorf("failed pull: %+v, want it failed naming the URL redacted", job)
		}
		body["url"] = "http://127.0.0.1:1/list.txt?apikey=SEKRITc"
		do("PATCH", path, body)
		if job := f.pullJob(path, admin); job.State != "failed" {
			t.Errorf("pull of a closed port: %+v, want failed", job)
		}
		do("POST", "/api/v1/feeds/check", map[string]any{"kind": "url", "url": "http://127.0.0.1:1/list.txt?apikey=SEKRITk"})
		do("GET", path, nil)
		do("GET", "/api/v1/audit", nil)
		if r := do("DELETE", path, nil); r.status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.status, r.body)
		}

		for _, b := range bodies {
			if bytes.Contains(b, []byte("SEKRIT")) {
				t.Errorf("an answer shows a key: %s", b)
			}
		}
		entries, _, err := s.ListAudit(context.Background(), vigil.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range entries {
			actions[e.Action] = true
			if strings.Contains(e.Detail+e.Target, "SEKRIT") {
				t.Errorf("audit entry %s %s shows a key: %s", e.Action, e.Target, e.Detail)
			}
		}
		for _, a := range []string{"feed.create", "feed.update", "feed.pull", "feed.delete"} {
			if !actions[a] {
				t.Errorf("no %s audit entry among %v", a, actions)
			}
		}
		if l := logs.String(); strings.Contains(l, "SEKRIT") || !strings.Contains(l, "feed check failed") {
			t.Errorf("the log shows a key, or lacks the failed check it should name redacted:\n%s", l)
		}
	})
}

// An advisory source changed with its URL as shown keeps the stored URL and its key,
// and does not count as moved (its ETag is kept); any other URL replaces it.
func TestAdvisorySourceURLAsShownIsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		as := f.as("sector_analyst")
		kev := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"v1"`)
			_, _ = w.Write([]byte(`{"vulnerabilities": [{"cveID": "CVE-2021-44228", "dueDate": "2021-12-24"}]}`))
		}))
		t.Cleanup(kev.Close)
		secret := kev.URL + "/kev.json?key=SEKRITa"
		var src api.AdvisorySource
		r := f.do("POST", "/api/v1/advisory-sources", map[string]any{"name": "KEV", "kind": "kev", "url": secret}, as)
		r.decode(t, &src)
		path := fmt.Sprintf("/api/v1/advisory-sources/%d", src.ID)
		f.do("POST", path+"/pull", nil, as)
		r = f.do("GET", path, nil, as)
		r.decode(t, &src)
		if src.URL != kev.URL+"/kev.json?…" || bytes.Contains(r.body, []byte("SEKRIT")) {
			t.Fatalf("GET: %s, want the query hidden", r.body)
		}
		r = f.do("PATCH", path, map[string]any{"name": "CISA KEV", "url": src.URL, "schedule_seconds": src.ScheduleSeconds}, as)
		got, err := s.GetAdvisorySource(context.Background(), src.ID)
		if r.status != http.StatusOK || err != nil || got.URL != secret || !strings.Contains(string(got.State), "v1") || got.Name != "CISA KEV" {
			t.Errorf("PATCH with the URL as shown: %d %s; stored %+v (%v), want the key and the ETag kept", r.status, r.body, got, err)
		}
		es, _, err := s.ListAudit(context.Background(), vigil.AuditFilter{Action: "advisory_source.update"})
		if err != nil || len(es) != 1 || strings.Contains(es[0].Detail, "from") {
			t.Errorf("audit %+v (%v), want one entry not saying the source moved", es, err)
		}
		r = f.do("PATCH", path, map[string]any{"url": kev.URL + "/kev.json?key=SEKRITb"}, as)
		if got, _ := s.GetAdvisorySource(context.Background(), src.ID); r.status != http.StatusOK || got.URL != kev.URL+"/kev.json?key=SEKRITb" ||
			bytes.Contains(r.body, []byte("SEKRIT")) {
			t.Errorf("PATCH with a new key: %d %s; stored %q", r.status, r.body, got.URL)
		}
	})
}
