package intel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// mispManifestEntry is what vigil reads of one event in a MISP feed manifest; the rest
// (info, Orgc, Tag...) is in the event file itself.
type mispManifestEntry struct {
	Timestamp json.RawMessage `json:"timestamp"`
}

// ParseMISPManifest reads a MISP feed manifest (manifest.json): a JSON object mapping
// each event UUID to a summary whose "timestamp" (Unix seconds, as a string or a
// number) says when the event last changed. An event whose timestamp is missing or
// unreadable maps to 0, which means "unknown". The keys are returned as they stand:
// check each with IsMISPEventID before using it in a file name or URL.
func ParseMISPManifest(r io.Reader) (map[string]int64, error) {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("it is not a JSON object mapping event UUIDs to event summaries")
	}
	events := map[string]int64{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("it breaks off after %d events: %w", len(events), err)
		}
		id, _ := t.(string) // object keys are always strings
		var e mispManifestEntry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("the summary of event %q is not a JSON object: %w", mispShortID(id), err)
		}
		events[id] = mispUnixTime(e.Timestamp)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("it breaks off after %d events: %w", len(events), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("there is more after the manifest's closing brace; it may be two files run together")
	}
	return events, nil
}

// mispUnixTime reads a MISP timestamp: Unix seconds as "1784846040" or 1784846040.
// Anything else, zero or negative is 0 (unknown).
func mispUnixTime(raw json.RawMessage) int64 {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0
		}
		raw = []byte(s)
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// IsMISPEventID reports whether a manifest key is safe to use in a file name or a URL
// path: a UUID of hex digits and dashes, never a path such as "../admin".
func IsMISPEventID(id string) bool {
	if len(id) < 32 || len(id) > 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}

// mispShortID bounds an event UUID quoted in a message.
func mispShortID(id string) string {
	if len(id) <= 80 {
		return id
	}
	return truncateUTF8(id, 80) + "…"
}
