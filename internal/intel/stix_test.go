package intel

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// stixNow is the fixed clock of the STIX tests, so validity never depends on the day.
var stixNow = time.Date(2026, 8, 23, 0, 0, 0, 0, time.UTC)

// stixParse runs ParseSTIX over input and renders each accepted indicator as "type=value".
func stixParse(t testing.TB, input string, opts Options) ([]string, *Report, error) {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = stixNow
	}
	rep := &Report{}
	var got []string
	s := NewSink(opts, rep, func(ind vigil.Indicator) { got = append(got, string(ind.Type)+"="+ind.Value) })
	err := ParseSTIX(strings.NewReader(input), "test.json", s)
	return got, rep, err
}

// stixBundle wraps objects in a bundle.
func stixBundle(objects ...string) string {
	return `{"type": "bundle", "id": "bundle--1", "objects": [` + strings.Join(objects, ",\n") + `]}`
}

// stixIndicator is an indicator with the given id suffix and pattern, plus any extra
// "key": value members.
func stixIndicator(id, pattern string, extra ...string) string {
	p, _ := json.Marshal(pattern)
	fields := append([]string{`"type": "indicator"`, `"spec_version": "2.1"`, `"id": "indicator--` + id + `"`,
		`"pattern": ` + string(p), `"pattern_type": "stix"`, `"valid_from": "2026-01-01T00:00:00Z"`}, extra...)
	return "{" + strings.Join(fields, ", ") + "}"
}

// TestParseSTIX covers the shapes a STIX input can take and how each object is counted.
func TestParseSTIX(t *testing.T) {
	ind := stixIndicator("1", "[domain-name:value = 'evil.example']")
	tests := []struct {
		name         string
		input        string
		want         []string
		notMatchable int
		rejected     int
		revoked      int
		skipped      map[string]int
		err          string
	}{
		{name: "bundle", input: stixBundle(ind), want: []string{"domain=evil.example"}},
		{name: "objects before the bundle's id", input: `{"objects": [` + ind + `], "type": "bundle", "id": "bundle--1"}`,
			want: []string{"domain=evil.example"}},
		{name: "bare array", input: "[" + ind + "]", want: []string{"domain=evil.example"}},
		{name: "single object", input: ind, want: []string{"domain=evil.example"}},
		{name: "values one after another", input: stixBundle(ind) + "\n" + ind + "\n[" + ind + "]",
			want: []string{"domain=evil.example", "domain=evil.example", "domain=evil.example"}},
		{name: "byte-order mark", input: "\xef\xbb\xbf" + stixBundle(ind), want: []string{"domain=evil.example"}},
		{name: "empty bundle", input: `{"type": "bundle", "id": "bundle--1"}`},
		{name: "empty input", input: "  \n"},
		{name: "OR pattern gives several values",
			input: stixBundle(stixIndicator("1", "[ipv4-addr:value = '198.51.100.7' OR file:hashes.'SHA-256' = 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']")),
			want:  []string{"ipv4=198.51.100.7", "sha256=aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"}},
		{name: "IN list", input: stixBundle(stixIndicator("1", "[url:value IN ('http://a.example/x', 'https://b.example/')]")),
			want: []string{"url=http://a.example/x", "url=https://b.example/"}},
		{name: "STIX 2.0 indicator without pattern_type",
			input: `{"type": "bundle", "id": "bundle--1", "spec_version": "2.0", "objects": [{"type": "indicator", "id": "indicator--1", "labels": ["malicious-activity"], "pattern": "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", "valid_from": "2016-01-01T00:00:00Z"}]}`,
			want:  []string{"md5=d41d8cd98f00b204e9800998ecf8427e"}},
		{name: "network CIDR", input: stixBundle(stixIndicator("1", "[ipv4-addr:value = '223.166.0.0/15']")), want: []string{"cidr=223.166.0.0/15"}},
		{name: "domain-name holding an IP", input: stixBundle(stixIndicator("1", "[domain-name:value='176.223.111.131']")), want: []string{"ipv4=176.223.111.131"}},
		{name: "sigma rule", input: stixBundle(stixIndicator("1", "title: x", `"pattern_type": "sigma"`)), notMatchable: 1},
		{name: "AND pattern", input: stixBundle(stixIndicator("1", "[file:name = 'a' AND file:size = 1]")), notMatchable: 1},
		{name: "unsupported path", input: stixBundle(stixIndicator("1", "[process:name = 'evil']")), notMatchable: 1},
		{name: "invalid pattern", input: stixBundle(stixIndicator("1", "[file:name = 'a' OR unconverted_term:x:y]")), rejected: 1},
		{name: "invalid value", input: stixBundle(stixIndicator("1", "[ipv4-addr:value = '2001:db8::1']")), rejected: 1},
		{name: "no pattern", input: stixBundle(`{"type": "indicator", "id": "indicator--1"}`), rejected: 1},
		{name: "pattern of the wrong JSON type", input: stixBundle(`{"type": "indicator", "id": "indicator--1", "pattern": 5}`), rejected: 1},
		{name: "revoked", input: stixBundle(stixIndicator("1", "[domain-name:value = 'a.example']", `"revoked": true`)), revoked: 1},
		{name: "other objects skipped",
			input: stixBundle(`{"type": "malware", "id": "malware--1"}`, `{"type": "relationship", "id": "relationship--1"}`,
				`{"type": "ipv4-addr", "value": "198.51.100.1"}`, `{"type": "x-mitre-tactic", "id": "x-mitre-tactic--1"}`),
			skipped: map[string]int{"malware": 1, "relationship": 1, "ipv4-addr": 1, "x-mitre-tactic": 1}},
		{name: "members that are not objects", input: `[1, "x", null, {"id": "no-type"}]`, skipped: map[string]int{"(no type)": 4}},
		{name: "STIX 2.0 observed-data with an objects map",
			input:   `{"type": "observed-data", "id": "observed-data--1", "objects": {"0": {"type": "ipv4-addr", "value": "198.51.100.1"}}}`,
			skipped: map[string]int{"observed-data": 1}},
		{name: "not STIX", input: `{"spec_version": "2.1", "bundles": {"week": {"id": "bundle--1"}}}`, err: `no "type" and no "objects"`},
		{name: "a JSON string", input: `"bundle"`, err: "expected a JSON object or array"},
		{name: "broken JSON", input: "[" + ind + ", {", want: []string{"domain=evil.example"}, err: "broken JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep, err := stixParse(t, tt.input, Options{})
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error = %v, want %q", err, tt.err)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("indicators = %v, want %v", got, tt.want)
			}
			if rep.NotMatchable != tt.notMatchable || rep.Rejected != tt.rejected || rep.Revoked != tt.revoked {
				t.Errorf("not matchable %d, rejected %d, revoked %d; want %d, %d, %d (problems %+v)",
					rep.NotMatchable, rep.Rejected, rep.Revoked, tt.notMatchable, tt.rejected, tt.revoked, rep.Problems)
			}
			if len(rep.Skipped)+len(tt.skipped) > 0 && !maps.Equal(rep.Skipped, tt.skipped) {
				t.Errorf("skipped = %v, want %v", rep.Skipped, tt.skipped)
			}
		})
	}
}

// TestParseSTIXReasons checks the reasons the report gives for indicators it cannot use.
func TestParseSTIXReasons(t *testing.T) {
	tests := []struct {
		name, indicator, kind, reason string
	}{
		{"FOLLOWEDBY", stixIndicator("1", "[file:name = 'a'] FOLLOWEDBY [file:name = 'b']"), ProblemNotMatchable, "FOLLOWEDBY sequence"},
		{"AND of observables", stixIndicator("1", "[file:name = 'a' AND ipv4-addr:value = '10.1.1.1']"), ProblemNotMatchable, "AND joins two observables"},
		{"LIKE", stixIndicator("1", "[url:value LIKE 'http://a/%']"), ProblemNotMatchable, "LIKE comparison"},
		{"WITHIN", stixIndicator("1", "[file:name = 'a'] WITHIN 5 SECONDS"), ProblemNotMatchable, "WITHIN qualifier"},
		{"registry", stixIndicator("1", "[windows-registry-key:key = 'HKLM']"), ProblemNotMatchable, "unsupported object path windows-registry-key:key"},
		{"yara", stixIndicator("1", "rule x {}", `"pattern_type": "yara"`), ProblemNotMatchable, "pattern_type yara"},
		{"syntax", stixIndicator("1", "[file:name = 'a' OR x]"), ProblemRejected, "invalid STIX pattern at offset 21: expected ':' after the object type x, found ']'"},
		{"bad value", stixIndicator("1", "[domain-name:value = 'co.uk']"), ProblemRejected, "co.uk is a public suffix and would match every domain under it"},
		{"no pattern", `{"type": "indicator", "id": "indicator--1"}`, ProblemRejected, "indicator has no pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep, err := stixParse(t, stixBundle(tt.indicator), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) != 1 {
				t.Fatalf("problems = %+v, want one", rep.Problems)
			}
			p := rep.Problems[0]
			if p.Kind != tt.kind || p.Reason != tt.reason || p.Ref != "indicator--1" || p.File != "test.json" {
				t.Errorf("problem = %+v, want %s %q at test.json indicator--1", p, tt.kind, tt.reason)
			}
		})
	}
}

// TestParseSTIXProvenance checks what an indicator's provenance takes from the input.
func TestParseSTIXProvenance(t *testing.T) {
	input := stixBundle(
		`{"type": "identity", "id": "identity--acme", "name": "ACME CERT"}`,
		`{"type": "marking-definition", "id": "marking-definition--strict", "name": "TLP:AMBER+STRICT", "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "amber+strict"}}}`,
		`{"type": "marking-definition", "id": "marking-definition--v1", "definition_type": "tlp", "definition": {"tlp": "red"}}`,
		stixIndicator("full", "[domain-name:value = 'a.example']", `"created_by_ref": "identity--acme"`, `"confidence": 85`,
			`"valid_until": "2027-01-01T00:00:00.5Z"`, `"labels": ["phishing", "emotet"]`,
			`"object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "marking-definition--strict"]`),
		stixIndicator("tlp1", "[domain-name:value = 'b.example']", `"object_marking_refs": ["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]`),
		stixIndicator("bundled-v1", "[domain-name:value = 'c.example']", `"object_marking_refs": ["marking-definition--v1", "marking-definition--unknown"]`),
		stixIndicator("later", "[domain-name:value = 'd.example']", `"created_by_ref": "identity--later"`, `"confidence": "high"`),
		stixIndicator("expired", "[domain-name:value = 'e.example']", `"valid_until": "2020-01-01T00:00:00Z"`),
		`{"type": "identity", "id": "identity--later", "name": "Too Late"}`,
	)
	rep := &Report{}
	got := map[string]vigil.Provenance{}
	s := NewSink(Options{Now: stixNow, Source: "default-source", TLP: vigil.TLPGreen}, rep, func(ind vigil.Indicator) {
		got[ind.Provenance.Ref] = ind.Provenance
	})
	if err := ParseSTIX(strings.NewReader(input), "test.json", s); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ref, publisher string
		tlp            vigil.TLP
		confidence     int
		labels         string
	}{
		{"indicator--full", "ACME CERT", vigil.TLPAmberStrict, 85, "phishing,emotet"},
		{"indicator--tlp1", "", vigil.TLPClear, -1, ""},
		{"indicator--bundled-v1", "", vigil.TLPRed, -1, ""},
		{"indicator--later", "Too Late", vigil.TLPGreen, -1, ""}, // the identity comes after: it still applies
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			p, ok := got[tt.ref]
			if !ok {
				t.Fatalf("%s not imported", tt.ref)
			}
			if p.Source != "default-source" || p.Publisher != tt.publisher || p.TLP != tt.tlp || p.Confidence != tt.confidence ||
				strings.Join(p.Labels, ",") != tt.labels {
				t.Errorf("provenance = source %q publisher %q tlp %q confidence %d labels %v; want default-source %q %q %d %q",
					p.Source, p.Publisher, p.TLP, p.Confidence, p.Labels, tt.publisher, tt.tlp, tt.confidence, tt.labels)
			}
		})
	}
	full := got["indicator--full"]
	if !full.ValidFrom.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !full.ValidUntil.Equal(time.Date(2027, 1, 1, 0, 0, 0, 5e8, time.UTC)) {
		t.Errorf("validity = %v .. %v", full.ValidFrom, full.ValidUntil)
	}
	if rep.Expired != 1 || len(got) != 4 {
		t.Errorf("expired %d, imported %d; want 1 and 4", rep.Expired, len(got))
	}
}

// TestParseSTIXBroken checks that JSON breaking part way names the byte and line of the
// fault, and that the indicators before it are kept.
func TestParseSTIXBroken(t *testing.T) {
	good := stixIndicator("1", "[domain-name:value = 'evil.example']")
	long := stixIndicator("2", "[domain-name:value = 'evil.example']", `"description": "`+strings.Repeat("x", 20000)+`"`)
	tests := []struct {
		name, input, fault string // fault: the text the error must point at
	}{
		{"trailing comma", "{\"type\": \"bundle\", \"objects\": [\n" + good + ",\n]}", "]}"},
		{"missing comma", "[\n" + good + "\n" + good + "]", good + "]"},
		{"garbage in an object", "[\n" + good + ",\n{\"type\": \"indicator\",\n \"id\": x}]", "x}]"},
		{"bad key", "{\"type\": \"bundle\",\n\"objects\": [" + good + "],\n\"id\" \"x\"}", `"x"}`},
		{"cut short", "[\n" + good + ",\n{\"type\": \"indic", ""},
		{"missing comma before a long object", "[\n" + good + "\n" + long + "]", long + "]"},
		{"fault deep in a long file", "[\n" + strings.Repeat(good+",\n", 2000) + good + ",\n" + good + "}", "}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := stixParse(t, tt.input, Options{})
			off := len(tt.input)
			if tt.fault != "" {
				off = strings.LastIndex(tt.input, tt.fault)
			}
			line := strings.Count(tt.input[:off], "\n") + 1
			want := fmt.Sprintf("broken JSON at byte %d (line %d)", off, line)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error = %v, want %q", err, want)
			}
			if len(got) == 0 {
				t.Errorf("the indicator before the fault was lost")
			}
		})
	}
}

// TestParseSTIXFixtures runs the fixtures under testdata/stix, which the fuzz test also
// starts from, and lists what each yields: value, source/publisher and TLP.
func TestParseSTIXFixtures(t *testing.T) {
	tests := []struct {
		file         string
		want         []string
		notMatchable int
		rejected     int
		revoked      int
		err          string
	}{
		{file: "bundle.json", want: []string{
			"domain=nhs-login-verify.example bundle/NHS Example Trust CERT AMBER",
			"url=https://nhs-login-verify.example/auth/ bundle/NHS Example Trust CERT AMBER",
			"sha256=aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f bundle/NHS Example Trust CERT ",
			"ipv4=198.51.100.7 bundle/NHS Example Trust CERT ",
			"cidr=203.0.113.0/24 bundle/NHS Example Trust CERT ",
		}, notMatchable: 2, rejected: 1, revoked: 1},
		{file: "stix20.json", want: []string{"ipv4=198.51.100.10 stix20/ GREEN", "domain=c2.example.org stix20/ GREEN"}},
		{file: "array.json", want: []string{"email=billing@nhs-payments.example array/Late Identity "}, notMatchable: 1},
		{file: "broken.json", want: []string{"domain=nhs-login-verify.example broken/NHS Example Trust CERT AMBER",
			"url=https://nhs-login-verify.example/auth/ broken/NHS Example Trust CERT AMBER"},
			err: "broken JSON at byte 1700 (line 48): the input ends in the middle of a JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "stix", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rep := &Report{}
			var got []string
			s := NewSink(Options{Now: stixNow}, rep, func(ind vigil.Indicator) {
				p := ind.Provenance
				got = append(got, fmt.Sprintf("%s=%s %s/%s %s", ind.Type, ind.Value, p.Source, p.Publisher, p.TLP))
			})
			s.SetDefaultSource(strings.TrimSuffix(tt.file, ".json"))
			err = ParseSTIX(f, tt.file, s)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("error = %v, want %q", err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("indicators:\n got %q\nwant %q", got, tt.want)
			}
			if rep.NotMatchable != tt.notMatchable || rep.Rejected != tt.rejected || rep.Revoked != tt.revoked {
				t.Errorf("not matchable %d, rejected %d, revoked %d; want %d, %d, %d",
					rep.NotMatchable, rep.Rejected, rep.Revoked, tt.notMatchable, tt.rejected, tt.revoked)
			}
		})
	}
}

// stixStream is a reader that generates a bundle of n indicators on the fly.
type stixStream struct {
	n, next int
	buf     []byte
	read    int64
}

func (s *stixStream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		switch {
		case s.next == 0:
			s.buf = []byte(`{"type": "bundle", "id": "bundle--1", "objects": [`)
		case s.next <= s.n:
			s.buf = []byte(stixIndicator(strconv.Itoa(s.next), fmt.Sprintf("[domain-name:value = 'd%d.example']", s.next)) + ",")
			if s.next == s.n {
				s.buf = s.buf[:len(s.buf)-1]
			}
		case s.next == s.n+1:
			s.buf = []byte("]}")
		default:
			return 0, io.EOF
		}
		s.next++
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	s.read += int64(n)
	return n, nil
}

// TestParseSTIXStreams shows that ParseSTIX does not read the whole input before
// working: the first indicator reaches the sink after a few kilobytes of a 6 MB bundle.
func TestParseSTIXStreams(t *testing.T) {
	src := &stixStream{n: 30000}
	var readAtFirst int64 = -1
	count := 0
	s := NewSink(Options{Now: stixNow}, &Report{}, func(vigil.Indicator) {
		if count == 0 {
			readAtFirst = src.read
		}
		count++
	})
	if err := ParseSTIX(src, "stream.json", s); err != nil {
		t.Fatal(err)
	}
	if count != src.n || readAtFirst < 0 || readAtFirst > 64<<10 {
		t.Errorf("%d indicators, first after %d of %d bytes; want %d, the first within 64 KiB", count, readAtFirst, src.read, src.n)
	}
}

// FuzzParseSTIX checks that no input panics and that every indicator is accounted for.
func FuzzParseSTIX(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "stix", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range seeds {
		if filepath.Base(path) == "conformance.golden.json" {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(stixBundle(stixIndicator("1", "[ipv4-addr:value = '10.1.1.1' OR url:value IN ('http://a/', 'http://b/')]"))))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := &Report{}
		s := NewSink(Options{Now: stixNow}, rep, func(vigil.Indicator) {})
		_ = ParseSTIX(bytes.NewReader(data), "fuzz.json", s)
		if rep.Total < 0 || rep.Total > len(data) {
			t.Fatalf("%d indicators from %d bytes", rep.Total, len(data))
		}
	})
}

// stixBenchBundle is a bundle of n simple indicators of mixed types, as a feed publishes.
func stixBenchBundle(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type": "bundle", "id": "bundle--bench", "objects": [`)
	b.WriteString(`{"type": "identity", "spec_version": "2.1", "id": "identity--bench", "name": "Bench Feed", "identity_class": "organization"},`)
	for i := range n {
		var pattern string
		switch i % 4 {
		case 0:
			pattern = fmt.Sprintf("[domain-name:value = 'host%d.example.com']", i)
		case 1:
			pattern = fmt.Sprintf("[ipv4-addr:value = '10.%d.%d.%d']", i>>16&255, i>>8&255, i&255)
		case 2:
			pattern = fmt.Sprintf("[url:value = 'https://site%d.example.net/login.php?id=%d']", i, i)
		default:
			pattern = fmt.Sprintf("[file:hashes.'SHA-256' = '%064x']", i)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(stixIndicator(strconv.Itoa(i), pattern, `"created": "2026-08-16T01:04:58.000Z"`,
			`"modified": "2026-08-16T01:04:58.000Z"`, `"name": "an indicator"`,
			`"description": "IOC reported by a researcher."`, `"indicator_types": ["malicious-activity"]`,
			`"created_by_ref": "identity--bench"`, `"labels": ["phishing"]`,
			`"object_marking_refs": ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]`,
			`"external_references": [{"source_name": "twitter", "url": "https://x.com/a/status/1"}]`))
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkParseSTIX parses a bundle of 100,000 indicators and reports indicators/s.
func BenchmarkParseSTIX(b *testing.B) {
	const n = 100000
	data := stixBenchBundle(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep := &Report{}
		s := NewSink(Options{Now: stixNow}, rep, func(vigil.Indicator) {})
		if err := ParseSTIX(bytes.NewReader(data), "bench.json", s); err != nil {
			b.Fatal(err)
		}
		if rep.Total != n {
			b.Fatalf("%d indicators, want %d", rep.Total, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
}

// stixCounts is what the conformance golden file records per input.
type stixCounts struct {
	Total        int                         `json:"total"`
	ByType       map[vigil.IndicatorType]int `json:"by_type,omitempty"`
	NotMatchable int                         `json:"not_matchable"`
	Rejected     int                         `json:"rejected"`
	Revoked      int                         `json:"revoked"`
	Skipped      map[string]int              `json:"skipped,omitempty"`
	Error        string                      `json:"error,omitempty"`
}

// stixDataDir is the shared test data's root, or a skip when it is absent (a fresh
// clone); under CI its absence is a failure.
func stixDataDir(t testing.TB) string {
	t.Helper()
	return shareddata.Dir(t)
}

// stixInputs lists every STIX input of the conformance run: all JSON under intel/stix
// (including the non-STIX index files there, which must fail cleanly) and the STIX
// halves of misp-stix's test pairs.
func stixInputs(t *testing.T, data string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(data, "intel", "stix"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".json.gz")) {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	misp, err := filepath.Glob(filepath.Join(data, "intel", "misp", "misp-stix-tests", "*stix2*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, misp...)
	if len(files) < 130 {
		t.Fatalf("found %d STIX files under %s, want the ~140 the README lists", len(files), data)
	}
	return files
}

// stixParseFile runs ParseSTIX over one file, unzipping .gz itself.
func stixParseFile(t *testing.T, path string) stixCounts {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	rep := &Report{}
	s := NewSink(Options{Now: stixNow, IncludeExpired: true}, rep, func(vigil.Indicator) {})
	err = ParseSTIX(r, path, s)
	c := stixCounts{Total: rep.Total, ByType: rep.ByType, NotMatchable: rep.NotMatchable,
		Rejected: rep.Rejected, Revoked: rep.Revoked, Skipped: rep.Skipped}
	if len(c.ByType) == 0 {
		c.ByType = nil
	}
	if len(c.Skipped) == 0 {
		c.Skipped = nil
	}
	if err != nil {
		c.Error = err.Error()
	}
	return c
}

// TestSTIXConformance imports every real STIX file and compares the counts per file
// with testdata/stix/conformance.golden.json (rewrite it with -update). It also holds
// the best-known files to the counts their README states.
func TestSTIXConformance(t *testing.T) {
	data := stixDataDir(t)
	got := map[string]stixCounts{}
	for _, path := range stixInputs(t, data) {
		rel, _ := filepath.Rel(data, path)
		got[filepath.ToSlash(rel)] = stixParseFile(t, path)
	}
	stixCheckReadme(t, got)
	stixGolden(t, filepath.Join("testdata", "stix", "conformance.golden.json"), got)
}

// stixCheckReadme checks counts that shared/data/intel/README.md states. Its TweetFeed
// pattern counts (url 712, domain 603, ipv4 163, sha256 89, md5 28) are for week.json
// and today.json together; week.json alone holds 1,536 indicators.
func stixCheckReadme(t *testing.T, got map[string]stixCounts) {
	t.Helper()
	week, today := got["intel/stix/tweetfeed/week.json"], got["intel/stix/tweetfeed/today.json"]
	if n := week.Total + week.Rejected + week.NotMatchable; n != 1536 || week.Error != "" {
		t.Errorf("tweetfeed week: %d indicators (error %q), want 1,536", n, week.Error)
	}
	if n := today.Total + today.Rejected + today.NotMatchable; n != 59 {
		t.Errorf("tweetfeed today: %d indicators, want 59", n)
	}
	for typ, want := range map[vigil.IndicatorType]int{vigil.TypeSHA256: 89, vigil.TypeMD5: 28} {
		if n := week.ByType[typ] + today.ByType[typ]; n != want {
			t.Errorf("tweetfeed week+today: %d %s, want %d", n, typ, want)
		}
	}
	var amnesty stixCounts
	for name, c := range got {
		if strings.HasPrefix(name, "intel/stix/amnesty-investigations/") {
			amnesty.Total += c.Total
			amnesty.Rejected += c.Rejected
			amnesty.NotMatchable += c.NotMatchable
		}
	}
	// 4,139 domain-name patterns are matchable (or rejected as bad values); the other 133
	// name processes, apps, files by path and the like.
	if amnesty.Total+amnesty.Rejected < 4139 || amnesty.Total+amnesty.Rejected+amnesty.NotMatchable != 4272 {
		t.Errorf("amnesty: %d accepted, %d rejected, %d not matchable; want 4,272 indicators with the 4,139 domain-name ones matchable",
			amnesty.Total, amnesty.Rejected, amnesty.NotMatchable)
	}
}

func stixGolden(t *testing.T, path string, got map[string]stixCounts) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantB, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/intel -run STIXConformance -update to create it)", err)
	}
	var want map[string]stixCounts
	if err := json.Unmarshal(wantB, &want); err != nil {
		t.Fatal(err)
	}
	names := slices.Sorted(maps.Keys(want))
	for name := range got {
		if _, ok := want[name]; !ok {
			names = append(names, name)
		}
	}
	for _, name := range names {
		g, _ := json.Marshal(got[name])
		w, _ := json.Marshal(want[name])
		if string(g) != string(w) {
			t.Errorf("%s:\n got %s\nwant %s", name, g, w)
		}
	}
}
