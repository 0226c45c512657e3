package warn

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/valyala/fastjson"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// What each field must be, as the messages say it: `"port" must be <want>, got 0`.
const (
	wantType       = "a lower-case word of letters and underscores, at most 40 long"
	wantObservable = "an IP address, domain or URL"
	wantTime       = "an RFC 3339 time such as 2024-05-01T13:45:00Z"
	wantSource     = "the name of the partner or scanner, at most 200 characters"
	wantSeverity   = "one of low, medium, high, critical"
	wantPort       = "a whole number from 1 to 65535"
	wantService    = "a service name such as rdp, at most 200 characters"
	wantCVE        = "a CVE id such as CVE-2024-12345"
	wantText       = "text"
	wantTLP        = "a TLP 2.0 marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED"
	maxShort       = 200 // characters of source and service
)

// parseEvent validates one non-blank line. The message is empty when the event is valid.
func parseEvent(jp *fastjson.Parser, line []byte, now time.Time) (vigil.ThreatEvent, string) {
	if !utf8.Valid(line) {
		return vigil.ThreatEvent{}, "the line is not valid UTF-8 text"
	}
	v, err := jp.ParseBytes(line)
	if err != nil {
		return vigil.ThreatEvent{}, "not valid JSON: " + jsonReason(line, err)
	}
	o, err := v.Object()
	if err != nil {
		return vigil.ThreatEvent{}, "expected a JSON object with the event's fields, got " + describe(v)
	}
	f := fields{o: o}
	var ev vigil.ThreatEvent
	ev.Type = f.eventType()
	ev.ObservableType, ev.Observable = f.observable()
	ev.Time = f.time(now)
	ev.Source = f.source()
	ev.Severity = f.severity()
	ev.Port = f.port()
	ev.Service = f.service()
	ev.CVE = f.cve()
	ev.Description = f.description()
	ev.TLP = f.tlp()
	if len(f.problems) > 0 {
		return vigil.ThreatEvent{}, strings.Join(f.problems, "; ")
	}
	return ev, ""
}

// fields reads the keys of one event object and collects what is wrong with them.
type fields struct {
	o        *fastjson.Object
	problems []string
}

// state is what str found under a key.
type state int

const (
	absent  state = iota // missing, null or an empty string
	present              // a non-empty string
	wrong                // not a string; already reported
)

// str returns key's string value with white space trimmed.
func (f *fields) str(key, want string) (string, state) {
	v := f.o.Get(key)
	if v == nil || v.Type() == fastjson.TypeNull {
		return "", absent
	}
	b, err := v.StringBytes()
	if err != nil {
		f.bad(key, want, describe(v))
		return "", wrong
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", absent
	}
	return s, present
}

// need is str for a required key: absence is a problem. ok is whether s is there to check.
func (f *fields) need(key, want string) (s string, ok bool) {
	s, st := f.str(key, want)
	if st == absent {
		f.problems = append(f.problems, strconv.Quote(key)+" is required ("+want+")")
	}
	return s, st == present
}

func (f *fields) bad(key, want, got string) {
	f.problems = append(f.problems, strconv.Quote(key)+" must be "+want+", got "+got)
}

func (f *fields) eventType() string {
	s, ok := f.need("type", wantType)
	if ok && !validType(s) {
		f.bad("type", wantType, quote(s))
	}
	return s
}

func (f *fields) observable() (vigil.IndicatorType, string) {
	s, ok := f.need("observable", wantObservable)
	if !ok {
		return "", ""
	}
	t, v, err := ioc.Detect(s)
	switch {
	case err != nil:
		f.bad("observable", wantObservable, quote(s)+" ("+err.Error()+")")
	case t == vigil.TypeCIDR:
		f.bad("observable", wantObservable, quote(s)+" (a network; send one event per address)")
	case t == vigil.TypeEmail:
		f.bad("observable", wantObservable, quote(s)+" (an email address; send its domain)")
	case t.IsHash():
		f.bad("observable", wantObservable, quote(s)+" (a "+string(t)+" file hash, which no organisation owns)")
	case t.IsFingerprint():
		f.bad("observable", wantObservable, quote(s)+" (a "+string(t)+" fingerprint, which no organisation owns)")
	}
	return t, v
}

func (f *fields) time(now time.Time) time.Time {
	s, ok := f.need("time", wantTime)
	if !ok {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	switch {
	case err != nil:
		f.bad("time", wantTime, quote(s))
	case t.After(now.Add(MaxFuture)):
		f.bad("time", "no more than a day in the future", quote(s)+" (is the reporter's clock right?)")
	}
	return t.UTC()
}

func (f *fields) source() string {
	s, ok := f.need("source", wantSource)
	if ok && utf8.RuneCountInString(s) > maxShort {
		f.bad("source", wantSource, strconv.Itoa(utf8.RuneCountInString(s))+" characters")
	}
	return s
}

func (f *fields) severity() vigil.Severity {
	s, ok := f.need("severity", wantSeverity)
	sev := vigil.Severity(strings.ToLower(s))
	if ok && sev.Rank() == 0 {
		f.bad("severity", wantSeverity, quote(s))
	}
	return sev
}

// tlp reads the optional marking, TLP:GREEN when the event does not say.
func (f *fields) tlp() vigil.TLP {
	s, st := f.str("tlp", wantTLP)
	if st != present {
		return vigil.TLPGreen
	}
	t, ok := vigil.ParseTLP(s)
	if !ok {
		f.bad("tlp", wantTLP, quote(s))
	}
	return t
}

func (f *fields) port() int {
	v := f.o.Get("port")
	if v == nil || v.Type() == fastjson.TypeNull {
		return 0
	}
	n, err := v.Int()
	if err != nil || n < 1 || n > 65535 {
		f.bad("port", wantPort, describe(v))
		return 0
	}
	return n
}

func (f *fields) service() string {
	s, _ := f.str("service", wantService)
	if utf8.RuneCountInString(s) > maxShort {
		f.bad("service", wantService, strconv.Itoa(utf8.RuneCountInString(s))+" characters")
	}
	return s
}

func (f *fields) cve() string {
	s, st := f.str("cve", wantCVE)
	s = strings.ToUpper(s)
	if st == present && !validCVE(s) {
		f.bad("cve", wantCVE, quote(s))
	}
	return s
}

func (f *fields) description() string {
	s, _ := f.str("description", wantText)
	return truncateRunes(s, MaxDescription)
}

// validType reports whether s matches [a-z_]{1,40}.
func validType(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// validCVE reports whether s matches CVE-\d{4}-\d{4,}.
func validCVE(s string) bool {
	rest, ok := strings.CutPrefix(s, "CVE-")
	if !ok || len(rest) < 9 || rest[4] != '-' {
		return false
	}
	return isDigits(rest[:4]) && isDigits(rest[5:])
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// quote quotes a value for a message, cut to 60 characters so one bad field cannot flood
// a report.
func quote(s string) string {
	if t := truncateRunes(s, 60); len(t) < len(s) {
		return strconv.Quote(t) + "…"
	}
	return strconv.Quote(s)
}

// describe renders a JSON value for a message: strings quoted, numbers and literals as
// written, objects and lists by kind.
func describe(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return quote(string(b))
	case fastjson.TypeObject:
		return "an object"
	case fastjson.TypeArray:
		return "a list"
	}
	s := v.String()
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

// jsonReason explains why a line is not JSON. This is the slow path: the standard
// library's parser is run again for a precise reason and byte offset.
func jsonReason(line []byte, fastErr error) string {
	var raw json.RawMessage
	err := json.Unmarshal(line, &raw)
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	reason := fastErr.Error()
	if len(reason) > 120 {
		reason = reason[:120] + "…"
	}
	return reason
}
