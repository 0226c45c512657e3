package sightings

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// Limits of telemetry ingest, for the zero values of Deps.
const (
	// maxTelemetryLine is the longest line read; longer lines are counted unparseable.
	maxTelemetryLine = 4 << 20
	// maxTelemetryProblems is how many unparseable lines a result describes.
	maxTelemetryProblems = 5
	// maxTelemetryRatio caps how far a gzip upload may unpack, per byte sent, past 16 MiB:
	// real telemetry packs 5 to 30 times; a 300 KB body of blank lines unpacked to 300 MB
	// and 14 s of CPU.
	maxTelemetryRatio = 200
)

// ErrBusy is returned by IngestTelemetry when ingest is saturated; the API answers 429
// with Retry-After.
var ErrBusy = errors.New("telemetry ingest is busy; retry shortly")

// TooLargeError is returned by IngestTelemetry when an upload passes the size cap after
// decompression. The lines before the cap were taken and are kept.
type TooLargeError struct {
	// Limit is the cap in bytes.
	Limit int64
	// Lines is how many whole lines were taken before it.
	Lines int64
}

// Error says what happened and what to do about it.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the telemetry upload is larger than %d bytes after decompression: the first %d lines "+
		"were taken and kept; send the rest, from line %d, in another upload", e.Limit, e.Lines, e.Lines+1)
}

// TelemetryResult is what one telemetry upload did.
type TelemetryResult struct {
	// Lines read: Events parsed, Unparseable lines (the first few described in
	// Problems, with their line numbers) and Blank lines.
	Lines, Events, Unparseable, Blank int64
	Problems                          []string
	// Bytes read after decompression.
	Bytes int64
	// Observables extracted, Sightings (observable matched an indicator), Alerts raised.
	Observables, Sightings, Alerts int64
	// AlertRepeats counts sightings folded into an alert raised earlier the same day.
	AlertRepeats int64
	// Untimed counts events with no readable time of their own: they take the time the
	// upload began. FutureTimes counts events more than MaxClockSkew ahead of the server's
	// clock (taken as the time received); OldTimes events older than the retention period
	// (matched, and filed under the oldest day kept). TimeProblems describes the first
	// event of each of the last two, with its line number.
	Untimed, FutureTimes, OldTimes int64
	TimeProblems                   []string
}

// telemetryLimits is the admission control of telemetry ingest: a counting semaphore
// that refuses rather than queues, and the size cap.
type telemetryLimits struct {
	slots    chan struct{}
	maxBytes int64
}

func newTelemetryLimits(concurrency int, maxBytes int64) *telemetryLimits {
	if concurrency <= 0 {
		concurrency = 2 * runtime.GOMAXPROCS(0)
	}
	if maxBytes <= 0 {
		maxBytes = telemetry.DefaultMaxBytes
	}
	return &telemetryLimits{slots: make(chan struct{}, concurrency), maxBytes: maxBytes}
}

func (l *telemetryLimits) tryAcquire() bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l *telemetryLimits) release() { <-l.slots }

// IngestTelemetry reads NDJSON telemetry (plain or gzip) pushed by p, a sensor of one
// organisation, for that organisation, matches
// it against the live snapshot, stores sightings, alerts and the keyed observable index
// (never the raw events). Everything counted in the result is committed before it
// returns. It refuses at once with ErrBusy when as many uploads as the limit allows are
// running, and stops with a *TooLargeError past the size cap.
//
// Each event's sightings, index keys and alerts take the event's own time and its UTC
// day (Zeek ts, Sysmon UtcTime, Suricata timestamp, ECS @timestamp, osquery unixTime...;
// see telemetry.Extractor.LastTime), bounded by the clock-skew rules of eventtime.go and
// counted in the result when a rule applies. An upload may so span several days.
func (s *Service) IngestTelemetry(ctx context.Context, p vigil.Principal, r io.Reader) (TelemetryResult, error) {
	if err := p.Need(vigil.RoleSensor); err != nil {
		return TelemetryResult{}, err
	}
	if p.Org == "" {
		return TelemetryResult{}, vigil.Errorf(vigil.EFORBIDDEN, "this sensor token names no organisation: create one with vigil token create --sensor --org ODS")
	}
	res, err := s.ingestTelemetry(ctx, p.Org, r)
	if err == nil || res.Events > 0 {
		s.recordSource(ctx, p, res)
	}
	return res, err
}

// recordSource counts the upload against the sensor's token for the sector report's
// "sensors hunting". The upload is committed already, so a failure here is logged, not
// answered: the sensor must not send it again.
func (s *Service) recordSource(ctx context.Context, p vigil.Principal, res TelemetryResult) {
	if p.TokenID == 0 {
		return // pushed in-process (the demo), not by a token
	}
	if err := s.store.RecordTelemetrySource(ctx, p.TokenID, p.Org, s.now(), res.Events); err != nil {
		s.log.ErrorContext(ctx, "record the telemetry source", slog.Any("error", err), slog.Int64("token", p.TokenID))
	}
}

// ingestTelemetry is IngestTelemetry for org, without the check.
func (s *Service) ingestTelemetry(ctx context.Context, org string, r io.Reader) (TelemetryResult, error) {
	if !s.tele.tryAcquire() {
		s.metrics.telemetryBusy.Inc()
		return TelemetryResult{}, ErrBusy
	}
	defer s.tele.release()
	o, err := s.store.GetOrg(ctx, org)
	if err != nil {
		return TelemetryResult{}, err
	}
	received := s.now()
	if err := s.store.PrepareObservableDays(ctx, vigil.DayOf(received)); err != nil {
		return TelemetryResult{}, err
	}
	snap, release := s.hold()
	defer release() // after the last flush: what this matcher indexed is written
	in := s.newIngest(o.ODSCode, orgName(o), snap, received)
	err = in.run(ctx, r)
	return in.res, err
}

// run streams r line by line, flushing batches as they fill and once at the end.
func (in *ingest) run(ctx context.Context, r io.Reader) error {
	lr, err := telemetry.NewLineReader(r, telemetry.ReaderOptions{MaxBytes: in.s.tele.maxBytes, MaxLine: maxTelemetryLine,
		MaxRatio: maxTelemetryRatio})
	var notGzip *telemetry.GzipError
	if errors.As(err, &notGzip) {
		return vigil.Errorf(vigil.EINVALID, "the body starts like gzip but is not a valid gzip stream: %v", notGzip.Err)
	}
	var readErr error
	for no := int64(1); ; no++ {
		line, tooLong, err := lr.Next()
		if err != nil {
			if err != io.EOF {
				readErr = in.readError(err, lr)
			}
			break
		}
		in.line(line, tooLong, no)
		if in.batch.full() {
			if err := in.flush(ctx); err != nil {
				return err
			}
		}
	}
	in.res.Bytes = lr.Bytes()
	if err := in.flush(ctx); err != nil {
		return err
	}
	return readErr
}

// readError explains why reading stopped early; what was read before stays.
func (in *ingest) readError(err error, lr *telemetry.LineReader) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, telemetry.ErrTooLarge):
		return &TooLargeError{Limit: lr.MaxBytes(), Lines: in.res.Lines}
	case errors.Is(err, telemetry.ErrTooCompressed):
		return vigil.Errorf(vigil.EINVALID, "the gzip body unpacks to more than %d times its size, which telemetry never does: "+
			"the first %d lines were taken and kept; send the rest uncompressed or as it was written", maxTelemetryRatio, in.res.Lines)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt),
		errors.Is(err, io.ErrUnexpectedEOF):
		if in.res.Lines == 0 {
			return vigil.Errorf(vigil.EINVALID, "the gzip stream is damaged or cut short before its first line (%v): nothing was taken; send it again", err)
		}
		return vigil.Errorf(vigil.EINVALID, "the gzip stream is damaged or cut short after line %d (%v): "+
			"the lines before it were taken and kept; send the rest again", in.res.Lines, err)
	}
	return fmt.Errorf("read telemetry after line %d: %w", in.res.Lines, err)
}

// problem notes an unparseable line, describing the first few.
func (in *ingest) problem(no int64, reason string) {
	in.res.Unparseable++
	if len(in.res.Problems) < maxTelemetryProblems {
		in.res.Problems = append(in.res.Problems, "line "+strconv.FormatInt(no, 10)+": "+reason)
	}
}

// orgName is how alerts name an organisation.
func orgName(o vigil.Org) string {
	if o.Name != "" {
		return o.Name
	}
	return o.ODSCode
}
