// Package jsonpos reads JSON documents whose parts must be named by line when they are
// wrong: the elements of a list with the line each starts on, and decoding errors turned
// into "line N: …" messages a person can find in their file.
package jsonpos

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Element is one element of a JSON array and the line of the document it starts on.
type Element struct {
	// Raw is the element's JSON.
	Raw json.RawMessage
	// Line is the line it starts on, counting from 1.
	Line int
}

// Object reads a JSON object's members; the member named list, when it is an array, is
// also returned element by element with their lines. err names the line of a syntax error
// and says when the document is not an object.
func Object(data []byte, list string) (map[string]json.RawMessage, []Element, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(data, dec, '{', "a JSON object"); err != nil {
		return nil, nil, err
	}
	members := map[string]json.RawMessage{}
	var elems []Element
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, Error(data, err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, Error(data, err)
		}
		members[key] = raw
		if key == list {
			elems = nil // a repeated member: the last one counts, as for the members
			if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
				if elems, err = elements(data, dec.InputOffset()-int64(len(raw)), raw); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, Error(data, err)
	}
	return members, elems, trailing(data, dec)
}

// Array reads a document that is a JSON array, element by element with their lines.
func Array(data []byte) ([]Element, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, Error(data, err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		return nil, errors.New("line 1: not a JSON array")
	}
	elems, err := elements(data, dec.InputOffset()-int64(len(raw)), raw)
	if err != nil {
		return nil, err
	}
	return elems, trailing(data, dec)
}

// elements splits the array raw, which starts at offset base of data, into its elements.
func elements(data []byte, base int64, raw json.RawMessage) ([]Element, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, Error(data, err)
	}
	var out []Element
	for dec.More() {
		start := base + skipSeparators(raw, dec.InputOffset())
		var el json.RawMessage
		if err := dec.Decode(&el); err != nil {
			return nil, Error(data, err)
		}
		out = append(out, Element{Raw: el, Line: Line(data, start)})
	}
	return out, nil
}

// skipSeparators moves past spaces and the comma before an element.
func skipSeparators(b []byte, i int64) int64 {
	for i < int64(len(b)) && bytes.IndexByte([]byte(" \t\r\n,"), b[i]) >= 0 {
		i++
	}
	return i
}

func expectDelim(data []byte, dec *json.Decoder, d json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return Error(data, err)
	}
	if tok != d {
		return fmt.Errorf("line %d: not %s", Line(data, dec.InputOffset()), what)
	}
	return nil
}

// trailing refuses anything after the document but spaces.
func trailing(data []byte, dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("line %d: more after the end of the JSON document", Line(data, dec.InputOffset()))
	}
	return nil
}

// Line is the line of data that byte offset off is on, counting from 1.
func Line(data []byte, off int64) int {
	off = max(0, min(off, int64(len(data))))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// Error names the line of a JSON syntax or type error in data. A decoder's syntax error
// counts from where its value began, so the whole document is checked again for the
// offset that counts from its start.
func Error(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		var raw json.RawMessage
		if whole := json.Unmarshal(data, &raw); whole != nil {
			err = whole
		}
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the byte that broke the syntax, which may be the line's newline.
		return fmt.Errorf("line %d: not valid JSON: %v", Line(data, se.Offset-1), se)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: %s is %s, expected %s", Line(data, te.Offset), cmp.Or(te.Field, "the document"), te.Value, te.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("line %d: the JSON ends too soon", Line(data, int64(len(data))))
	}
	return err
}

// Decode decodes an element into v; an error names the element's line and, for a value
// of the wrong type, the field and the line it is on.
func Decode(el Element, v any) error {
	err := json.Unmarshal(el.Raw, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("line %d: %s is %s, expected %s", el.Line+Line(el.Raw, te.Offset)-1, cmp.Or(te.Field, "the entry"), te.Value, te.Type)
	}
	if err != nil {
		return fmt.Errorf("line %d: %v", el.Line, err)
	}
	return nil
}
