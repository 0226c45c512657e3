package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// warningRoutes registers the Early Warning operations: partners' threat events, the
// events nobody owns, the outbox of messages to organisations, and accepting overlaps.
func (a *API) warningRoutes() {
	const (
		e400 = http.StatusBadRequest
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
		e413 = http.StatusRequestEntityTooLarge
		e422 = http.StatusUnprocessableEntity
	)
	events := op("ingest-events", http.MethodPost, "/events", "Send threat events", "early warning", e400, e413)
	events.Description = "Takes NDJSON threat events from partners and scanners, one JSON object per line, and routes each " +
		"to the organisation that registered its IP address or domain (longest prefix, longest domain suffix). " +
		"Alerts are deduplicated per organisation, observable, type and day. Events nobody owns are kept for analysts " +
		"(GET /unrouted). Malformed lines are rejected with their line numbers while the valid ones are kept; " +
		"a body with no valid line answers 400. Everything counted in a 200 answer is stored."
	events.MaxBodyBytes = a.app.EarlyWarning.MaxEventBytes() // the configured cap
	Register(a, events, sector, a.eventIngest)
	// Documented after registering: an operation with a request body schema has huma
	// read and buffer the body, which the handler streams instead.
	if pi := a.huma.OpenAPI().Paths["/events"]; pi != nil && pi.Post != nil {
		pi.Post.RequestBody = eventsRequestBody()
	}
	Register(a, op("list-unrouted", http.MethodGet, "/unrouted", "List events that matched no organisation", "early warning"),
		sector, a.unroutedList)
	assign := op("assign-unrouted", http.MethodPost, "/events/unrouted/{id}/assign", "Assign an unrouted event to an organisation",
		"early warning", e404, e409, e422)
	assign.Description = "Raises, for the organisation named, the alert the event would have raised had the organisation " +
		"registered its address or name, marked with the event's TLP; the event then leaves GET /unrouted. " +
		"It does not register the address: PATCH /orgs/{ods} does, so that its next events route by themselves."
	Register(a, assign, sector, a.unroutedAssign)
	Register(a, op("list-outbox", http.MethodGet, "/outbox", "List messages to organisations", "early warning", e404),
		alertWorkers, a.notificationList)
	Register(a, op("accept-overlap", http.MethodPost, "/overlaps/{id}/accept", "Accept an overlapping asset claim", "orgs", e404, e409),
		sector, a.overlapAccept)
}

// eventsRequestBody documents the streamed NDJSON body, which huma does not read.
func eventsRequestBody() *huma.RequestBody {
	line := &huma.Schema{Type: huma.TypeObject, Required: []string{"type", "observable", "time", "source", "severity"},
		Properties: map[string]*huma.Schema{
			"type":        {Type: huma.TypeString, Description: "compromise, abuse, vulnerable_service, open_port, phishing, malware, scan, botnet, brute_force, spam, defacement, leaked_credentials, or another lower-case word", Examples: []any{"open_port"}},
			"observable":  {Type: huma.TypeString, Description: "An IP address, domain or URL.", Examples: []any{"192.0.2.7"}},
			"time":        {Type: huma.TypeString, Format: "date-time", Description: "When the partner saw it (RFC 3339)."},
			"source":      {Type: huma.TypeString, Description: "The partner or scanner.", Examples: []any{"Shadowserver"}},
			"severity":    {Type: huma.TypeString, Enum: []any{"low", "medium", "high", "critical"}},
			"port":        {Type: huma.TypeInteger, Minimum: schemaBound(1), Maximum: schemaBound(65535)},
			"service":     {Type: huma.TypeString, Examples: []any{"rdp"}},
			"cve":         {Type: huma.TypeString, Examples: []any{"CVE-2019-0708"}},
			"description": {Type: huma.TypeString},
			"tlp": {Type: huma.TypeString, Description: "How far the event may be shared (TLP 2.0; TLP: prefix and any case allowed). " +
				"The alerts it raises carry it; GREEN when absent.", Examples: []any{"AMBER"}},
		}}
	return &huma.RequestBody{Required: true,
		Description: "NDJSON: one threat event per line, as the schema describes. Blank lines are skipped.",
		Content:     map[string]*huma.MediaType{"application/x-ndjson": {Schema: line}}}
}

// schemaBound is a schema minimum or maximum.
func schemaBound(v float64) *float64 { return &v }
