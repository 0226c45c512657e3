package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// maxManifestBytes caps a MISP feed's manifest.json: a feed of 100,000 events has a
// manifest of about 50 MB.
const maxManifestBytes = 256 << 20

// manifestEntry is what vigil reads of one event in a MISP feed manifest; the rest
// (info, Orgc, Tag...) is in the event file itself.
type manifestEntry struct {
	Timestamp json.RawMessage `json:"timestamp"`
}

// parseManifest reads a MISP feed manifest: a JSON object mapping each event UUID to a
// summary whose "timestamp" (Unix seconds, as a string or a number) says when the event
// last changed. An event whose timestamp is missing or unreadable maps to 0, which
// means "unknown": it is fetched on every pull.
func parseManifest(r io.Reader) (map[string]int64, error) {
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
		var e manifestEntry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("the summary of event %q is not a JSON object: %w", shorten(id), err)
		}
		events[id] = unixTime(e.Timestamp)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("it breaks off after %d events: %w", len(events), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("there is more after the manifest's closing brace; it may be two files run together")
	}
	return events, nil
}

// unixTime reads a MISP timestamp: Unix seconds as "1784846040" or 1784846040. Anything
// else, zero or negative is 0 (unknown).
func unixTime(raw json.RawMessage) int64 {
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

// isEventID reports whether a manifest key is safe to put in a URL path: a UUID of hex
// digits and dashes, never a path such as "../admin".
func isEventID(id string) bool {
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

// shorten bounds a value quoted in a message.
func shorten(s string) string {
	if len(s) <= 80 {
		return s
	}
	n := 80
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
