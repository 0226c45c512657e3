package telemetry

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/maphash"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
	"github.com/vigil-health/vigil"
)

// Format is a telemetry format: the shape of the JSON events on each line.
type Format string

// The formats Extract understands.
const (
	FormatAuto     Format = "auto"     // detect the format of each line from its keys
	FormatECS      Format = "ecs"      // Elastic Common Schema documents
	FormatSysmon   Format = "sysmon"   // Windows event log JSON (Sysmon and Security events)
	FormatZeek     Format = "zeek"     // Zeek JSON logs, including json-streaming
	FormatSuricata Format = "suricata" // Suricata EVE JSON
	FormatOsquery  Format = "osquery"  // osquery result logs (event, snapshot and batch)
	FormatGeneric  Format = "generic"  // any JSON object: every string value is classified
)

// Formats lists the formats ParseFormat accepts, in the order help texts show them.
var Formats = []Format{FormatAuto, FormatECS, FormatSysmon, FormatZeek, FormatSuricata, FormatOsquery, FormatGeneric}

// ParseFormat reads a format name as given to --format; the empty string means FormatAuto.
func ParseFormat(s string) (Format, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return FormatAuto, nil
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		if Format(s) == f {
			return f, nil
		}
		names[i] = string(f)
	}
	return "", errors.New("unknown telemetry format " + strconv.Quote(s) + "; valid formats are " + strings.Join(names, ", "))
}

// ErrNotJSON is matched by errors.Is for every error Extract returns: the line is not a JSON object.
var ErrNotJSON = errors.New("not a JSON object")

// LineError says why a line is not a JSON object. It wraps ErrNotJSON.
type LineError struct {
	// Offset is the 0-based byte offset of the first byte that breaks the JSON syntax, or the
	// line's length when it ends too early; -1 when the line is valid JSON but not an object,
	// or the position is not known.
	Offset int
	// Reason is a short explanation, such as "unexpected end of JSON input".
	Reason string
}

// Error returns "not JSON: <reason> at offset <n>" or "not a JSON object: <reason>".
func (e *LineError) Error() string {
	if e.Offset < 0 {
		return "not a JSON object: " + e.Reason
	}
	return "not JSON: " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns ErrNotJSON.
func (e *LineError) Unwrap() error { return ErrNotJSON }

// Extractor extracts the observables of NDJSON telemetry one line at a time. It reuses its
// parser and buffers between lines, so it is not safe for concurrent use: make one per goroutine.
type Extractor struct {
	format Format
	last   Format
	blank  bool

	p     fastjson.Parser // the line
	inner fastjson.Parser // JSON-encoded strings inside it (Windows EventData)

	cache  []cacheEntry      // normalisation cache, cacheSize slots
	seed   maphash.Seed      // of the cache's hash
	strs   map[string]string // interned observable values
	fields map[string]string // interned field paths of generic events
	tlds   map[string]bool   // whether a last label is an ICANN top-level domain (generic events)

	buf  []byte // scratch for normalising one value
	path []byte // dotted path of the value being visited
	ubuf []byte // scratch for joining a URL

	// guess is the format of the previous line with FormatAuto: lines are walked as that
	// format while their markers are collected, and walked again only when they disagree.
	guess     Format
	detecting bool // collect markers of top-level keys
	markers   uint

	// Per line.
	dst         []vigil.Observable
	start       int
	url         urlParts
	inEventData bool
	isCert      bool // the event's file is a certificate: its hashes are fingerprints
	when        eventTime
	minute      minuteCache // of event times: kept from line to line
}

// urlParts collects the pieces of a URL that an event spreads over several fields, such as
// Zeek's host and uri. The slices point into the parser's buffers and live for one line.
type urlParts struct {
	host, path, scheme []byte
	port               int
	pathField          string
	given              bool // a listed field held a whole URL: nothing to join
}

// NewExtractor returns an Extractor for events of format f. With FormatAuto the format is
// detected on each line; an unknown f is treated as FormatAuto.
func NewExtractor(f Format) *Extractor {
	switch f {
	case FormatECS, FormatSysmon, FormatZeek, FormatSuricata, FormatOsquery, FormatGeneric:
	default:
		f = FormatAuto
	}
	return &Extractor{
		format: f,
		cache:  make([]cacheEntry, cacheSize),
		seed:   maphash.MakeSeed(),
		strs:   make(map[string]string, 1024),
		fields: map[string]string{},
		tlds:   map[string]bool{},
	}
}

// Extract appends the observables of one NDJSON line to dst and returns the extended slice.
//
// A line that is not a JSON object returns dst unchanged and a *LineError (errors.Is
// ErrNotJSON). A blank line (only whitespace) returns dst unchanged and a nil error; LastBlank
// then reports true, so callers can count events, blank and unparseable lines apart.
//
// The Values of the appended observables are normalised as internal/ioc normalises
// indicators, so they compare byte for byte with indicator values, and never alias line.
// An event yields each (Field, Type, Value) at most once.
func (e *Extractor) Extract(line []byte, dst []vigil.Observable) ([]vigil.Observable, error) {
	e.last, e.blank, e.when = "", false, eventTime{}
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	if isBlank(line) {
		e.blank = true
		return dst, nil
	}
	v, err := e.p.ParseBytes(line)
	if err != nil {
		return dst, lineError(line, err)
	}
	if v.Type() != fastjson.TypeObject {
		return dst, &LineError{Offset: -1, Reason: "the line is a JSON " + v.Type().String()}
	}
	o, _ := v.Object()
	e.dst, e.start, e.path = dst, len(dst), e.path[:0]
	f := e.format
	if f == FormatAuto {
		f = e.walkAuto(o)
	} else {
		e.walk(f, o)
	}
	e.last = f
	e.settle()
	e.certFile()
	e.joinURL()
	e.addURLHosts()
	dst, e.dst = e.dst, nil
	return dst, nil
}

// walk extracts the observables of o as format f.
func (e *Extractor) walk(f Format, o *fastjson.Object) {
	e.url, e.isCert, e.when = urlParts{}, false, eventTime{}
	switch f {
	case FormatECS:
		e.walkObject(ecsTable, o, 0)
	case FormatSysmon:
		e.walkObject(sysmonTable, o, 0)
	case FormatZeek:
		e.walkObject(zeekTable, o, 0)
	case FormatSuricata:
		e.walkObject(suricataTable, o, 0)
	case FormatOsquery:
		e.walkObject(osqueryTable, o, 0)
	default:
		e.walkGeneric(o, 0)
	}
}

// walkAuto detects the format of o and extracts its observables in one pass over the
// top-level keys in the common case: o is walked as the previous line's format while the
// detection markers are collected, and walked again if the markers say otherwise.
func (e *Extractor) walkAuto(o *fastjson.Object) Format {
	guess := e.guess
	if guess == "" || guess == FormatGeneric {
		guess = detect(o) // walking as generic is too costly to waste on a wrong guess
	}
	e.markers, e.detecting = 0, true
	e.walk(guess, o)
	e.detecting = false
	f := decide(e.markers, o)
	if f != guess {
		e.dst = e.dst[:e.start]
		e.walk(f, o)
	}
	e.guess = f
	return f
}

// LastFormat returns the format of the last line given to Extract: the detected one with
// FormatAuto. It is "" when that line was blank or not a JSON object.
func (e *Extractor) LastFormat() Format { return e.last }

// LastBlank reports whether the last line given to Extract was blank (only whitespace).
func (e *Extractor) LastBlank() bool { return e.blank }

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// lineError explains a line that fastjson rejected. This is the slow path: the standard
// library's parser is run again for a precise reason and offset.
func lineError(line []byte, fastErr error) *LineError {
	var raw json.RawMessage
	err := json.Unmarshal(line, &raw)
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		off := int(se.Offset)
		if strings.HasPrefix(se.Error(), "invalid character") && off > 0 {
			off-- // encoding/json counts the offending byte as read
		}
		return &LineError{Offset: off, Reason: se.Error()}
	}
	reason := fastErr.Error()
	if len(reason) > 120 {
		reason = reason[:120] + "…"
	}
	return &LineError{Offset: -1, Reason: reason}
}
