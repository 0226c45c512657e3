package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil/internal/sightings"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// busyRetry is how long a sensor refused as busy is asked to wait.
const busyRetry = 5 * time.Second

type telemetryPushIn struct {
	ContentEncoding string `header:"Content-Encoding" maxLength:"40" doc:"gzip, or absent. A gzip body is recognised by its first bytes either way."`

	streamedBody
}

// TelemetryResult is what one telemetry upload did.
type TelemetryResult struct {
	// Lines is how many lines were read.
	Lines int64 `json:"lines"`
	// Events is how many lines were JSON events.
	Events int64 `json:"events"`
	// Unparseable is how many lines were not JSON objects (or were too long).
	Unparseable int64 `json:"unparseable"`
	// Blank is how many lines were empty.
	Blank int64 `json:"blank"`
	// Problems describe the first few unparseable lines, with their line numbers.
	Problems []string `json:"problems" nullable:"false"`
	// Bytes is how many bytes were read, after decompression.
	Bytes int64 `json:"bytes"`
	// Observables is how many values (addresses, names, URLs, hashes…) were looked up.
	Observables int64 `json:"observables"`
	// Sightings is how many of them matched an indicator.
	Sightings int64 `json:"sightings"`
	// Alerts is how many new alerts were raised.
	Alerts int64 `json:"alerts"`
	// AlertRepeats is how many sightings were counted into alerts raised earlier the same day.
	AlertRepeats int64 `json:"alert_repeats"`
	// Untimed is how many events held no time of their own; they took the time the upload began.
	Untimed int64 `json:"untimed"`
	// FutureTimes is how many events were timed more than five minutes ahead of the server's
	// clock; they took the time the upload began. Check the sensor's clock.
	FutureTimes int64 `json:"future_times"`
	// OldTimes is how many events were older than the days the server keeps; they were
	// matched, and filed under the oldest day kept.
	OldTimes int64 `json:"old_times"`
	// TimeProblems describe the first event of each of FutureTimes and OldTimes, with its line number.
	TimeProblems []string `json:"time_problems" nullable:"false"`
	// Warnings say what in the upload looks wrong although it was taken: events of which
	// none held a value to look up.
	Warnings []string `json:"warnings" nullable:"false"`
}

type telemetryPushOut struct {
	Body TelemetryResult
}

// telemetryPush takes a sensor's telemetry for its own organisation.
func (a *API) telemetryPush(ctx context.Context, in *telemetryPushIn) (*telemetryPushOut, error) {
	if enc := strings.ToLower(strings.TrimSpace(in.ContentEncoding)); enc != "" && enc != "gzip" && enc != "identity" {
		return nil, newProblem(http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Encoding %q is not supported: "+
			"send the telemetry plain or gzip", in.ContentEncoding), RequestIDFrom(ctx))
	}
	res, err := a.app.Sightings.IngestTelemetry(ctx, principal(ctx), in.req.Body)
	if err != nil {
		return nil, telemetryError(ctx, err)
	}
	if res.Events == 0 && res.Unparseable > 0 {
		return nil, telemetryRefused(ctx, res)
	}
	return &telemetryPushOut{Body: TelemetryResult{Lines: res.Lines, Events: res.Events, Unparseable: res.Unparseable,
		Blank: res.Blank, Problems: nonNil(res.Problems), Bytes: res.Bytes, Observables: res.Observables,
		Sightings: res.Sightings, Alerts: res.Alerts, AlertRepeats: res.AlertRepeats, Untimed: res.Untimed,
		FutureTimes: res.FutureTimes, OldTimes: res.OldTimes, TimeProblems: nonNil(res.TimeProblems),
		Warnings: telemetryWarnings(res)}}, nil
}

// telemetryWarnings tells a sensor whose events all parse but hold nothing to look up: the
// wrong fields or format, which would otherwise be answered 200 for ever.
func telemetryWarnings(res sightings.TelemetryResult) []string {
	if res.Events == 0 || res.Observables > 0 {
		return []string{}
	}
	return []string{telemetry.NothingToLookUp(int64(res.Events))}
}

// telemetryRefused is the 400 for a body with lines but not one event: a sensor sending
// the wrong file, or the wrong format, must be told rather than answered 200.
func telemetryRefused(ctx context.Context, res sightings.TelemetryResult) error {
	p := newProblem(http.StatusBadRequest, fmt.Sprintf("none of the %d lines is a telemetry event (one JSON object per line, "+
		"such as Zeek's JSON logs), so nothing was taken: check what the sensor sends", res.Unparseable), RequestIDFrom(ctx))
	for _, msg := range res.Problems {
		p.Errors = append(p.Errors, &huma.ErrorDetail{Message: msg, Location: "body"})
	}
	return p
}

// telemetryError turns ingest's refusals into the answers a sensor can act on.
func telemetryError(ctx context.Context, err error) error {
	var tooLarge *sightings.TooLargeError
	var bodyCap *http.MaxBytesError
	switch {
	case errors.Is(err, sightings.ErrBusy):
		return &throttled{message: "the server is taking as much telemetry as it can: send this upload again in a few seconds", after: busyRetry}
	case errors.As(err, &tooLarge):
		return newProblem(http.StatusRequestEntityTooLarge, tooLarge.Error(), RequestIDFrom(ctx))
	case errors.As(err, &bodyCap):
		return newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the %d bytes "+
			"this server accepts: the lines before the cut were taken and kept; split the telemetry into smaller uploads",
			bodyCap.Limit), RequestIDFrom(ctx))
	}
	return err
}
