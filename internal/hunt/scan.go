package hunt

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// scanner is one worker: it owns its extractor, scratch slices and a cache of encoded
// indicator entries (hits repeat, and encoding provenance each time would dominate).
type scanner struct {
	snap   *match.Snapshot
	file   string
	ex     *telemetry.Extractor
	prefix []byte // `{"file":"<name>","line":`
	obs    []vigil.Observable
	ids    []match.ID
	cache  map[match.ID]*encodedEntry

	// The time of the line being scanned, and its RFC 3339 text, written for the first
	// sighting of the line only: most lines have none.
	when     time.Time
	timed    bool
	timeText []byte
	written  bool
}

// encodedEntry is the JSON tail of every sighting of one indicator, and its counting keys.
type encodedEntry struct {
	tail    []byte
	typ     vigil.IndicatorType
	sources []string
	weak    bool
}

func newScanner(snap *match.Snapshot, file string, f telemetry.Format) *scanner {
	prefix := append([]byte(`{"file":`), jsonString(nil, file)...)
	prefix = append(prefix, `,"line":`...)
	return &scanner{snap: snap, file: file, ex: telemetry.NewExtractor(f), prefix: prefix, cache: map[match.ID]*encodedEntry{}}
}

func (s *scanner) scanAll(work <-chan *chunk, bufs *buffers) {
	for c := range work {
		s.scan(c)
		bufs.put(c.data)
		c.data = nil
		close(c.done)
	}
}

func (s *scanner) scan(c *chunk) {
	line := c.firstLine
	for data := c.data; len(data) > 0; line++ {
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		s.scanLine(c, l, line)
	}
}

func (s *scanner) scanLine(c *chunk, l []byte, line int64) {
	c.counts.lines++
	l = bytes.TrimRight(l, "\r")
	if len(bytes.TrimSpace(l)) == 0 {
		c.counts.blank++
		return
	}
	var err error
	s.obs, err = s.ex.Extract(l, s.obs[:0])
	if err != nil {
		c.counts.unparseable++
		c.counts.example(s.file, line, err.Error(), l)
		return
	}
	c.counts.events++
	c.counts.observables += int64(len(s.obs))
	var field string
	s.when, field = s.ex.LastTime()
	s.timed, s.written = field != "", false
	for i := range s.obs {
		o := &s.obs[i]
		s.ids = s.snap.Lookup(*o, s.ids[:0])
		for _, id := range s.ids {
			s.emit(c, line, id, o, s.entry(id))
		}
	}
}

func (s *scanner) emit(c *chunk, line int64, id match.ID, o *vigil.Observable, e *encodedEntry) {
	out := append(c.out, s.prefix...)
	out = strconv.AppendInt(out, line, 10)
	out = append(out, `,"field":`...)
	out = jsonString(out, o.Field)
	out = append(out, `,"observable":`...)
	out = jsonString(out, o.Value)
	out = append(out, `,"type":`...)
	out = jsonString(out, string(o.Type))
	var at int64
	if s.timed {
		out = append(append(append(out, `,"time":"`...), s.eventTime()...), '"')
		at = s.when.UnixNano()
	}
	c.out = append(out, e.tail...)
	c.marks = append(c.marks, mark{end: len(c.out), line: line, id: id, weak: e.weak, at: at})
	c.counts.sightings++
	c.counts.byType[typeIndex(e.typ)]++
	c.counts.sources = append(c.counts.sources, e.sources...)
}

// eventTime returns the RFC 3339 text of the line's event time, formatting it once a line.
func (s *scanner) eventTime() []byte {
	if !s.written {
		s.timeText, s.written = s.when.AppendFormat(s.timeText[:0], time.RFC3339Nano), true
	}
	return s.timeText
}

// entry returns the encoded tail of a sighting of indicator id.
func (s *scanner) entry(id match.ID) *encodedEntry {
	if e, ok := s.cache[id]; ok {
		return e
	}
	ent := s.snap.Entry(id)
	sg := matchedOf(ent)
	tail, _ := json.Marshal(sg)
	tail[0] = ','
	e := &encodedEntry{tail: append(tail, '\n'), typ: ent.Type, sources: sg.Sources, weak: sg.Grade == GradeWeak}
	s.cache[id] = e
	return e
}

// matchedOf is what every sighting of the indicator ent says about it.
func matchedOf(ent match.Entry) Matched {
	sg := Matched{Indicator: ent.Value, IndicatorType: ent.Type}
	for _, p := range ent.Sources {
		if !slices.Contains(sg.Sources, p.Source) {
			sg.Sources = append(sg.Sources, p.Source)
		}
		if p.Publisher != "" && p.Publisher != p.Source && !slices.Contains(sg.Publishers, p.Publisher) {
			sg.Publishers = append(sg.Publishers, p.Publisher)
		}
		sg.TLP = Marking(vigil.Stricter(vigil.TLP(sg.TLP), p.TLP))
		for _, l := range p.Labels {
			if !slices.Contains(sg.Labels, l) {
				sg.Labels = append(sg.Labels, l)
			}
		}
		if p.Confidence >= 0 && (sg.Confidence == nil || p.Confidence > *sg.Confidence) {
			sg.Confidence = &p.Confidence
		}
	}
	if sg.Sources == nil {
		sg.Sources = []string{}
	}
	sg.Grade, sg.WeakBecause = grade(ent)
	return sg
}

// jsonString appends s as a JSON string. Plain printable ASCII, nearly every observable,
// is copied as is; anything else goes through encoding/json for correct escaping.
func jsonString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
