package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
)

// The access rules of the telemetry operations.
var (
	// sensors may push telemetry, each for its own organisation only.
	sensors = Access{Roles: []vigil.Role{vigil.RoleSensor}}
)

// telemetryRoutes registers the telemetry operations: sensors push telemetry, and people
// read the sightings it produced.
func (a *API) telemetryRoutes() {
	const (
		e400 = http.StatusBadRequest
		e413 = http.StatusRequestEntityTooLarge
		e415 = http.StatusUnsupportedMediaType
		e422 = http.StatusUnprocessableEntity
		e429 = http.StatusTooManyRequests
	)
	push := op("push-telemetry", http.MethodPost, "/telemetry", "Push telemetry", "telemetry", e400, e413, e415, e422, e429)
	push.Description = "Streams NDJSON telemetry (Zeek, Suricata EVE, Sysmon and Windows event JSON, ECS, osquery, " +
		"or any JSON; plain, or gzip with Content-Encoding: gzip or a gzip body) from a sensor of one organisation. " +
		"Observables are matched against the live indicators; sightings and alerts are kept, and keyed hashes of " +
		"the observables for retro-hunts. The events themselves are never stored. Lines that are not JSON are " +
		"counted and the first few reported with their line numbers; the rest of the upload is taken. " +
		"A body with lines of which none is JSON is refused with 400 and the first few problems. " +
		"Each event is filed under its own time (Zeek ts, Sysmon UtcTime, Suricata timestamp, ECS @timestamp, " +
		"osquery unixTime...): events without one, or timed more than five minutes ahead of the server, take the " +
		"time received; events older than the retention are filed under the oldest day kept; both are counted " +
		"and the first of each described. " +
		"Everything the answer counts is stored before it is sent. When the server is busy it answers 429 " +
		"with Retry-After; past the size cap (after decompression) 413, keeping the lines before it."
	push.MaxBodyBytes = a.app.Sightings.MaxTelemetryBytes() // the configured cap, not the default
	push.RequestBody = &huma.RequestBody{Required: true, Description: "NDJSON, one event per line, plain or gzip.",
		Content: map[string]*huma.MediaType{
			"application/x-ndjson": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
			"application/gzip":     {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		}}
	Register(a, push, sensors, a.telemetryPush)
	Register(a, op("list-sightings", http.MethodGet, "/sightings", "List sightings", "telemetry", http.StatusNotFound), people, a.sightingList)
}
