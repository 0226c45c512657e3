package web_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
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
