package telemetry

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"io/fs"
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

var update = flag.Bool("update", false, "rewrite testdata/golden from the shared telemetry samples")

// sampleFiles returns the NDJSON sample files of the shared real telemetry (see its
// README.md), skipping the test when the samples are absent (and failing under CI, where
// they must be present).
func sampleFiles(t testing.TB) []string {
	t.Helper()
	dir := shareddata.Dir(t, "telemetry")
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(d.Name(), ".gz")
		if !d.IsDir() && (strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".ndjson")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no telemetry samples under %s: %v", dir, err)
	}
	return files
}

// readSample returns the uncompressed content of a sample file.
func readSample(t testing.TB, path string) []byte {
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
			t.Fatalf("%s: %v", path, err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// goldenName names the summary of a sample: its directory and base name without extensions.
func goldenName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, ".gz")
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".ndjson")
	return filepath.Base(filepath.Dir(path)) + "_" + base
}

// summary is what a golden file records about one sample.
type summary struct {
	File        string         `json:"file"`
	Lines       int            `json:"lines"`
	Events      int            `json:"events"`
	Blank       int            `json:"blank"`
	Unparseable int            `json:"unparseable"`
	Formats     map[Format]int `json:"formats"`
	Observables int            `json:"observables"`
	ByType      map[string]int `json:"by_type"`
	TopFields   []fieldCount   `json:"top_fields"`
	Errors      []lineErr      `json:"errors,omitempty"`
	// TimeFields counts the events whose time came from each field ("" for none);
	// FirstTime and LastTime are the earliest and latest event times.
	TimeFields map[string]int `json:"time_fields"`
	FirstTime  string         `json:"first_time,omitempty"`
	LastTime   string         `json:"last_time,omitempty"`
}

type fieldCount struct {
	Field   string `json:"field"`
	Type    string `json:"type"`
	Count   int    `json:"count"`
	Example string `json:"example"`
}

type lineErr struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

const topFields = 30

// summarize extracts every line of data and checks the invariants every observable must hold.
func summarize(t *testing.T, name string, data []byte) *summary {
	s := &summary{File: name, Formats: map[Format]int{}, ByType: map[string]int{}, TopFields: []fieldCount{},
		TimeFields: map[string]int{}}
	var first, last time.Time
	type key struct{ field, typ string }
	fields := map[key]*fieldCount{}
	ex := NewExtractor(FormatAuto)
	var obs []vigil.Observable
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 256<<20)
	for sc.Scan() {
		s.Lines++
		var err error
		obs, err = ex.Extract(sc.Bytes(), obs[:0])
		switch {
		case err != nil:
			s.Unparseable++
			if len(s.Errors) < 10 {
				s.Errors = append(s.Errors, lineErr{s.Lines, err.Error()})
			}
			continue
		case ex.LastBlank():
			s.Blank++
			continue
		}
		s.Events++
		s.Formats[ex.LastFormat()]++
		when, field := ex.LastTime()
		s.TimeFields[field]++
		if field != "" {
			first, last = earlier(first, when), later(last, when)
		}
		for _, o := range obs {
			checkObservable(t, o)
			s.Observables++
			s.ByType[string(o.Type)]++
			k := key{o.Field, string(o.Type)}
			if fields[k] == nil {
				fields[k] = &fieldCount{Field: o.Field, Type: string(o.Type), Example: o.Value}
			}
			fields[k].Count++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, f := range fields {
		s.TopFields = append(s.TopFields, *f)
	}
	slices.SortFunc(s.TopFields, func(a, b fieldCount) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Field, b.Field), strings.Compare(a.Type, b.Type))
	})
	if len(s.TopFields) > topFields {
		s.TopFields = s.TopFields[:topFields]
	}
	if !first.IsZero() {
		s.FirstTime, s.LastTime = first.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano)
	}
	return s
}

func earlier(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func TestGolden(t *testing.T) {
	for _, path := range sampleFiles(t) {
		name := goldenName(path)
		t.Run(name, func(t *testing.T) {
			s := summarize(t, name, readSample(t, path))
			got, err := json.MarshalIndent(s, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/telemetry -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("summary of %s differs from %s (run with -update if the change is intended):\n%s",
					path, golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// TestSamples checks facts about the real samples that the golden files must keep showing.
func TestSamples(t *testing.T) {
	files := sampleFiles(t)
	find := func(suffix string) []byte {
		for _, f := range files {
			if strings.HasSuffix(filepath.ToSlash(f), suffix) {
				return readSample(t, f)
			}
		}
		t.Fatalf("sample %s not found", suffix)
		return nil
	}
	tests := []struct {
		name, file            string
		unparseable, minByTyp int
		format                Format
		typ                   vigil.IndicatorType
	}{
		{"broken eve: 6 malformed lines", "surevego/eve_broken.json", 6, 1, FormatSuricata, vigil.TypeURL},
		{"eve: all parse", "surevego/eve.json", 0, 68, FormatSuricata, vigil.TypeFilename},
		{"zeek dns", "zed-sample-data/dns.json.gz", 0, 1000, FormatZeek, vigil.TypeDomain},
		{"zeek apt29 files hashes", "otrf-apt29/apt29_day1_combined_zeek.ndjson", 0, 60, FormatZeek, vigil.TypeSHA1},
		// most of its files are the certificates ssl.log saw: their hashes are fingerprints
		{"zeek apt29 certificates", "otrf-apt29/apt29_day1_combined_zeek.ndjson", 0, 370, FormatZeek, vigil.TypeX509SHA1},
		{"zeek apt29 ja3", "otrf-apt29/apt29_day1_combined_zeek.ndjson", 0, 370, FormatZeek, vigil.TypeJA3},
		{"sysmon hashes", "covenant_lolbin_wuauclt_createremotethread.ndjson", 0, 100, FormatSysmon, vigil.TypeSHA256},
		{"log4shell EventData string", "sysmon_log4shell_cve2021_44228_java_serialized_object.ndjson", 0, 100, FormatSysmon, vigil.TypeSHA256},
		{"ecs: url joined from url.domain and url.original", "ecs/elastic-integrations_zeek-http_expected.ndjson", 0, 3, FormatECS, vigil.TypeURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(t, tt.file, find(tt.file))
			if s.Unparseable != tt.unparseable {
				t.Errorf("unparseable = %d, want %d (errors %v)", s.Unparseable, tt.unparseable, s.Errors)
			}
			if s.Formats[tt.format] != s.Events {
				t.Errorf("formats = %v, want all %d events as %s", s.Formats, s.Events, tt.format)
			}
			if s.ByType[string(tt.typ)] < tt.minByTyp {
				t.Errorf("%s observables = %d, want at least %d", tt.typ, s.ByType[string(tt.typ)], tt.minByTyp)
			}
		})
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return "(no line differs)"
}
