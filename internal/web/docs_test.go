package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The API reference works on a network that reaches nothing but vigil: it lists every
// operation and loads no script or style from anywhere else.
func TestDocsPageIsSelfContained(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	r := f.do(http.MethodGet, "/api/v1/docs", nil, f.as("anonymous"))
	page := string(r.body)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/v1/docs = %d %s", r.status, r.header.Get("Content-Type"))
	}
	for _, want := range []string{"/alerts/{id}/ack", "/telemetry", "/events", "/intel", "openapi.json"} {
		if !strings.Contains(page, want) {
			t.Errorf("the docs page does not mention %s", want)
		}
	}
	for _, external := range []string{"<script", "https://", "http://"} {
		if strings.Contains(page, external) {
			t.Errorf("the docs page contains %q: it must not depend on other sites", external)
		}
	}
}
