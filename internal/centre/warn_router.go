package centre

import (
	"context"
	"io"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/warn"
)

// Reroute rebuilds the asset router from the organisations' registered assets and swaps
// it in. (Stub: replaced by the Early Warning work.)
func (s *Service) Reroute(ctx context.Context) error { return nil }

// warnOnIndicators raises Early Warning alerts for organisations whose assets the
// indicators touch. (Stub.)
func (s *Service) warnOnIndicators(ctx context.Context, added []vigil.Indicator) {}

// runDigest writes the daily digest at the configured hour until ctx ends. (Stub.)
func (s *Service) runDigest(ctx context.Context) { <-ctx.Done() }

// EventsResult is what one events upload did.
type EventsResult struct {
	// Accepted events were valid; Routed of them reached at least one organisation and
	// Unrouted matched nobody's assets (kept for analysts).
	Accepted, Routed, Unrouted int
	// Alerts raised and Repeats (deduplicated into an existing alert of the same day).
	Alerts, Repeats int
	// Rejected lines, with line numbers and reasons (the first few).
	Rejected int
	Problems []warn.Problem
}

// IngestEvents reads NDJSON threat events, routes each to the organisations owning its
// observable and raises or repeats their alerts; what routes nowhere is kept as unrouted.
// Everything counted in the result is committed before it returns. (Stub.)
func (s *Service) IngestEvents(ctx context.Context, reporter string, r io.Reader) (EventsResult, error) {
	return EventsResult{}, nil
}
