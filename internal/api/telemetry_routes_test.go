package api

import (
	"net/http"
	"testing"

	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The streaming uploads bound their bodies by the configured caps, not the defaults: a
// server configured for larger uploads must take them, and the server's body limit (which
// runs before the API) learns the same caps from the API, not from a list of routes.
func TestUploadsTakeTheConfiguredCaps(t *testing.T) {
	for _, limit := range []int64{64 << 10, 3 << 30} {
		a, err := app.Open(t.Context(), app.Deps{Store: storetest.Open(t),
			Flows: app.Flows{Secret: []byte("0123456789abcdef0123456789abcdef"), MaxTelemetryBytes: limit, MaxEventBytes: limit}})
		if err != nil {
			t.Fatal(err)
		}
		api := New(http.NewServeMux(), Deps{App: a})
		for _, path := range []string{"/telemetry", "/events"} {
			if op := api.Huma().OpenAPI().Paths[path].Post; op.MaxBodyBytes != limit {
				t.Errorf("configured %d bytes: %s takes %d", limit, path, op.MaxBodyBytes)
			}
			if got := api.BodyLimits()[Prefix+path]; got != limit {
				t.Errorf("configured %d bytes: BodyLimits()[%s] = %d", limit, Prefix+path, got)
			}
		}
	}
}
