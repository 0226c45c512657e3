package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Through the API: the secret is shown once, on creation and never cached; lists show
// the address redacted and no secret; a bad address is a 4xx that says what to do.
func TestWebhooksThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.as("org_admin")
		r := f.do("POST", "/api/v1/webhooks", map[string]any{"kind": "slack",
			"url": "https://hooks.slack.example/services/T0/B0/path-secret", "description": "IT channel"}, admin)
		if r.status != http.StatusCreated || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
		}
		var created struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
			Org    string `json:"org"`
			URL    string `json:"url"`
		}
		r.decode(t, &created)
		if !strings.HasPrefix(created.Secret, "whsec_") || created.Org != ownOrg || created.URL != "https://hooks.slack.example/…" {
			t.Errorf("created %+v", created)
		}
		list := f.do("GET", "/api/v1/webhooks", nil, admin)
		if list.status != http.StatusOK || strings.Contains(string(list.body), created.Secret) ||
			strings.Contains(string(list.body), "path-secret") || !strings.Contains(string(list.body), "IT channel") {
			t.Errorf("list: %d %s", list.status, list.body)
		}
		for _, tc := range []struct{ url, want string }{
			{"https://169.254.169.254/latest", "private"},
			{"http://hooks.example/x", "https://"},
			{"not a url", "https://"},
		} {
			r := f.do("POST", "/api/v1/webhooks", map[string]any{"kind": "json", "url": tc.url}, admin)
			if r.status < 400 || r.status >= 500 || !strings.Contains(r.problem(t).Detail, tc.want) {
				t.Errorf("webhook to %q: %d %s; want a 4xx saying %q", tc.url, r.status, r.body, tc.want)
			}
		}
		if r := f.do("GET", "/api/v1/webhook-deliveries?status=lost", nil, admin); r.status != http.StatusUnprocessableEntity {
			t.Errorf("an unknown status: %d %s", r.status, r.body)
		}
	})
}
