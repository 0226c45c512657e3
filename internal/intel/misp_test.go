package intel

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// mispNow is a fixed import time, so nothing in the fixtures or real data can expire.
var mispNow = time.Date(2026, 8, 23, 0, 0, 0, 0, time.UTC)

// mispParse runs ParseMISP over in and returns what it emitted, the report and the error.
func mispParse(t testing.TB, in string, opts Options) ([]vigil.Indicator, *Report, error) {
	t.Helper()
	var got []vigil.Indicator
	rep := &Report{}
	opts.Now = mispNow
	s := NewSink(opts, rep, func(ind vigil.Indicator) { got = append(got, ind) })
	err := ParseMISP(strings.NewReader(in), "test.json", s)
	return got, rep, err
}

func mispFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "misp", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mispValues lists indicators as "type value", sorted.
func mispValues(inds []vigil.Indicator) []string {
	var out []string
	for _, ind := range inds {
		out = append(out, string(ind.Type)+" "+ind.Value)
	}
	slices.Sort(out)
	return out
}

func TestParseMISPEvent(t *testing.T) {
	got, rep, err := mispParse(t, mispFixture(t, "event.json"), Options{})
	if err != nil {
		t.Fatalf("ParseMISP: %v", err)
	}
	want := []string{
		"cidr 198.51.100.0/24",
		"domain c2.evil.example.net",
		"domain evil.example.com",
		"email phish@evil.example.com",
		"filename invoice.exe",
		"filename payload.dll",
		"ipv4 198.51.100.7",
		"ipv4 198.51.100.9",
		"ipv4 203.0.113.5",
		"ipv6 2001:db8::1",
		"sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
		"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"url http://evil.example.com/gate.php",
	}
	if diff := cmp.Diff(want, mispValues(got)); diff != "" {
		t.Errorf("indicators (-want +got):\n%s", diff)
	}
	wantSkipped := map[string]int{
		"misp attribute text": 1, "misp attribute link": 1, "misp attribute size-in-bytes": 1,
		"misp attribute (deleted)": 1, "misp object (deleted)": 1, "misp proposal (shadow attribute)": 1,
	}
	if diff := cmp.Diff(wantSkipped, rep.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if rep.Total != 13 || rep.Rejected != 1 || rep.NotForDetection != 3 {
		t.Errorf("total %d rejected %d not for detection %d, want 13, 1 (co.uk), 3", rep.Total, rep.Rejected, rep.NotForDetection)
	}
}

func TestParseMISPProvenance(t *testing.T) {
	got, _, err := mispParse(t, mispFixture(t, "event.json"), Options{})
	if err != nil {
		t.Fatalf("ParseMISP: %v", err)
	}
	byRef := map[string]vigil.Provenance{}
	for _, ind := range got {
		byRef[ind.Provenance.Ref] = ind.Provenance
	}
	eventLabels := []string{`misp-galaxy:threat-actor="Sednit"`, "ransomware", "Zebrocy"}
	ts := time.Unix(1700000000, 0).UTC()
	tests := []struct {
		name string
		ref  string
		want vigil.Provenance
	}{
		{"event markings, timestamp as last seen", "a0000000-0000-4000-8000-000000000001", vigil.Provenance{
			Publisher: "CERT-Example", TLP: vigil.TLPAmber, Reliability: 'B', Credibility: 2, Confidence: 75,
			LastSeen: ts, Labels: eventLabels}},
		{"attribute TLP and likelihood override the event's, labels merge", "a0000000-0000-4000-8000-000000000006", vigil.Provenance{
			Publisher: "CERT-Example", TLP: vigil.TLPGreen, Reliability: 'B', Credibility: 2, Confidence: 68,
			LastSeen: ts, Labels: append(slices.Clone(eventLabels), "phishing")}},
		{"first and last seen", "a0000000-0000-4000-8000-000000000013", vigil.Provenance{
			Publisher: "CERT-Example", TLP: vigil.TLPAmber, Reliability: 'B', Credibility: 2, Confidence: 75,
			FirstSeen: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), LastSeen: time.Date(2024, 2, 3, 0, 0, 0, 0, time.UTC),
			Labels: eventLabels}},
		{"strictest of two attribute TLPs, attribute admiralty", "a0000000-0000-4000-8000-000000000015", vigil.Provenance{
			Publisher: "CERT-Example", TLP: vigil.TLPRed, Reliability: 'A', Credibility: 2, Confidence: 75,
			LastSeen: ts, Labels: eventLabels}},
		{"object attribute takes the object's first seen", "a0000000-0000-4000-8000-000000000017", vigil.Provenance{
			Publisher: "CERT-Example", TLP: vigil.TLPAmber, Reliability: 'B', Credibility: 2, Confidence: 75,
			FirstSeen: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC), LastSeen: ts, Labels: eventLabels}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Ref = tt.ref
			if diff := cmp.Diff(tt.want, byRef[tt.ref]); diff != "" {
				t.Errorf("provenance of %s (-want +got):\n%s", tt.ref, diff)
			}
		})
	}
}

func TestParseMISPResponse(t *testing.T) {
	got, rep, err := mispParse(t, mispFixture(t, "response.json"), Options{})
	if err != nil {
		t.Fatalf("ParseMISP: %v", err)
	}
	tests := []struct {
		name      string
		value     string
		publisher string
		tlp       vigil.TLP
		labels    []string
	}{
		{"Org when there is no Orgc, EventTag wrapper", "first.example.net", "Org Only", vigil.TLPGreen, []string{"botnet"}},
		{"tlp:white is CLEAR", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "Second Org", vigil.TLPClear, nil},
		{"malware-sample filename half", "sample.bin", "Second Org", vigil.TLPClear, nil},
		{"malware-sample hash half", "d41d8cd98f00b204e9800998ecf8427e", "Second Org", vigil.TLPClear, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := slices.IndexFunc(got, func(ind vigil.Indicator) bool { return ind.Value == tt.value })
			if i < 0 {
				t.Fatalf("%s not imported; got %v", tt.value, mispValues(got))
			}
			p := got[i].Provenance
			if p.Publisher != tt.publisher || p.TLP != tt.tlp || !slices.Equal(p.Labels, tt.labels) {
				t.Errorf("%s: publisher %q TLP %q labels %q, want %q %q %q", tt.value, p.Publisher, p.TLP, p.Labels, tt.publisher, tt.tlp, tt.labels)
			}
		})
	}
	if rep.Total != 4 {
		t.Errorf("total %d, want 4", rep.Total)
	}
}

// mispAttr is a to_ids domain attribute, for building wrappers around.
func mispAttr(value string) string {
	return fmt.Sprintf(`{"uuid":"u-%s","type":"domain","value":%q,"to_ids":true}`, value, value)
}

func TestParseMISPWrappers(t *testing.T) {
	a, b := mispAttr("a.example.net"), mispAttr("b.example.net")
	both := []string{"domain a.example.net", "domain b.example.net"}
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"event wrapper", `{"Event":{"Attribute":[` + a + `]}}`, both[:1]},
		{"response array", `{"response":[{"Event":{"Attribute":[` + a + `]}},{"Event":{"Attribute":[` + b + `]}}]}`, both},
		{"bare event", `{"info":"x","Attribute":[` + a + `,` + b + `]}`, both},
		{"array of events", `[{"Event":{"Attribute":[` + a + `]}},{"Event":{"Attribute":[` + b + `]}}]`, both},
		{"array of bare events", `[{"Attribute":[` + a + `]},{"Attribute":[` + b + `]}]`, both},
		{"response of bare events", `{"response":[{"info":"x","Attribute":[` + a + `,` + b + `]}]}`, both},
		{"attribute search result", `{"response":{"Attribute":[` + a + `,` + b + `]}}`, both},
		{"object search result", `{"response":[{"Object":{"name":"domain-ip","Attribute":[` + a + `]}},{"Object":{"Attribute":[` + b + `]}}]}`, both},
		{"objects in an event", `{"Event":{"Object":[{"Attribute":[` + a + `]},{"Attribute":[` + b + `]}]}}`, both},
		{"concatenated events", `{"Event":{"Attribute":[` + a + `]}}` + "\n" + `{"Event":{"Attribute":[` + b + `]}}`, both},
		{"lone attribute object", `{"Event":{"Attribute":` + a + `}}`, both[:1]},
		{"related events are not events", `{"Event":{"RelatedEvent":[{"Event":{"Attribute":[` + b + `]}}],"Attribute":[` + a + `]}}`, both[:1]},
		{"search index without attributes", `[{"info":"x","Orgc":{"name":"o"},"org":""}]`, nil},
		{"empty response", `{"response":[]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := mispParse(t, tt.in, Options{})
			if err != nil {
				t.Fatalf("ParseMISP: %v", err)
			}
			if diff := cmp.Diff(tt.want, mispValues(got)); diff != "" {
				t.Errorf("indicators (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMISPAttributes(t *testing.T) {
	tests := []struct {
		name       string
		attr       string
		opts       Options
		want       []string
		notForDet  int
		wantSource string
	}{
		{"to_ids string 1", `{"type":"ip-dst","value":"192.0.2.1","to_ids":"1"}`, Options{}, []string{"ipv4 192.0.2.1"}, 0, ""},
		{"to_ids number 1", `{"type":"ip-dst","value":"192.0.2.1","to_ids":1}`, Options{}, []string{"ipv4 192.0.2.1"}, 0, ""},
		{"to_ids string 0", `{"type":"ip-dst","value":"192.0.2.1","to_ids":"0"}`, Options{}, nil, 1, ""},
		{"to_ids missing", `{"type":"ip-dst","value":"192.0.2.1"}`, Options{}, nil, 1, ""},
		{"to_ids false kept with IncludeNonIDS", `{"type":"ip-dst","value":"192.0.2.1","to_ids":false}`, Options{IncludeNonIDS: true}, []string{"ipv4 192.0.2.1"}, 0, ""},
		{"ipv6 with port", `{"type":"ip-src|port","value":"2001:db8::5|443","to_ids":true}`, Options{}, []string{"ipv6 2001:db8::5"}, 0, ""},
		{"ipv6 network", `{"type":"ip-src","value":"2001:db8:1::/48","to_ids":true}`, Options{}, []string{"cidr 2001:db8:1::/48"}, 0, ""},
		{"hostname with port", `{"type":"hostname|port","value":"c2.example.net|8443","to_ids":true}`, Options{}, []string{"domain c2.example.net"}, 0, ""},
		{"filename holding a bar", `{"type":"filename|md5","value":"a|b.exe|d41d8cd98f00b204e9800998ecf8427e","to_ids":true}`, Options{},
			[]string{"filename a|b.exe", "md5 d41d8cd98f00b204e9800998ecf8427e"}, 0, ""},
		{"email-dst", `{"type":"email-dst","value":"victim@example.org","to_ids":true}`, Options{}, []string{"email victim@example.org"}, 0, ""},
		{"sha512", `{"type":"sha512","value":"` + strings.Repeat("ab", 64) + `","to_ids":true}`, Options{}, []string{"sha512 " + strings.Repeat("ab", 64)}, 0, ""},
		{"escaped value", `{"type":"url","value":"http:\/\/evil.example.net\/\u0061","to_ids":true}`, Options{}, []string{"url http://evil.example.net/a"}, 0, ""},
		{"no org: the file's default source", `{"type":"domain","value":"x.example.net","to_ids":true}`, Options{Source: "partner"}, []string{"domain x.example.net"}, 0, "partner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep, err := mispParse(t, `{"Event":{"Attribute":[`+tt.attr+`]}}`, tt.opts)
			if err != nil {
				t.Fatalf("ParseMISP: %v", err)
			}
			if diff := cmp.Diff(tt.want, mispValues(got)); diff != "" {
				t.Errorf("indicators (-want +got):\n%s", diff)
			}
			if rep.NotForDetection != tt.notForDet {
				t.Errorf("not for detection %d, want %d", rep.NotForDetection, tt.notForDet)
			}
			if tt.wantSource != "" && (len(got) == 0 || got[0].Provenance.Source != tt.wantSource) {
				t.Errorf("source of %v, want %q", got, tt.wantSource)
			}
		})
	}
}

func TestParseMISPOddFields(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      []string
		rejected  int
		publisher string
	}{
		{"org written as a string", `{"Event":{"Orgc":"Plain Name","Attribute":[` + mispAttr("a.example.net") + `]}}`,
			[]string{"domain a.example.net"}, 0, "Plain Name"},
		{"numeric value is rejected, not fatal", `{"Event":{"Attribute":[{"type":"ip-dst","value":12345,"to_ids":true},` + mispAttr("a.example.net") + `]}}`,
			[]string{"domain a.example.net"}, 1, ""},
		{"wrongly typed uuid and tags", `{"Event":{"Tag":"tlp:red","Attribute":[{"uuid":5,"Tag":{"x":1},"type":"domain","value":"a.example.net","to_ids":true}]}}`,
			[]string{"domain a.example.net"}, 0, ""},
		{"null everywhere", `{"Event":{"Orgc":null,"Tag":null,"Object":null,"Attribute":[{"type":"domain","value":"a.example.net","to_ids":true,"first_seen":null,"timestamp":null}]}}`,
			[]string{"domain a.example.net"}, 0, ""},
		{"unparseable times are unknown", `{"Event":{"Attribute":[{"type":"domain","value":"a.example.net","to_ids":true,"first_seen":"soon","last_seen":"","timestamp":"-5"}]}}`,
			[]string{"domain a.example.net"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep, err := mispParse(t, tt.in, Options{})
			if err != nil {
				t.Fatalf("ParseMISP: %v", err)
			}
			if diff := cmp.Diff(tt.want, mispValues(got)); diff != "" {
				t.Errorf("indicators (-want +got):\n%s", diff)
			}
			if rep.Rejected != tt.rejected {
				t.Errorf("rejected %d, want %d", rep.Rejected, tt.rejected)
			}
			if tt.publisher != "" && got[0].Provenance.Publisher != tt.publisher {
				t.Errorf("publisher %q, want %q", got[0].Provenance.Publisher, tt.publisher)
			}
		})
	}
}

func TestMISPParseTime(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"unix seconds", "1700000000", time.Unix(1700000000, 0).UTC()},
		{"unix milliseconds", "1700000000123", time.UnixMilli(1700000000123).UTC()},
		{"unix microseconds", "1700000000123456", time.UnixMicro(1700000000123456).UTC()},
		{"rfc3339 with microseconds", "2021-06-10T08:00:00.000000+02:00", time.Date(2021, 6, 10, 6, 0, 0, 0, time.UTC)},
		{"no zone", "2021-06-10T08:00:00", time.Date(2021, 6, 10, 8, 0, 0, 0, time.UTC)},
		{"space separated", "2021-06-10 08:00:00", time.Date(2021, 6, 10, 8, 0, 0, 0, time.UTC)},
		{"date only", "2021-06-10", time.Date(2021, 6, 10, 0, 0, 0, 0, time.UTC)},
		{"empty", "", time.Time{}},
		{"zero", "0", time.Time{}},
		{"garbage", "last tuesday", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mispParseTime(tt.in); !got.Equal(tt.want) {
				t.Errorf("mispParseTime(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseMISPBroken(t *testing.T) {
	a, b := mispAttr("a.example.net"), mispAttr("b.example.net")
	trailing := "{\"Event\":{\n\"Attribute\":[" + a + ",\n" + b + "],\n\"Tag\":[{\"name\":\"tlp:green\"},\n]}}"
	cut := "{\"Event\":{\"Attribute\":[" + a + ",\n{\"type\":\"domain\",\"val"
	noComma := `[{"Event":{"Attribute":[` + a + `]}} {"Event":{}}]`
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{"trailing comma after the attributes keeps them", trailing,
			[]string{"domain a.example.net", "domain b.example.net"},
			fmt.Sprintf("broken JSON at byte %d (line 5)", strings.LastIndex(trailing, "]}}"))},
		{"cut off inside an attribute keeps those before", cut,
			[]string{"domain a.example.net"}, fmt.Sprintf("JSON ends early at byte %d (line 2)", len(cut))},
		{"cut off between events keeps the first", `{"response":[{"Event":{"Attribute":[` + a + `]}},`,
			[]string{"domain a.example.net"}, "JSON ends early"},
		{"missing comma between events", noComma, []string{"domain a.example.net"},
			fmt.Sprintf("broken JSON at byte %d (line 1): invalid character '{' after array element", strings.Index(noComma, "} {")+2)},
		{"not JSON", "Event: 1", nil, "broken JSON at byte 0 (line 1)"},
		{"a STIX bundle", `{"type":"bundle","objects":[]}`, nil, "no MISP event"},
		{"sharing groups", `[{"SharingGroup":{"uuid":"x","name":"y"}}]`, nil, "no MISP event"},
		{"empty", "", nil, "no MISP event"},
		{"nested too deeply", strings.Repeat("[", 100) + strings.Repeat("]", 100), nil, "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := mispParse(t, tt.in, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, mispValues(got)); diff != "" {
				t.Errorf("kept indicators (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadMISPFeed(t *testing.T) {
	dir := filepath.Join("testdata", "misp", "feed")
	var refs []string
	rep := &Report{}
	s := NewSink(Options{Now: mispNow}, rep, func(ind vigil.Indicator) { refs = append(refs, ind.Provenance.Ref) })
	if err := LoadMISPFeed(dir, s); err != nil {
		t.Fatalf("LoadMISPFeed: %v", err)
	}
	wantRefs := []string{ // events in UUID order, not manifest order; the unlisted event is not read
		"e0000000-0000-4000-8000-000000000001", "e0000000-0000-4000-8000-000000000002",
		"e0000000-0000-4000-8000-000000000003",
		"e0000000-0000-4000-8000-000000000004", // read before the broken event's fault
	}
	if diff := cmp.Diff(wantRefs, refs); diff != "" {
		t.Errorf("indicators read (-want +got):\n%s", diff)
	}
	var failed []string
	for _, p := range rep.Problems {
		if p.Kind == ProblemFailed {
			failed = append(failed, filepath.Base(p.File)+": "+p.Reason)
		}
	}
	wantFailed := []string{"manifest.json: the manifest lists", "f0000000-0000-4000-8000-000000000003.json: the manifest lists this event but it cannot be read",
		"f0000000-0000-4000-8000-000000000004.json: broken JSON at byte"}
	if len(failed) != len(wantFailed) || rep.Failed != 3 {
		t.Fatalf("failed %d %q, want %q", rep.Failed, failed, wantFailed)
	}
	for i, w := range wantFailed {
		if !strings.HasPrefix(failed[i], w) {
			t.Errorf("failure %d = %q, want it to start %q", i, failed[i], w)
		}
	}
	if rep.Files != 3 {
		t.Errorf("files %d, want 3 (two good events and the broken one)", rep.Files)
	}
}

func TestLoadMISPFeedNoManifest(t *testing.T) {
	err := LoadMISPFeed(t.TempDir(), NewSink(Options{}, &Report{}, func(vigil.Indicator) {}))
	if err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Errorf("error %v, want one about the manifest", err)
	}
}

// mispCounts is what the conformance golden file keeps per input.
type mispCounts struct {
	Files           int                         `json:"files,omitempty"`
	Total           int                         `json:"total"`
	ByType          map[vigil.IndicatorType]int `json:"by_type,omitempty"`
	Rejected        int                         `json:"rejected"`
	NotForDetection int                         `json:"not_for_detection"`
	Internal        int                         `json:"internal,omitempty"`
	Skipped         map[string]int              `json:"skipped,omitempty"`
	Failed          int                         `json:"failed"`
	Error           string                      `json:"error,omitempty"`
}

func mispCountsOf(rep *Report, err error) mispCounts {
	c := mispCounts{Files: rep.Files, Total: rep.Total, ByType: rep.ByType, Rejected: rep.Rejected,
		NotForDetection: rep.NotForDetection, Internal: rep.Internal, Skipped: rep.Skipped, Failed: rep.Failed}
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

// mispDataDir is the real MISP data, or a skip when it is absent (a fresh clone); under
// CI its absence is a failure.
func mispDataDir(t testing.TB) string {
	t.Helper()
	return shareddata.Dir(t, "intel", "misp")
}

// mispRealFiles lists the MISP (not STIX) event files in the real data.
func mispRealFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	for _, sub := range []string{"eset-malware-ioc", "pymisp-tests", "misp-stix-tests"} {
		matches, err := filepath.Glob(filepath.Join(dir, sub, "*.json*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if !strings.Contains(filepath.Base(m), "_stix2") { // the STIX halves of misp-stix's pairs
				files = append(files, m)
			}
		}
	}
	if len(files) != 88 {
		t.Fatalf("found %d MISP files under %s, want the README's 58 ESET, 24 PyMISP and 6 misp-stix ones", len(files), dir)
	}
	return files
}

func mispParseFile(t testing.TB, path string, s *Sink) error {
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
	s.rep.Files++
	err = ParseMISP(r, path, s)
	if err != nil {
		s.Failed(Location{File: path}, err.Error()) // as the loader records it
	}
	return err
}

// TestMISPConformance imports every real MISP file and the TweetFeed feed and compares
// the counts per input with testdata/misp/conformance.golden.json (go test -update).
func TestMISPConformance(t *testing.T) {
	dir := mispDataDir(t)
	got := map[string]mispCounts{}
	for _, path := range mispRealFiles(t, dir) {
		rep := &Report{}
		err := mispParseFile(t, path, NewSink(Options{Now: mispNow}, rep, func(vigil.Indicator) {}))
		rel, _ := filepath.Rel(dir, path)
		got[filepath.ToSlash(rel)] = mispCountsOf(rep, err)
	}
	rep := &Report{}
	err := LoadMISPFeed(filepath.Join(dir, "tweetfeed-misp-feed"), NewSink(Options{Now: mispNow}, rep, func(vigil.Indicator) {}))
	got["tweetfeed-misp-feed/"] = mispCountsOf(rep, err)
	mispCheckTweetFeed(t, got["tweetfeed-misp-feed/"])
	mispCheckPyPI(t, got["eset-malware-ioc/pypi_backdoor_malicious_pypi_packages.misp-event.json.gz"])
	mispGolden(t, filepath.Join("testdata", "misp", "conformance.golden.json"), got)
}

// mispCheckTweetFeed holds the feed to its README: 31 events, 12,092 attributes, all
// to_ids, url 5,610 / domain 4,985 / ip-dst 813 / sha256 444 / md5 240.
func mispCheckTweetFeed(t *testing.T, c mispCounts) {
	t.Helper()
	if c.Files != 31 || c.Failed != 0 || c.NotForDetection != 0 {
		t.Errorf("tweetfeed: %d files, %d failed, %d not for detection; want 31, 0, 0", c.Files, c.Failed, c.NotForDetection)
	}
	// Two of the URLs are on a private address (a Sliver C2 seen inside someone's network).
	if n := c.Total + c.Rejected + c.Internal; n != 12092 || c.Internal != 2 {
		t.Errorf("tweetfeed: %d accepted + %d rejected + %d internal = %d, want the README's 12,092 attributes, 2 internal",
			c.Total, c.Rejected, c.Internal, n)
	}
	if c.ByType[vigil.TypeIPv4] != 813 || c.ByType[vigil.TypeSHA256] != 444 || c.ByType[vigil.TypeMD5] != 240 {
		t.Errorf("tweetfeed by type %v, want ipv4 813, sha256 444, md5 240", c.ByType)
	}
}

// mispCheckPyPI: ESET's pypi event is broken upstream (a trailing comma at byte
// 1,532,403, line 37,374, in the event's tags after all its attributes), so every
// attribute before the fault must still be imported.
func mispCheckPyPI(t *testing.T, c mispCounts) {
	t.Helper()
	if !strings.Contains(c.Error, "byte 1532403 (line 37374)") || c.Failed != 1 {
		t.Errorf("pypi: error %q failed %d, want the fault at byte 1532403 (line 37374)", c.Error, c.Failed)
	}
	if c.Total+c.NotForDetection < 500 {
		t.Errorf("pypi: %d accepted and %d not for detection; the attributes before the fault were lost", c.Total, c.NotForDetection)
	}
}

func mispGolden(t *testing.T, path string, got map[string]mispCounts) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantB, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run MISPConformance -update to create it)", err)
	}
	var want map[string]mispCounts
	if err := json.Unmarshal(wantB, &want); err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if diff := cmp.Diff(want[name], got[name]); diff != "" {
			t.Errorf("%s (-golden +got):\n%s", name, diff)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: not in the golden file (run with -update)", name)
		}
	}
}

// FuzzParseMISP feeds arbitrary bytes to the parser: it must not panic or loop, and
// its counts must add up.
func FuzzParseMISP(f *testing.F) {
	for _, name := range []string{"event.json", "response.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "misp", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	a := mispAttr("a.example.net")
	for _, s := range []string{`{"response":{"Attribute":[` + a + `]}}`, `[{"Object":{"Attribute":` + a + `}}]`,
		`{"Event":{"Attribute":[` + a + `,]}}`, `{"info":"x","Tag":[{"name":"tlp:red"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := &Report{}
		n := 0
		s := NewSink(Options{Now: mispNow, IncludeNonIDS: true}, rep, func(vigil.Indicator) { n++ })
		err := ParseMISP(bytes.NewReader(data), "fuzz.json", s)
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
		sum := 0
		for _, v := range rep.ByType {
			sum += v
		}
		if n != rep.Total || sum != rep.Total {
			t.Fatalf("emitted %d, total %d, by type %d", n, rep.Total, sum)
		}
	})
}

// mispBenchEvent builds one event with n attributes of the common types, tags after
// them as MISP writes.
func mispBenchEvent(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"response":[{"Event":{"uuid":"bench","Orgc":{"name":"Bench"},"Attribute":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		var typ, val string
		switch i % 5 {
		case 0:
			typ, val = "ip-dst", fmt.Sprintf("198.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		case 1:
			typ, val = "domain", fmt.Sprintf("host%d.example-%d.net", i, i%97)
		case 2:
			typ, val = "url", fmt.Sprintf("https://cdn%d.example.org/path/%d/payload.bin?id=%d", i%13, i, i)
		case 3:
			typ, val = "sha256", fmt.Sprintf("%064x", i)
		default:
			typ, val = "filename|md5", fmt.Sprintf("file%d.exe|%032x", i, i)
		}
		fmt.Fprintf(&b, `{"id":"%d","uuid":"%08x-0000-4000-8000-000000000000","type":%q,"category":"Network activity","to_ids":true,`+
			`"value":%q,"timestamp":"1700000000","comment":"","deleted":false,"first_seen":null,"last_seen":null,"Tag":[{"name":"malware"}]}`,
			i, i, typ, val)
	}
	b.WriteString(`],"Tag":[{"name":"tlp:green"},{"name":"type:OSINT"}]}}]}`)
	return b.Bytes()
}

func BenchmarkParseMISP(b *testing.B) {
	const attrs = 100_000
	data := mispBenchEvent(attrs)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	indicators := 0
	for b.Loop() {
		rep := &Report{}
		s := NewSink(Options{Now: mispNow}, rep, func(vigil.Indicator) {})
		if err := ParseMISP(bytes.NewReader(data), "bench.json", s); err != nil {
			b.Fatal(err)
		}
		indicators += rep.Total
	}
	b.ReportMetric(float64(indicators)/b.Elapsed().Seconds(), "indicators/s")
}
