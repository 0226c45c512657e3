package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// An analyst changes an advisory source over the API: renames it, changes its schedule,
// pauses it and moves it to another address, which is audited with the old and new
// values and makes the next pull read the new address whole; a change the rules of
// registering refuse is a 4xx naming what to fix, and nothing changes.
func TestAdvisorySourcePatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		as := f.as("sector_analyst")
		kev := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			_, _ = w.Write([]byte(`{"vulnerabilities": [{"cveID": "CVE-2021-44228", "dueDate": "2021-12-24"}]}`))
		}))
		t.Cleanup(kev.Close)
		var src struct {
			ID              int64  `json:"id"`
			Name            string `json:"name"`
			URL             string `json:"url"`
			ScheduleSeconds int64  `json:"schedule_seconds"`
			Enabled         bool   `json:"enabled"`
			Status          string `json:"status"`
		}
		decode := func(what string, r response, want int) {
			t.Helper()
			if r.status != want || json.Unmarshal(r.body, &src) != nil {
				t.Fatalf("%s = %d %s, want %d", what, r.status, r.body, want)
			}
		}
		decode("create", f.do(http.MethodPost, "/api/v1/advisory-sources", map[string]any{"name": "KEV", "kind": "kev",
			"url": kev.URL + "/kev.json"}, as), http.StatusCreated)
		base := fmt.Sprintf("/api/v1/advisory-sources/%d", src.ID)
		decode("pull", f.do(http.MethodPost, base+"/pull", nil, as), http.StatusOK)
		if src.Status != vigil.FeedOK {
			t.Fatalf("pull: status %q", src.Status)
		}

		decode("rename and pause", f.do(http.MethodPatch, base, map[string]any{"name": "CISA KEV", "schedule_seconds": 3600,
			"enabled": false}, as), http.StatusOK)
		if src.Name != "CISA KEV" || src.ScheduleSeconds != 3600 || src.Enabled || src.URL != kev.URL+"/kev.json" {
			t.Errorf("after the change: %+v", src)
		}
		decode("move", f.do(http.MethodPatch, base, map[string]any{"url": kev.URL + "/mirror/kev.json"}, as), http.StatusOK)
		got, err := s.GetAdvisorySource(context.Background(), src.ID)
		if err != nil || got.URL != kev.URL+"/mirror/kev.json" || string(got.State) != "{}" || got.Name != "CISA KEV" {
			t.Errorf("moved source = %+v, %v; want the new address, no ETag kept", got, err)
		}
		entries, _, err := s.ListAudit(context.Background(), vigil.AuditFilter{Action: "advisory_source.update"})
		if err != nil || len(entries) != 2 || !strings.Contains(entries[0].Detail, `"new_from":"`+kev.URL+`/mirror/kev.json"`) ||
			!strings.Contains(entries[1].Detail, `"old_name":"KEV"`) {
			t.Errorf("audit = %+v, %v; want both changes with old and new values", entries, err)
		}

		other := f.do(http.MethodPost, "/api/v1/advisory-sources", map[string]any{"name": "EPSS", "kind": "epss",
			"url": "https://epss.example/epss.csv.gz"}, as)
		for _, c := range []struct {
			name string
			body map[string]any
			want int
			says string
		}{
			{"both a url and a path", map[string]any{"path": "/srv/advisories/kev.json"}, http.StatusUnprocessableEntity, "not both"},
			{"neither", map[string]any{"url": ""}, http.StatusUnprocessableEntity, "needs a url"},
			{"not http", map[string]any{"url": "ftp://kev.example/kev.json"}, http.StatusUnprocessableEntity, "http"},
			{"a path with no advisory directory", map[string]any{"url": "", "path": "/srv/advisories/kev.json"}, http.StatusUnprocessableEntity, "advisory_dir"},
			{"the name of another", map[string]any{"name": "EPSS"}, http.StatusConflict, "already registered"},
			{"too often", map[string]any{"schedule_seconds": 5}, http.StatusUnprocessableEntity, "schedule"},
		} {
			r := f.do(http.MethodPatch, base, c.body, as)
			if r.status != c.want || !strings.Contains(string(r.body), c.says) {
				t.Errorf("%s: %d %s, want %d saying %q", c.name, r.status, r.body, c.want, c.says)
			}
		}
		if other.status != http.StatusCreated {
			t.Errorf("second source = %d %s", other.status, other.body)
		}
		if after, _ := s.GetAdvisorySource(context.Background(), src.ID); after.Name != "CISA KEV" || after.URL != got.URL {
			t.Errorf("a refused change changed the source: %+v", after)
		}
		if r := f.do(http.MethodPatch, "/api/v1/advisory-sources/999999", map[string]any{"name": "x"}, as); r.status != http.StatusNotFound {
			t.Errorf("an unknown source = %d %s", r.status, r.body)
		}
	})
}
