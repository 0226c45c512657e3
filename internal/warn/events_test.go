package warn

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

var testNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

var testParser = Parser{Now: func() time.Time { return testNow }}

// del removes a key from the base event in eventLine.
const del = "\x00delete"

// eventLine returns a valid event line changed by over.
func eventLine(over map[string]any) string {
	m := map[string]any{
		"type": "open_port", "observable": "198.51.100.7", "time": "2024-05-01T10:00:00Z",
		"source": "shadowserver", "severity": "high",
	}
	for k, v := range over {
		if v == del {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// baseEvent is the event eventLine(nil) parses to.
func baseEvent() vigil.ThreatEvent {
	return vigil.ThreatEvent{
		Type: "open_port", Observable: "198.51.100.7", ObservableType: vigil.TypeIPv4,
		Time: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), Source: "shadowserver", Severity: vigil.SeverityHigh,
		TLP: vigil.TLPGreen, // the default when the event does not say
	}
}

func TestParseEventFields(t *testing.T) {
	tests := []struct {
		name    string
		over    map[string]any // changes to the base event, when line is empty
		line    string
		wantMsg string                      // the problem, or "" for a valid event
		want    func(ev *vigil.ThreatEvent) // changes to baseEvent expected, for a valid event
	}{
		{name: "minimal valid event"},
		{
			name: "every field",
			over: map[string]any{"port": 3389, "service": " rdp ", "cve": "cve-2019-0708", "description": "BlueKeep exposed", "severity": "CRITICAL"},
			want: func(ev *vigil.ThreatEvent) {
				ev.Port, ev.Service, ev.CVE, ev.Description, ev.Severity = 3389, "rdp", "CVE-2019-0708", "BlueKeep exposed", vigil.SeverityCritical
			},
		},
		{name: "unknown keys ignored", over: map[string]any{"asn": 64500, "tags": []string{"x"}, "Type": "nonsense"}},
		{name: "null optional fields are absent", over: map[string]any{"port": nil, "cve": nil, "service": nil, "description": nil}},

		{name: "type missing", over: map[string]any{"type": del}, wantMsg: `"type" is required (a lower-case word of letters and underscores, at most 40 long)`},
		{name: "type null", over: map[string]any{"type": nil}, wantMsg: `"type" is required (a lower-case word of letters and underscores, at most 40 long)`},
		{name: "type with spaces and capitals", over: map[string]any{"type": "Open Port"}, wantMsg: `"type" must be a lower-case word of letters and underscores, at most 40 long, got "Open Port"`},
		{name: "type with digits", over: map[string]any{"type": "c2"}, wantMsg: `"type" must be a lower-case word of letters and underscores, at most 40 long, got "c2"`},
		{name: "type too long", over: map[string]any{"type": strings.Repeat("a", 41)}, wantMsg: `"type" must be a lower-case word of letters and underscores, at most 40 long, got "` + strings.Repeat("a", 41) + `"`},
		{name: "type 40 long", over: map[string]any{"type": strings.Repeat("a", 40)}, want: func(ev *vigil.ThreatEvent) { ev.Type = strings.Repeat("a", 40) }},
		{name: "type not a string", over: map[string]any{"type": 7}, wantMsg: `"type" must be a lower-case word of letters and underscores, at most 40 long, got 7`},
		{name: "type outside the known list", over: map[string]any{"type": "ransomware_leak_site"}, want: func(ev *vigil.ThreatEvent) { ev.Type = "ransomware_leak_site" }},

		{name: "observable missing", over: map[string]any{"observable": del}, wantMsg: `"observable" is required (an IP address, domain or URL)`},
		{name: "observable blank", over: map[string]any{"observable": "  "}, wantMsg: `"observable" is required (an IP address, domain or URL)`},
		{name: "observable ipv6", over: map[string]any{"observable": "2001:DB8::1"}, want: func(ev *vigil.ThreatEvent) { ev.Observable, ev.ObservableType = "2001:db8::1", vigil.TypeIPv6 }},
		{name: "observable ip with port", over: map[string]any{"observable": "198.51.100.7:3389"}},
		{name: "observable domain", over: map[string]any{"observable": "Mail.Trust.Example."}, want: func(ev *vigil.ThreatEvent) { ev.Observable, ev.ObservableType = "mail.trust.example", vigil.TypeDomain }},
		{name: "observable defanged url", over: map[string]any{"observable": "hxxps://portal[.]trust[.]example/login"}, want: func(ev *vigil.ThreatEvent) {
			ev.Observable, ev.ObservableType = "https://portal.trust.example/login", vigil.TypeURL
		}},
		{name: "observable network", over: map[string]any{"observable": "198.51.100.0/24"}, wantMsg: `"observable" must be an IP address, domain or URL, got "198.51.100.0/24" (a network; send one event per address)`},
		{name: "observable hash", over: map[string]any{"observable": "d41d8cd98f00b204e9800998ecf8427e"}, wantMsg: `"observable" must be an IP address, domain or URL, got "d41d8cd98f00b204e9800998ecf8427e" (a md5 file hash, which no organisation owns)`},
		{name: "observable email", over: map[string]any{"observable": "ceo@trust.example"}, wantMsg: `"observable" must be an IP address, domain or URL, got "ceo@trust.example" (an email address; send its domain)`},
		{name: "observable public suffix", over: map[string]any{"observable": "nhs.uk"}, wantMsg: `"observable" must be an IP address, domain or URL, got "nhs.uk" (nhs.uk is a public suffix and would match every domain under it)`},
		{name: "observable garbage", over: map[string]any{"observable": "not an ip"}, wantMsg: `"observable" must be an IP address, domain or URL, got "not an ip" (not a valid domain name)`},
		{name: "observable not a string", over: map[string]any{"observable": []int{1}}, wantMsg: `"observable" must be an IP address, domain or URL, got a list`},
		{name: "observable long value cut in message", over: map[string]any{"observable": strings.Repeat("x", 70) + " y"}, wantMsg: `"observable" must be an IP address, domain or URL, got "` + strings.Repeat("x", 60) + `"… (not a valid domain name)`},

		{name: "time missing", over: map[string]any{"time": del}, wantMsg: `"time" is required (an RFC 3339 time such as 2024-05-01T13:45:00Z)`},
		{name: "time not RFC 3339", over: map[string]any{"time": "yesterday"}, wantMsg: `"time" must be an RFC 3339 time such as 2024-05-01T13:45:00Z, got "yesterday"`},
		{name: "time without zone", over: map[string]any{"time": "2024-05-01T10:00:00"}, wantMsg: `"time" must be an RFC 3339 time such as 2024-05-01T13:45:00Z, got "2024-05-01T10:00:00"`},
		{name: "time as unix seconds", over: map[string]any{"time": 1714557600}, wantMsg: `"time" must be an RFC 3339 time such as 2024-05-01T13:45:00Z, got 1714557600`},
		{name: "time with offset stored in UTC", over: map[string]any{"time": "2024-05-01T11:00:00+01:00"}},
		{name: "time with fraction", over: map[string]any{"time": "2024-05-01T10:00:00.5Z"}, want: func(ev *vigil.ThreatEvent) { ev.Time = ev.Time.Add(500 * time.Millisecond) }},
		{name: "time exactly a day ahead", over: map[string]any{"time": "2024-05-02T12:00:00Z"}, want: func(ev *vigil.ThreatEvent) { ev.Time = testNow.Add(24 * time.Hour) }},
		{name: "time more than a day ahead", over: map[string]any{"time": "2024-05-02T12:00:01Z"}, wantMsg: `"time" must be no more than a day in the future, got "2024-05-02T12:00:01Z" (is the reporter's clock right?)`},
		{name: "time long ago", over: map[string]any{"time": "2001-01-01T00:00:00Z"}, want: func(ev *vigil.ThreatEvent) { ev.Time = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) }},

		{name: "source missing", over: map[string]any{"source": del}, wantMsg: `"source" is required (the name of the partner or scanner, at most 200 characters)`},
		{name: "source blank", over: map[string]any{"source": " "}, wantMsg: `"source" is required (the name of the partner or scanner, at most 200 characters)`},
		{name: "source too long", over: map[string]any{"source": strings.Repeat("é", 201)}, wantMsg: `"source" must be the name of the partner or scanner, at most 200 characters, got 201 characters`},
		{name: "source 200 characters", over: map[string]any{"source": strings.Repeat("é", 200)}, want: func(ev *vigil.ThreatEvent) { ev.Source = strings.Repeat("é", 200) }},

		{name: "severity missing", over: map[string]any{"severity": del}, wantMsg: `"severity" is required (one of low, medium, high, critical)`},
		{name: "severity unknown", over: map[string]any{"severity": "urgent"}, wantMsg: `"severity" must be one of low, medium, high, critical, got "urgent"`},
		{name: "severity as a number", over: map[string]any{"severity": 3}, wantMsg: `"severity" must be one of low, medium, high, critical, got 3`},
		{name: "severity any case", over: map[string]any{"severity": "Low"}, want: func(ev *vigil.ThreatEvent) { ev.Severity = vigil.SeverityLow }},

		{name: "tlp as people write it", over: map[string]any{"tlp": "tlp:amber+strict"}, want: func(ev *vigil.ThreatEvent) { ev.TLP = vigil.TLPAmberStrict }},
		{name: "tlp red", over: map[string]any{"tlp": "RED"}, want: func(ev *vigil.ThreatEvent) { ev.TLP = vigil.TLPRed }},
		{name: "tlp null is green", over: map[string]any{"tlp": nil}},
		{name: "tlp unknown", over: map[string]any{"tlp": "pink"}, wantMsg: `"tlp" must be a TLP 2.0 marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED, got "pink"`},
		{name: "tlp as a number", over: map[string]any{"tlp": 2}, wantMsg: `"tlp" must be a TLP 2.0 marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED, got 2`},

		{name: "port zero", over: map[string]any{"port": 0}, wantMsg: `"port" must be a whole number from 1 to 65535, got 0`},
		{name: "port too big", over: map[string]any{"port": 65536}, wantMsg: `"port" must be a whole number from 1 to 65535, got 65536`},
		{name: "port highest", over: map[string]any{"port": 65535}, want: func(ev *vigil.ThreatEvent) { ev.Port = 65535 }},
		{name: "port negative", over: map[string]any{"port": -1}, wantMsg: `"port" must be a whole number from 1 to 65535, got -1`},
		{name: "port fraction", over: map[string]any{"port": 443.5}, wantMsg: `"port" must be a whole number from 1 to 65535, got 443.5`},
		{name: "port as a string", over: map[string]any{"port": "443"}, wantMsg: `"port" must be a whole number from 1 to 65535, got "443"`},
		{name: "port as an object", over: map[string]any{"port": map[string]int{"n": 1}}, wantMsg: `"port" must be a whole number from 1 to 65535, got an object`},

		{name: "service too long", over: map[string]any{"service": strings.Repeat("s", 201)}, wantMsg: `"service" must be a service name such as rdp, at most 200 characters, got 201 characters`},
		{name: "service not a string", over: map[string]any{"service": true}, wantMsg: `"service" must be a service name such as rdp, at most 200 characters, got true`},

		{name: "cve short year", over: map[string]any{"cve": "CVE-24-1234"}, wantMsg: `"cve" must be a CVE id such as CVE-2024-12345, got "CVE-24-1234"`},
		{name: "cve three digits", over: map[string]any{"cve": "CVE-2024-123"}, wantMsg: `"cve" must be a CVE id such as CVE-2024-12345, got "CVE-2024-123"`},
		{name: "cve letters", over: map[string]any{"cve": "CVE-2024-12a4"}, wantMsg: `"cve" must be a CVE id such as CVE-2024-12345, got "CVE-2024-12A4"`},
		{name: "cve without prefix", over: map[string]any{"cve": "2024-1234"}, wantMsg: `"cve" must be a CVE id such as CVE-2024-12345, got "2024-1234"`},
		{name: "cve seven digits", over: map[string]any{"cve": "CVE-2024-1234567"}, want: func(ev *vigil.ThreatEvent) { ev.CVE = "CVE-2024-1234567" }},

		{name: "description cut to 2000 characters", over: map[string]any{"description": strings.Repeat("é", 2500)}, want: func(ev *vigil.ThreatEvent) { ev.Description = strings.Repeat("é", 2000) }},
		{name: "description not a string", over: map[string]any{"description": 1}, wantMsg: `"description" must be text, got 1`},

		{
			name:    "every problem of a line",
			over:    map[string]any{"severity": "urgent", "port": 0, "type": del},
			wantMsg: `"type" is required (a lower-case word of letters and underscores, at most 40 long); "severity" must be one of low, medium, high, critical, got "urgent"; "port" must be a whole number from 1 to 65535, got 0`,
		},
		{name: "not JSON", line: `{"type": "scan",}`, wantMsg: `not valid JSON: invalid character '}' looking for beginning of object key string (at byte 17)`},
		{name: "truncated JSON", line: `{"type": "scan"`, wantMsg: `not valid JSON: unexpected end of JSON input (at byte 15)`},
		{name: "JSON list", line: `[{"type": "scan"}]`, wantMsg: `expected a JSON object with the event's fields, got a list`},
		{name: "JSON string", line: `"scan"`, wantMsg: `expected a JSON object with the event's fields, got "scan"`},
		{name: "invalid UTF-8", line: "{\"type\": \"scan\xff\"}", wantMsg: `the line is not valid UTF-8 text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := tt.line
			if line == "" {
				line = eventLine(tt.over)
			}
			var got []vigil.ThreatEvent
			rep, err := testParser.Parse(strings.NewReader(line), func(_ int, ev vigil.ThreatEvent) { got = append(got, ev) })
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantMsg != "" {
				want := Report{Lines: 1, Rejected: 1, Problems: []Problem{{Line: 1, Message: tt.wantMsg}}}
				if diff := cmp.Diff(want, rep); diff != "" {
					t.Errorf("report mismatch for %s (-want +got):\n%s", line, diff)
				}
				return
			}
			want := baseEvent()
			if tt.want != nil {
				tt.want(&want)
			}
			if diff := cmp.Diff([]vigil.ThreatEvent{want}, got); diff != "" {
				t.Errorf("event mismatch for %s (-want +got):\n%s\nreport: %+v", line, diff, rep)
			}
		})
	}
}

func TestParseEventsStream(t *testing.T) {
	valid := eventLine(nil)
	bad := eventLine(map[string]any{"severity": "urgent"})
	badMsg := `"severity" must be one of low, medium, high, critical, got "urgent"`
	longDesc := func(lineLen int) string {
		short := eventLine(map[string]any{"description": ""})
		return eventLine(map[string]any{"description": strings.Repeat("d", lineLen-len(short))})
	}
	many := strings.Repeat(bad+"\n", 25)
	manyProblems := make([]Problem, MaxProblems)
	for i := range manyProblems {
		manyProblems[i] = Problem{Line: i + 1, Message: badMsg}
	}
	tests := []struct {
		name      string
		in        string
		wantLines []int // line numbers of the accepted events
		want      Report
	}{
		{name: "empty input", in: "", want: Report{}},
		{name: "one line without newline", in: valid, wantLines: []int{1}, want: Report{Lines: 1, Accepted: 1}},
		{
			name:      "blank lines, CRLF and a byte-order mark",
			in:        "\xef\xbb\xbf" + valid + "\r\n\r\n  \t\n" + valid + "\n\n",
			wantLines: []int{1, 4},
			want:      Report{Lines: 5, Accepted: 2, Blank: 3},
		},
		{
			name:      "a bad line does not stop the rest",
			in:        valid + "\n" + bad + "\n" + valid + "\n",
			wantLines: []int{1, 3},
			want:      Report{Lines: 3, Accepted: 2, Rejected: 1, Problems: []Problem{{Line: 2, Message: badMsg}}},
		},
		{
			name:      "only the first 20 problems are kept",
			in:        many + valid,
			wantLines: []int{26},
			want:      Report{Lines: 26, Accepted: 1, Rejected: 25, Problems: manyProblems},
		},
		{
			name:      "a line of exactly 1 MiB",
			in:        longDesc(MaxLineBytes) + "\r\n" + valid,
			wantLines: []int{1, 2},
			want:      Report{Lines: 2, Accepted: 2},
		},
		{
			name:      "a line over 1 MiB",
			in:        valid + "\n" + longDesc(MaxLineBytes+1) + "\n" + valid,
			wantLines: []int{1, 3},
			want: Report{Lines: 3, Accepted: 2, Rejected: 1, Problems: []Problem{
				{Line: 2, Message: "the line is longer than 1 MiB; send one event per line, with a shorter description"},
			}},
		},
		{
			name:      "a last line over 1 MiB without newline",
			in:        valid + "\n" + strings.Repeat(" ", 3*MaxLineBytes),
			wantLines: []int{1},
			want: Report{Lines: 2, Accepted: 1, Rejected: 1, Problems: []Problem{
				{Line: 2, Message: "the line is longer than 1 MiB; send one event per line, with a shorter description"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []int
			rep, err := testParser.Parse(strings.NewReader(tt.in), func(line int, _ vigil.ThreatEvent) { lines = append(lines, line) })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rep); diff != "" {
				t.Errorf("report mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLines, lines); diff != "" {
				t.Errorf("accepted line numbers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// failingReader returns its data, then an error.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestParseEventsReadError(t *testing.T) {
	boom := errors.New("connection reset")
	in := &failingReader{data: eventLine(nil) + "\n" + eventLine(nil) + "\n{\"type\":", err: boom}
	rep, err := testParser.Parse(in, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v, want it to wrap %v", err, boom)
	}
	if want := "read events after line 2: connection reset"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if diff := cmp.Diff(Report{Lines: 2, Accepted: 2}, rep); diff != "" {
		t.Errorf("report mismatch (-want +got):\n%s", diff)
	}
}

func TestParseEventsUsesClock(t *testing.T) {
	// The package function uses the real clock: an event an hour ahead of now is fine.
	line := eventLine(map[string]any{"time": time.Now().Add(time.Hour).Format(time.RFC3339)})
	rep, err := ParseEvents(strings.NewReader(line), nil)
	if err != nil || rep.Accepted != 1 {
		t.Errorf("ParseEvents = %+v, %v; want the event accepted", rep, err)
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{Line: 7, Message: `"severity" must be one of low, medium, high, critical, got "urgent"`}
	if got, want := p.String(), `line 7: "severity" must be one of low, medium, high, critical, got "urgent"`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestKnownEventType(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"known", "open_port", true},
		{"unknown but valid", "ransomware_leak_site", false},
		{"wrong case", "Open_Port", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KnownEventType(tt.in); got != tt.want {
				t.Errorf("KnownEventType(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
