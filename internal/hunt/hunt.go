// Package hunt searches telemetry files for indicators of compromise: it reads NDJSON
// (plain or gzip) in large line-aligned chunks, extracts observables and looks them up in
// a match.Snapshot on every core, and writes one sighting per (line, observable,
// indicator) in input order.
//
// Concurrency: one reader goroutine cuts chunks; Workers goroutines each own a
// telemetry.Extractor and an output buffer; the caller's goroutine writes finished chunks
// in sequence. The snapshot is immutable and shared without locks.
package hunt

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// Options tune a hunt. The zero value is usable.
type Options struct {
	// Format forces a telemetry format; empty or "auto" detects it per line.
	Format telemetry.Format
	// Workers is the number of scanning goroutines; 0 means one per core.
	Workers int
	// ChunkSize is the size of the blocks handed to workers; 0 means 1 MiB.
	ChunkSize int
	// MaxLine is the longest line read; longer lines are reported and skipped. 0 means 64 MiB.
	MaxLine int
	// Progress, when set, is called with the number of input bytes (as stored) read so far.
	Progress func(n int64)
	// WeakLimit is how many sightings of one weak indicator are written before the rest
	// are only counted (Stats.Withheld, and each Stats.Indicators entry); 0 means
	// DefaultWeakLimit, a negative number writes them all.
	WeakLimit int
}

// DefaultWeakLimit is how many sightings of one weak indicator a hunt lists by default.
const DefaultWeakLimit = 20

// Input is one telemetry source.
type Input struct {
	// Name is how sightings and problems refer to the input (usually its path).
	Name string
	// Open opens the raw bytes; gzip is detected and unwrapped by the hunt.
	Open func() (io.ReadCloser, error)
}

// FileInput returns an Input that reads the file at path ("-" is standard input).
func FileInput(path string, stdin io.Reader) Input {
	if path == "-" {
		return Input{Name: "-", Open: func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }}
	}
	return Input{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// Run hunts every input for the snapshot's indicators, writes sightings as NDJSON to w
// and returns the statistics. Unreadable inputs are reported in Stats.Failed and the
// hunt goes on with the next one; the error is for failures to write output.
func Run(ctx context.Context, snap *match.Snapshot, inputs []Input, w io.Writer, opts Options) (*Stats, error) {
	opts = opts.withDefaults()
	st := newStats()
	start := time.Now()
	bw := bufio.NewWriterSize(w, 256<<10)
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := runInput(ctx, snap, in, bw, st, opts); err != nil {
			return st, err
		}
	}
	st.Elapsed = time.Since(start)
	st.summarise(snap)
	return st, bw.Flush()
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 1 << 20
	}
	if o.MaxLine <= 0 {
		o.MaxLine = telemetry.DefaultMaxLine
	}
	if o.Format == "" {
		o.Format = telemetry.FormatAuto
	}
	if o.WeakLimit == 0 {
		o.WeakLimit = DefaultWeakLimit
	}
	return o
}

// chunk is a run of whole lines and, once scanned, the sightings and counts it produced.
type chunk struct {
	firstLine int64
	data      []byte
	out       []byte
	marks     []mark // where each sighting in out ends, and its indicator
	counts    counts
	done      chan struct{}
}

func runInput(ctx context.Context, snap *match.Snapshot, in Input, w io.Writer, st *Stats, opts Options) error {
	rc, err := in.Open()
	if err != nil {
		st.fail(in.Name, 0, "cannot open: "+unwrapPath(err))
		return nil
	}
	defer rc.Close()
	st.Files++
	lr, err := telemetry.NewLineReader(&countingReader{r: rc, progress: opts.Progress, base: &st.progressBase},
		telemetry.ReaderOptions{MaxLine: opts.MaxLine})
	if err != nil {
		st.fail(in.Name, 0, "not a valid gzip file: "+err.Error())
		return nil
	}
	defer func() { st.Bytes += lr.Bytes() }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *chunk, opts.Workers*2)
	ordered := make(chan *chunk, opts.Workers*4)
	bufs := newBuffers(opts.ChunkSize, opts.Workers*6+2)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			newScanner(snap, in.Name, opts.Format).scanAll(work, bufs)
		}()
	}
	var readErr error
	go func() {
		readErr = cutChunks(ctx, lr, in.Name, opts, bufs, work, ordered)
		close(work)
		close(ordered)
	}()
	var writeErr error
	for c := range ordered {
		<-c.done
		st.add(&c.counts)
		if writeErr == nil {
			writeErr = st.write(w, in.Name, c, opts.WeakLimit)
			if writeErr != nil {
				cancel()
			}
		}
	}
	wg.Wait()
	if readErr != nil && writeErr == nil {
		st.fail(in.Name, st.lastLine, readErr.Error())
	}
	return writeErr
}

func unwrapPath(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// countingReader reports progress in input bytes as stored (compressed when gzip).
type countingReader struct {
	r        io.Reader
	progress func(int64)
	base     *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.progress != nil && n > 0 {
		c.progress(c.base.Add(int64(n)))
	}
	return n, err
}

// Sighting is one place an indicator appeared in telemetry: the NDJSON record vigil hunt writes.
type Sighting struct {
	// File is the telemetry input the line came from.
	File string `json:"file"`
	// Line is the 1-based line number in the (decompressed) input.
	Line int64 `json:"line"`
	// Field is the event field the observable was found in.
	Field string `json:"field"`
	// Observable is the normalised value seen.
	Observable string `json:"observable"`
	// Type is the observable's type.
	Type vigil.IndicatorType `json:"type"`
	// Time is the event's own time in UTC, as the telemetry gave it (Zeek ts, Sysmon
	// UtcTime, Suricata timestamp, ECS @timestamp, osquery unixTime...); absent when the
	// event has none. An offline hunt applies no clock-skew rule: it shows what the log says.
	Time time.Time `json:"time,omitzero"`
	Matched
}

// Matched is what a sighting says about the indicator it matched; it is encoded once per
// indicator and reused for every sighting of it.
type Matched struct {
	// Indicator is the matched indicator's normalised value (a parent domain or a CIDR can differ from Observable).
	Indicator string `json:"indicator"`
	// IndicatorType is the matched indicator's type.
	IndicatorType vigil.IndicatorType `json:"indicator_type"`
	// Sources are the names of every source that published the indicator.
	Sources []string `json:"sources"`
	// Publishers are who published the indicator inside the data (a STIX identity, a MISP
	// event's creator) when that is not the source itself: whom to ask about it. Absent
	// when none did.
	Publishers []string `json:"publishers,omitempty"`
	// TLP is the strictest marking among those sources: how far this sighting may be shared.
	// It is always present; null means no source marked the indicator.
	TLP Marking `json:"tlp"`
	// Labels are the union of the sources' labels (malware family, campaign).
	Labels []string `json:"labels,omitempty"`
	// Confidence is the highest confidence any source stated, absent when none did.
	Confidence *int `json:"confidence,omitempty"`
	// Grade is "strong", or "weak" for an indicator that is often harmless (see GradeWeak).
	Grade string `json:"grade"`
	// WeakBecause says why a weak sighting is weak.
	WeakBecause string `json:"weak_because,omitempty"`
}

// Marking is a TLP marking that encodes as JSON null when unmarked, so consumers can rely on
// the "tlp" key being present and tell "not marked" from any real marking.
type Marking vigil.TLP

// MarshalJSON writes the marking as a string, or null when it is unmarked.
func (m Marking) MarshalJSON() ([]byte, error) {
	if m == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(m))
}
