package intel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// mispMaxDepth bounds how deeply wrappers may nest ({"response":[{"Event":…}]} is 3);
// deeper input is hostile or not MISP, and the walk must not recurse without limit.
const mispMaxDepth = 16

// ParseMISP reads MISP events from r in any wrapper MISP and its tools write:
// {"Event":{…}}, {"response":[{"Event":…},…]}, a bare event, an attribute or object
// search result ({"response":{"Attribute":[…]}}, {"response":[{"Object":…}]}), and
// arrays or concatenations of these. It walks the JSON token by token, so a response
// holding many events is read one event at a time and one event's attributes are the
// most it keeps in memory. If the JSON breaks, what was read before the fault is kept
// and the error says at which byte and line.
func ParseMISP(r io.Reader, file string, s *Sink) error {
	in := &mispCountingReader{r: r}
	p := &mispParser{dec: json.NewDecoder(in), in: in, file: file, s: s}
	for {
		err := p.value(0)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p.describe(err)
		}
	}
	if !p.found {
		return errors.New("no MISP event, attribute or object found")
	}
	return nil
}

// mispParser walks one MISP input.
type mispParser struct {
	dec    *json.Decoder
	in     *mispCountingReader
	file   string
	s      *Sink
	found  bool       // the input held a MISP wrapper, event, attribute or object
	tagged mispTagged // the last attribute tags read, for reuse
}

// value reads the next JSON value: an array of events or wrappers, or an object.
// Scalars hold nothing MISP and are passed over.
func (p *mispParser) value(depth int) error {
	if depth > mispMaxDepth {
		return errors.New("JSON nested too deeply to be a MISP event")
	}
	tok, err := p.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) && depth > 0 {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	switch tok {
	case json.Delim('['):
		for p.dec.More() {
			if err := p.value(depth + 1); err != nil {
				return err
			}
		}
		return p.closing()
	case json.Delim('{'):
		return p.object(depth + 1)
	}
	return nil
}

// object reads an object whose '{' has been read. It is a wrapper, a bare event, or
// both at once; whatever event fields it holds are emitted even when the JSON breaks
// inside it, so a fault part way keeps what came before.
func (p *mispParser) object(depth int) error {
	var ev mispEvent
	err := p.members(&ev, depth)
	if ev.isEvent {
		p.found = true
		p.event(&ev)
	}
	return err
}

func (p *mispParser) members(ev *mispEvent, depth int) error {
	for p.dec.More() {
		tok, err := p.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := p.member(ev, key, depth); err != nil {
			return err
		}
	}
	return p.closing()
}

// member reads one member of an event or wrapper. Keys are compared exactly: encoding/json
// would match "org" (a string in search results) to "Org" (an object) otherwise.
func (p *mispParser) member(ev *mispEvent, key string, depth int) error {
	switch key {
	case "Event", "response":
		p.found = true
		return p.value(depth)
	case "Attribute":
		ev.isEvent = true
		return mispDecodeEach(p, &ev.attrs)
	case "Object":
		ev.isEvent = true
		return mispDecodeEach(p, &ev.objects)
	case "ShadowAttribute":
		return mispDecodeEach(p, &ev.proposals)
	case "Tag":
		return mispDecodeEach(p, &ev.tags)
	case "EventTag":
		return mispDecodeEach(p, &ev.eventTags)
	case "Galaxy":
		return mispDecodeEach(p, &ev.galaxies)
	case "Orgc":
		return p.decode(&ev.orgc)
	case "Org":
		return p.decode(&ev.org)
	case "info":
		ev.isEvent = true
	}
	return p.decode(&mispSkip{})
}

// mispDecodeEach decodes the array next in the input onto the end of dst one element at
// a time, in place, so a fault part way keeps the elements before it. A lone object
// counts as a one-element array; null and other scalars as an empty one.
func mispDecodeEach[T any](p *mispParser, dst *[]T) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	var zero T
	switch tok {
	case json.Delim('['):
		for p.dec.More() {
			*dst = append(*dst, zero)
			if err := p.decode(&(*dst)[len(*dst)-1]); err != nil {
				*dst = (*dst)[:len(*dst)-1]
				return err
			}
		}
		return p.closing()
	case json.Delim('{'):
		if err := p.decodeRest(&zero); err != nil {
			return err
		}
		*dst = append(*dst, zero)
	}
	return nil
}

// decodeRest decodes the rest of an object whose '{' has already been read. It is the
// rare path ({"response":[{"Object":{…}}]}), so it simply re-encodes the members.
func (p *mispParser) decodeRest(v any) error {
	m := map[string]json.RawMessage{}
	for p.dec.More() {
		tok, err := p.token()
		if err != nil {
			return err
		}
		var raw json.RawMessage
		if err := p.decode(&raw); err != nil {
			return err
		}
		key, _ := tok.(string)
		m[key] = raw
	}
	if err := p.closing(); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err == nil {
		_ = json.Unmarshal(b, v) // a wrongly typed field is left empty, as in decode
	}
	return nil
}

// decode reads the next value into v. A value of the wrong type (a number where MISP
// writes a string) leaves that field empty rather than failing the event.
func (p *mispParser) decode(v any) error {
	err := p.dec.Decode(v)
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return nil
	}
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// token reads a token inside an array or object, where the input must not end.
func (p *mispParser) token() (json.Token, error) {
	tok, err := p.dec.Token()
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return tok, err
}

// closing reads the ']' or '}' that ends the current array or object.
func (p *mispParser) closing() error {
	_, err := p.token()
	return err
}

// describe turns a decoding error into one that says where the JSON broke, by byte
// (0-based) and line, and that what came before was kept.
func (p *mispParser) describe(err error) error {
	start := p.dec.InputOffset()
	held, _ := io.ReadAll(p.dec.Buffered())
	pos, truncated := start, errors.Is(err, io.ErrUnexpectedEOF)
	se, isSyntax := errors.AsType[*json.SyntaxError](err)
	if isSyntax && se.Offset != start {
		pos, truncated = mispFaultIn(held, start)
	}
	if truncated {
		pos = start + int64(len(held))
	}
	line := p.in.lineAt(pos, start, held)
	switch {
	case truncated:
		return fmt.Errorf("JSON ends early at byte %d (line %d); what came before was kept", pos, line)
	case isSyntax:
		return fmt.Errorf("broken JSON at byte %d (line %d): %s; what came before was kept", pos, line, se.Error())
	}
	return fmt.Errorf("cannot read MISP JSON at byte %d (line %d): %w", pos, line, err)
}

// mispFaultIn finds the offending byte of a value that failed to decode. The decoder
// reports a fault between tokens at its own offset, but one inside a value only as an
// offset into its scanner's private count; the value begins at start and its bytes are
// still held, so scanning them again finds the byte.
func mispFaultIn(held []byte, start int64) (pos int64, truncated bool) {
	var discard mispSkip
	se, ok := errors.AsType[*json.SyntaxError](json.Unmarshal(held, &discard))
	switch {
	case !ok || strings.Contains(se.Error(), "after top-level value"):
		return start, false
	case strings.HasPrefix(se.Error(), "unexpected end"):
		return start, true
	}
	return start + se.Offset - 1, false
}

// mispCountingReader counts the bytes and newlines read through it, so a fault can be given
// a line number without keeping the input.
type mispCountingReader struct {
	r     io.Reader
	lines int64
}

func (c *mispCountingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.lines += int64(bytes.Count(b[:n], []byte{'\n'}))
	return n, err
}

// lineAt returns the 1-based line of byte pos, given that held is everything read from
// offset start onwards.
func (c *mispCountingReader) lineAt(pos, start int64, held []byte) int64 {
	before := c.lines - int64(bytes.Count(held, []byte{'\n'}))
	rel := min(max(pos-start, 0), int64(len(held)))
	return 1 + before + int64(bytes.Count(held[:rel], []byte{'\n'}))
}

// mispSkip reads and discards a JSON value without copying it.
type mispSkip struct{}

// UnmarshalJSON discards the value.
func (*mispSkip) UnmarshalJSON([]byte) error { return nil }
