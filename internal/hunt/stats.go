package hunt

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// maxExamples caps the example problems a hunt keeps.
const maxExamples = 10

// Stats summarises a hunt.
type Stats struct {
	// Files is how many inputs were opened.
	Files int `json:"files"`
	// Failed is how many inputs could not be read to the end.
	Failed int `json:"failed"`
	// Lines counts every line read, blank ones included.
	Lines int64 `json:"lines"`
	// Blank counts empty lines.
	Blank int64 `json:"blank"`
	// Events counts lines that were JSON objects.
	Events int64 `json:"events"`
	// Unparseable counts non-blank lines that were not JSON objects.
	Unparseable int64 `json:"unparseable"`
	// Bytes counts the telemetry bytes read (after decompression), skipped lines included.
	Bytes int64 `json:"bytes"`
	// Observables counts the values extracted and looked up.
	Observables int64 `json:"observables"`
	// Sightings counts the sightings written.
	Sightings int64 `json:"sightings"`
	// ByType counts sightings per matched indicator type.
	ByType map[vigil.IndicatorType]int64 `json:"by_type"`
	// BySource counts sightings per intel source.
	BySource map[string]int64 `json:"by_source"`
	// Elapsed is the wall time of the hunt.
	Elapsed time.Duration `json:"elapsed_ns"`
	// Problems holds the first examples of unreadable lines and inputs.
	Problems []Problem `json:"problems,omitempty"`
	// Strong and Weak count the sightings of each grade (see GradeWeak).
	Strong int64 `json:"strong"`
	Weak   int64 `json:"weak"`
	// Withheld counts the sightings of weak indicators past Options.WeakLimit: counted in
	// Indicators, not written line by line.
	Withheld int64 `json:"withheld"`
	// Indicators sums up the sightings per indicator, strong first, most sighted first.
	Indicators []IndicatorSummary `json:"indicators,omitempty"`

	byID map[match.ID]*IndicatorSummary

	progressBase atomic.Int64
	lastLine     int64
}

// Problem is a line or input the hunt could not use.
type Problem struct {
	// File is the input.
	File string `json:"file"`
	// Line is the 1-based line, 0 for the whole input.
	Line int64 `json:"line,omitempty"`
	// Reason says what was wrong.
	Reason string `json:"reason"`
	// Example is the start of the offending line.
	Example string `json:"example,omitempty"`
}

func newStats() *Stats {
	return &Stats{ByType: map[vigil.IndicatorType]int64{}, BySource: map[string]int64{}}
}

// counts is what one chunk contributes to Stats; the writer adds chunks in order.
type counts struct {
	lines, blank, events, unparseable, observables, sightings int64
	byType                                                    [32]int64 // by index in vigil.IndicatorTypes; the last for any other
	sources                                                   []string
	problems                                                  []Problem
}

func (c *counts) example(file string, line int64, reason string, l []byte) {
	if len(c.problems) >= maxExamples {
		return
	}
	if len(l) > 120 {
		l = l[:120]
	}
	c.problems = append(c.problems, Problem{File: file, Line: line, Reason: reason, Example: string(l)})
}

func typeIndex(t vigil.IndicatorType) int {
	if i := slices.Index(vigil.IndicatorTypes, t); i >= 0 {
		return i
	}
	return len(vigil.IndicatorTypes)
}

func (st *Stats) add(c *counts) {
	st.Lines += c.lines
	st.Blank += c.blank
	st.Events += c.events
	st.Unparseable += c.unparseable
	st.Observables += c.observables
	st.Sightings += c.sightings
	st.lastLine += c.lines
	for i, t := range vigil.IndicatorTypes {
		if c.byType[i] > 0 {
			st.ByType[t] += c.byType[i]
		}
	}
	for _, s := range c.sources {
		st.BySource[s]++
	}
	for _, p := range c.problems {
		if len(st.Problems) < maxExamples {
			st.Problems = append(st.Problems, p)
		}
	}
}

func (st *Stats) fail(file string, line int64, reason string) {
	st.Failed++
	if len(st.Problems) < maxExamples {
		st.Problems = append(st.Problems, Problem{File: file, Line: line, Reason: reason})
	}
}

// overlong is the chunk that stands for a line too long to read: the reader sends it
// down the ordered pipeline, so its count lands in input order without sharing Stats.
func overlong(file string, line int64, maxLine int) *chunk {
	c := &chunk{firstLine: line}
	c.counts.lines, c.counts.unparseable = 1, 1
	c.counts.problems = []Problem{{File: file, Line: line, Reason: fmt.Sprintf("line longer than %d bytes, skipped", maxLine)}}
	return c
}

// typeWidth is the length of the longest indicator type name (x509-sha256), so that the
// counts per type line up.
var typeWidth = func() int {
	n := 0
	for _, t := range vigil.IndicatorTypes {
		n = max(n, len(t))
	}
	return n
}()

// WriteText prints the summary for a person.
func (st *Stats) WriteText(w io.Writer) {
	secs := st.Elapsed.Seconds()
	mbps := 0.0
	if secs > 0 {
		mbps = float64(st.Bytes) / 1e6 / secs
	}
	fmt.Fprintf(w, "hunted %d file(s): %d lines, %d events, %d unparseable, %d blank, %d observables\n",
		st.Files, st.Lines, st.Events, st.Unparseable, st.Blank, st.Observables)
	fmt.Fprintf(w, "sightings: %d (%d strong, %d weak", st.Sightings, st.Strong, st.Weak)
	if st.Withheld > 0 {
		fmt.Fprintf(w, "; %d weak ones not listed line by line: see --summary", st.Withheld)
	}
	fmt.Fprintln(w, ")")
	for _, t := range vigil.IndicatorTypes {
		if n := st.ByType[t]; n > 0 {
			fmt.Fprintf(w, "  %-*s %d\n", typeWidth, t, n)
		}
	}
	if len(st.BySource) > 0 {
		fmt.Fprintf(w, "by source:\n")
		for _, s := range slices.Sorted(maps.Keys(st.BySource)) {
			fmt.Fprintf(w, "  %-30s %d\n", s, st.BySource[s])
		}
	}
	fmt.Fprintf(w, "elapsed %.2fs, %.1f MB scanned, %.1f MB/s\n", secs, float64(st.Bytes)/1e6, mbps)
	if st.Events > 0 && st.Observables == 0 {
		fmt.Fprintf(w, "note: %s\n", telemetry.NothingToLookUp(st.Events))
	}
	for _, p := range st.Problems {
		fmt.Fprintf(w, "problem: %s", p.File)
		if p.Line > 0 {
			fmt.Fprintf(w, ":%d", p.Line)
		}
		fmt.Fprintf(w, ": %s", p.Reason)
		if p.Example != "" {
			fmt.Fprintf(w, ": %q", p.Example)
		}
		fmt.Fprintln(w)
	}
}
