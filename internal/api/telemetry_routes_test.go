package api

import (
	"net/http"
	"testing"

	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The push operation bounds its body by the configured telemetry cap, not the default:
// a server configured for larger uploads must take them.
func TestTelemetryPushTakesTheConfiguredCap(t *testing.T) {
	for _, limit := range []int64{64 << 10, 3 << 30} {
		a, err := app.Open(t.Context(), app.Deps{Store: storetest.Open(t),
			Flows: app.Flows{Secret: []byte("0123456789abcdef0123456789abcdef"), MaxTelemetryBytes: limit}})
		if err != nil {
			t.Fatal(err)
		}
		api := New(http.NewServeMux(), Deps{App: a})
		op := api.Huma().OpenAPI().Paths["/telemetry"].Post
		if op.MaxBodyBytes != limit {
			t.Errorf("configured %d bytes: the operation takes %d", limit, op.MaxBodyBytes)
		}
	}
}
