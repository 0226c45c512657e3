package sightings

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"

	"github.com/vigil-health/vigil"
)

// Limits of telemetry ingest, for the zero values of Deps.
const (
	// DefaultMaxTelemetryBytes caps one upload after decompression.
	DefaultMaxTelemetryBytes = 1 << 30
	// maxTelemetryLine is the longest line read; longer lines are counted unparseable.
	maxTelemetryLine = 4 << 20
	// maxTelemetryProblems is how many unparseable lines a result describes.
	maxTelemetryProblems = 5
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
		maxBytes = DefaultMaxTelemetryBytes
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
// Sightings, the index and alert deduplication use the UTC day the upload began: event
// timestamps differ by format and are the sensor's to get wrong.
func (s *Service) IngestTelemetry(ctx context.Context, p vigil.Principal, r io.Reader) (TelemetryResult, error) {
	if err := p.Need(vigil.RoleSensor); err != nil {
		return TelemetryResult{}, err
	}
	if p.Org == "" {
		return TelemetryResult{}, vigil.Errorf(vigil.EFORBIDDEN, "this sensor token names no organisation: create one with vigil token create --sensor --org ODS")
	}
	return s.ingestTelemetry(ctx, p.Org, r)
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
	in := s.newIngest(o.ODSCode, orgName(o))
	err = in.run(ctx, r)
	return in.res, err
}

// run streams r line by line, flushing batches as they fill and once at the end.
func (in *ingest) run(ctx context.Context, r io.Reader) error {
	capped := &capReader{r: r, limit: in.s.tele.maxBytes}
	body, err := decompress(r, capped)
	if err != nil {
		return err
	}
	lr := &lineReader{r: bufio.NewReaderSize(body, 256<<10), max: maxTelemetryLine}
	var readErr error
	for no := int64(1); ; no++ {
		line, tooLong, err := lr.next()
		if err != nil {
			if err != io.EOF {
				readErr = in.readError(err, capped)
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
	in.res.Bytes = capped.n
	if err := in.flush(ctx); err != nil {
		return err
	}
	return readErr
}

// readError explains why reading stopped early; what was read before stays.
func (in *ingest) readError(err error, capped *capReader) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, errTooLarge):
		return &TooLargeError{Limit: capped.limit, Lines: in.res.Lines}
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt),
		errors.Is(err, io.ErrUnexpectedEOF):
		return vigil.Errorf(vigil.EINVALID, "the gzip stream is damaged or cut short after line %d (%v): "+
			"the lines before it were taken and kept; send the rest again", in.res.Lines, err)
	}
	return fmt.Errorf("read telemetry after line %d: %w", in.res.Lines, err)
}

// decompress unwraps gzip when the body starts with its magic number and returns capped
// reading from it, so that the cap counts bytes after decompression.
func decompress(r io.Reader, capped *capReader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(2)
	if len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
		capped.r = br
		return capped, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "the body starts like gzip but is not a valid gzip stream: %v", err)
	}
	zr.Multistream(true)
	capped.r = zr
	return capped, nil
}

var errTooLarge = errors.New("telemetry upload too large")

// capReader counts bytes and refuses to read past limit.
type capReader struct {
	r        io.Reader
	n, limit int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if room := c.limit - c.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		n -= int(c.n - c.limit)
		c.n = c.limit
		return n, errTooLarge
	}
	return n, err
}

// lineReader reads lines of any length up to max without copying the common ones.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	max int
}

// next returns the next line without its line ending; tooLong reports a line longer
// than max, which is skipped (line is nil). At the end it returns io.EOF.
func (l *lineReader) next() (line []byte, tooLong bool, err error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			if len(l.buf)+len(chunk) > l.max+2 { // +2 for "\r\n"
				tooLong, l.buf = true, l.buf[:0]
			} else if err == bufio.ErrBufferFull || len(l.buf) > 0 {
				l.buf = append(l.buf, chunk...)
				chunk = l.buf
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && err != io.EOF:
			return nil, false, err
		case err == io.EOF && len(chunk) == 0 && !tooLong:
			return nil, false, io.EOF
		case tooLong:
			return nil, true, nil
		}
		return trimEOL(chunk), false, nil
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
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
