package intel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel/stixpattern"
)

// ParseSTIX reads STIX 2.x JSON: a bundle, a bare array of objects, a single object, or
// several of these one after another. It streams: objects are decoded one at a time, so
// memory does not grow with the number of objects.
//
// Indicators with a STIX pattern (pattern_type "stix", or none as in STIX 2.0) go to the
// Sink one value at a time when the pattern reduces to plain values (see
// stixpattern.Matchable); other patterns are counted as not matchable with the reason,
// and patterns that do not parse are rejected with the offset of the fault. Revoked
// indicators are counted and left out; every other object type is counted as skipped.
//
// Provenance comes from the indicator: confidence, valid_from, valid_until, labels, the
// TLP of object_marking_refs (the standard TLP 1.0 and 2.0 marking ids, and TLP
// marking-definitions in the input) and created_by_ref. An indicator that refers to an
// identity or marking-definition further on waits for it (see STIXRefs) and reaches the
// Sink at the end of the input; a creator never defined leaves no publisher, and a
// marking never defined leaves the Sink's default TLP to apply.
//
// JSON that breaks part way returns an error naming the byte offset and line; the
// indicators before the fault have already gone to the Sink.
func ParseSTIX(r io.Reader, file string, s *Sink) error {
	refs := NewSTIXRefs()
	err := ParseSTIXWith(refs, r, file, s)
	refs.Flush(s)
	return err
}

// stixReader holds the state of one ParseSTIX call.
type stixReader struct {
	dec  *json.Decoder
	src  *lineCounter
	bom  int64 // bytes of byte-order mark dropped before src, for offsets
	file string
	s    *Sink
	refs *STIXRefs  // identities and markings, shared with other inputs of the same pull
	obj  stixObject // the object being decoded
}

// maxRemembered caps the identities and markings remembered, so that a hostile input
// cannot grow memory without bound; real bundles hold a handful.
const maxRemembered = 10000

// stixObject holds the fields of a STIX object that the importer uses; the decoder
// skips the rest without building them.
type stixObject struct {
	Type           string                  `json:"type"`
	ID             string                  `json:"id"`
	Pattern        string                  `json:"pattern"`
	PatternType    string                  `json:"pattern_type"`
	Revoked        bool                    `json:"revoked"`
	Confidence     confidence              `json:"confidence"`
	ValidFrom      string                  `json:"valid_from"`
	ValidUntil     string                  `json:"valid_until"`
	Labels         []string                `json:"labels"`
	CreatedByRef   string                  `json:"created_by_ref"`
	MarkingRefs    []string                `json:"object_marking_refs"`
	Name           string                  `json:"name"`
	DefinitionType string                  `json:"definition_type"`
	Definition     tlpDefinition           `json:"definition"`
	Extensions     map[string]tlpExtension `json:"extensions"`
}

// tlpDefinition is the definition of a TLP 1.0 marking-definition: {"tlp": "amber"}.
type tlpDefinition struct {
	TLP string `json:"tlp"`
}

// tlpExtension is the TLP 2.0 marking extension: {"tlp_2_0": "amber+strict"}.
type tlpExtension struct {
	TLP string `json:"tlp_2_0"`
}

// tlp2Extension is the id of the TLP 2.0 marking extension definition.
const tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// standardTLP maps the marking-definition ids fixed by STIX 2.1 section 7.2.1.4 (TLP 1.0)
// and by the TLP 2.0 extension to their markings.
var standardTLP = map[string]vigil.TLP{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": vigil.TLPClear, // TLP 1.0 WHITE
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": vigil.TLPGreen,
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": vigil.TLPAmber,
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": vigil.TLPRed,
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": vigil.TLPClear, // TLP 2.0
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": vigil.TLPGreen,
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": vigil.TLPAmber,
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": vigil.TLPAmberStrict,
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": vigil.TLPRed,
}

// confidence is a STIX confidence, 0..100; anything else reads as not stated, because a
// malformed score should not cost the indicator.
type confidence struct {
	value int
	ok    bool
}

// UnmarshalJSON accepts a whole number 0..100 and ignores anything else.
func (c *confidence) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err == nil && f >= 0 && f <= 100 && f == float64(int(f)) {
		*c = confidence{value: int(f), ok: true}
	}
	return nil
}

// run reads top-level JSON values until the input ends.
func (r *stixReader) run() error {
	for {
		tok, err := r.dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.fault(err)
		}
		switch tok {
		case json.Delim('['):
			err = r.array()
		case json.Delim('{'):
			err = r.topObject()
		default:
			return fmt.Errorf("not STIX: expected a JSON object or array, found %v", tok)
		}
		if err != nil {
			return err
		}
	}
}

// array reads the members of an array of objects up to and including its ']'.
func (r *stixReader) array() error {
	for r.dec.More() {
		if err := r.member(); err != nil {
			return err
		}
	}
	if _, err := r.dec.Token(); err != nil {
		return r.fault(err)
	}
	return nil
}

// member decodes and handles one object of an array. The object is decoded into one
// reused struct, cleared first, so that decoding does not allocate it each time.
func (r *stixReader) member() error {
	o := &r.obj
	*o = stixObject{}
	err := r.dec.Decode(o)
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		r.malformed(o, err)
		return nil
	}
	if err != nil {
		return r.fault(err)
	}
	r.handle(o)
	return nil
}

// topObject reads a top-level object, its '{' already consumed. A bundle's "objects"
// array is streamed; its other fields are few and small, so they are kept, and when no
// "objects" array turns up they are put back together as a single STIX object.
func (r *stixReader) topObject() error {
	fields := map[string]json.RawMessage{}
	bundle := false
	for r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return r.fault(err)
		}
		key, _ := tok.(string)
		if key == "objects" {
			isArray, err := r.objectsField()
			if err != nil {
				return err
			}
			bundle = bundle || isArray
			continue
		}
		var raw json.RawMessage
		if err := r.dec.Decode(&raw); err != nil {
			return r.fault(err)
		}
		fields[key] = raw
	}
	if _, err := r.dec.Token(); err != nil {
		return r.fault(err)
	}
	if bundle {
		return nil
	}
	return r.single(fields)
}

// objectsField streams an "objects" array. Anything else under that key (the STIX 2.0
// observed-data "objects" map) is not needed and is skipped.
func (r *stixReader) objectsField() (bool, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return false, r.fault(err)
	}
	if tok == json.Delim('[') {
		return true, r.array()
	}
	if tok == json.Delim('{') {
		return false, r.skipRest()
	}
	return false, nil
}

// skipRest consumes tokens up to the end of the array or object just opened.
func (r *stixReader) skipRest() error {
	for depth := 1; depth > 0; {
		tok, err := r.dec.Token()
		if err != nil {
			return r.fault(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// single handles a top-level object that is not a bundle.
func (r *stixReader) single(fields map[string]json.RawMessage) error {
	if _, ok := fields["type"]; !ok {
		return errors.New(`not STIX: the top-level object has no "type" and no "objects"`)
	}
	if string(fields["type"]) == `"bundle"` {
		return nil // a bundle without objects
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("not STIX: %w", err)
	}
	var o stixObject
	err = json.Unmarshal(b, &o)
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		r.malformed(&o, err)
		return nil
	}
	r.handle(&o)
	return nil
}

// malformed handles an object with a field of the wrong JSON type: an indicator is
// rejected, anything else is skipped as it would have been anyway.
func (r *stixReader) malformed(o *stixObject, err error) {
	if o.Type != "indicator" {
		r.handle(o)
		return
	}
	r.s.Reject(r.loc(o), o.Pattern, "malformed indicator: "+err.Error())
}

// handle routes one decoded object by type.
func (r *stixReader) handle(o *stixObject) {
	switch o.Type {
	case "indicator":
		r.indicator(o)
		return
	case "identity":
		r.refs.addName(o.ID, o.Name)
	case "marking-definition":
		if t, ok := markingTLP(o); ok {
			r.refs.addTLP(o.ID, t)
		}
	case "":
		r.s.Skip("(no type)")
		return
	}
	r.s.Skip(o.Type)
}

// markingTLP reads the TLP of a marking-definition: TLP 1.0 definition_type "tlp", or the
// TLP 2.0 extension.
func markingTLP(o *stixObject) (vigil.TLP, bool) {
	if ext, ok := o.Extensions[tlp2Extension]; ok && ext.TLP != "" {
		return vigil.ParseTLP(ext.TLP)
	}
	if strings.EqualFold(o.DefinitionType, "tlp") && o.Definition.TLP != "" {
		return vigil.ParseTLP(o.Definition.TLP)
	}
	return "", false
}

func (r *stixReader) loc(o *stixObject) Location {
	return Location{File: r.file, Ref: o.ID}
}

// indicator parses an indicator's pattern and hands its values to the Sink.
func (r *stixReader) indicator(o *stixObject) {
	loc := r.loc(o)
	switch {
	case o.Revoked:
		r.s.Revoked()
		return
	case o.PatternType != "" && !strings.EqualFold(o.PatternType, "stix"):
		r.s.NotMatchable(loc, o.Pattern, "pattern_type "+o.PatternType)
		return
	case strings.TrimSpace(o.Pattern) == "":
		r.s.Reject(loc, "", "indicator has no pattern")
		return
	}
	e, err := stixpattern.Parse(o.Pattern)
	if err != nil {
		r.s.Reject(loc, o.Pattern, "invalid STIX pattern at "+err.Error())
		return
	}
	matches, reason := stixpattern.Matchable(e)
	if len(matches) == 0 {
		r.s.NotMatchable(loc, o.Pattern, reason)
		return
	}
	r.refs.add(r.s, loc, matches, o)
}

// parseTime reads a STIX timestamp; a malformed one reads as not stated.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// fault turns a JSON syntax or read error into one that says where the input broke.
func (r *stixReader) fault(err error) error {
	truncated := errors.Is(err, io.ErrUnexpectedEOF)
	if _, ok := errors.AsType[*json.SyntaxError](err); !ok && !truncated {
		return fmt.Errorf("cannot read STIX JSON: %w", err)
	}
	off, line := r.where(truncated)
	msg := err.Error()
	if truncated {
		msg = "the input ends in the middle of a JSON value"
	}
	return fmt.Errorf("broken JSON at byte %d (line %d): %s", off, line, msg)
}

// where finds the byte offset and line of a fault. A truncated input breaks at its end.
// Otherwise the decoder stopped either at the fault (between values) or at the start of
// the value it failed on, with the rest of what it read still buffered; scanning that
// value again tells which, and where inside it the fault is. The newlines counted on the
// way in, less those still buffered, give the line.
func (r *stixReader) where(truncated bool) (offset int64, line int) {
	start := r.dec.InputOffset()
	rest, _ := io.ReadAll(r.dec.Buffered())
	rel := 0
	if truncated {
		rel = len(rest)
	} else {
		err := json.NewDecoder(bytes.NewReader(rest)).Decode(new(json.RawMessage))
		if se, ok := errors.AsType[*json.SyntaxError](err); ok && se.Offset > 0 && int(se.Offset) <= len(rest) {
			rel = int(se.Offset) - 1
		}
	}
	line = r.src.lines - bytes.Count(rest, []byte{'\n'}) + bytes.Count(rest[:rel], []byte{'\n'}) + 1
	return r.bom + start + int64(rel), line
}

// lineCounter counts the newlines read through it, to turn offsets into line numbers.
type lineCounter struct {
	r     io.Reader
	lines int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.lines += bytes.Count(p[:n], []byte{'\n'})
	return n, err
}

// skipBOM drops a leading UTF-8 byte-order mark, which some Windows tools write and
// encoding/json refuses, and says how many bytes it dropped.
func skipBOM(r io.Reader) (io.Reader, int64) {
	head := make([]byte, 3)
	n, _ := io.ReadFull(r, head)
	if n == 3 && bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		return r, 3
	}
	return io.MultiReader(bytes.NewReader(head[:n]), r), 0
}
