package centre

import (
	"context"
	"errors"
	"io"

	"github.com/vigil-health/vigil"
)

// retroHunt looks new indicators up in the keyed observable index and raises retro-hunt
// alerts for organisations that saw them earlier. (Stub: replaced by the telemetry work.)
func (s *Service) retroHunt(ctx context.Context, added []vigil.Indicator) {}

// runHousekeeping purges expired sessions and the observable index past retention until
// ctx ends. (Stub.)
func (s *Service) runHousekeeping(ctx context.Context) { <-ctx.Done() }

// ErrBusy is returned by IngestTelemetry when ingest is saturated; the API answers 429
// with Retry-After.
var ErrBusy = errors.New("telemetry ingest is busy; retry shortly")

// TelemetryResult is what one telemetry upload did.
type TelemetryResult struct {
	// Lines read, Events parsed, Unparseable lines (with the first few line numbers).
	Lines, Events, Unparseable int64
	Problems                   []string
	// Bytes read after decompression.
	Bytes int64
	// Observables extracted, Sightings (observable matched an indicator), Alerts raised.
	Observables, Sightings, Alerts int64
}

// IngestTelemetry reads NDJSON telemetry (plain or gzip) pushed by org's sensor, matches
// it against the live snapshot, stores sightings, alerts and the keyed observable index
// (never the raw events). Everything counted in the result is committed before it
// returns. (Stub.)
func (s *Service) IngestTelemetry(ctx context.Context, org string, r io.Reader) (TelemetryResult, error) {
	return TelemetryResult{}, nil
}
