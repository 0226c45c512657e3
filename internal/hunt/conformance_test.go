package hunt

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/shareddata"
)

var update = flag.Bool("update", false, "rewrite golden files")

// telemetryDir finds the shared real telemetry samples, skipping (or failing under CI) without them.
func telemetryDir(t testing.TB) string {
	t.Helper()
	return shareddata.Dir(t, "telemetry")
}

// huntIOCs are values that occur in the real samples, one or more per format: whole field
// values, a parent domain of names seen, hashes inside Sysmon's Hashes field, an IPv6 peer.
var huntIOCs = []string{
	"raw.githubusercontent.com",        // Sysmon QueryName (mshta, bitsadmin)
	"A094E2B38D3DD864B07580D243CB6E43", // MD5 inside a Sysmon Hashes field
	"172.18.39.5",                      // Sysmon DestinationIp
	"fe80::74bc:2942:9832:aa63",        // Sysmon DestinationIp written 0-padded
	"cc85d7649546d3c0b1607f761b73fec2", // Zeek files md5 (APT29)
	"security.debian.org",              // parent of Suricata's _http._tcp.security.debian.org
	"deb.debian.org",                   // Suricata http.hostname
	"134.71.3.16",                      // Zeek dns answers (zed sample)
	"ise.wrccdc.cpp.edu",               // Zeek dns answers, a name
	"10.0.1.0/24",                      // a network: the APT29 workstations (10.0.1.x)
}

func huntSnapshot(t *testing.T) *match.Snapshot {
	t.Helper()
	b := match.NewBuilder()
	for i, v := range huntIOCs {
		typ, val, err := ioc.Detect(v)
		if err != nil {
			t.Fatalf("test indicator %q: %v", v, err)
		}
		b.Add(vigil.Indicator{Type: typ, Value: val, Provenance: vigil.Provenance{Source: "conformance", TLP: vigil.TLPAmber, Confidence: -1, Ref: fmt.Sprint(i)}})
	}
	return b.Build()
}

// TestHuntRealTelemetry hunts every real sample and compares the sightings, counted per
// file, indicator and field, with a golden file. Independently of the golden file, every
// line holding an indicator as a whole JSON string must have a sighting of it.
func TestHuntRealTelemetry(t *testing.T) {
	dir := telemetryDir(t)
	snap := huntSnapshot(t)
	inputs := sampleInputs(dir)
	var out bytes.Buffer
	st, err := Run(context.Background(), snap, inputs, &out, Options{Workers: 2, ChunkSize: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	sightings := decodeSightings(t, &out)
	checkWholeValues(t, inputs, sightings)

	summary := map[string]int{}
	times := map[string][2]time.Time{} // per file: the earliest and latest sighting times
	untimed := 0
	for _, s := range sightings {
		rel, _ := filepath.Rel(dir, s.File)
		summary[fmt.Sprintf("%s | %s | %s", rel, s.Indicator, s.Field)]++
		if s.Time.IsZero() {
			untimed++
			continue
		}
		span, ok := times[rel]
		if !ok || s.Time.Before(span[0]) {
			span[0] = s.Time
		}
		if s.Time.After(span[1]) {
			span[1] = s.Time
		}
		times[rel] = span
	}
	got, _ := json.MarshalIndent(map[string]any{
		"files": st.Files, "lines": st.Lines, "events": st.Events, "unparseable": st.Unparseable,
		"blank": st.Blank, "sightings": st.Sightings, "by_type": st.ByType, "by_file_indicator_field": summary,
		"untimed_sightings": untimed, "event_times_by_file": times,
	}, "", "  ")
	compareGolden(t, filepath.Join("testdata", "real-telemetry.golden.json"), got)
	for _, v := range huntIOCs {
		_, val, _ := ioc.Detect(v)
		if !slices.ContainsFunc(sightings, func(s Sighting) bool { return s.Indicator == val }) {
			t.Errorf("indicator %s occurs in the samples but was never sighted", v)
		}
	}
}

// sampleInputs lists every NDJSON sample under dir, in a stable order.
func sampleInputs(dir string) []Input {
	var inputs []Input
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".ndjson") || strings.HasSuffix(path, ".gz")) {
			inputs = append(inputs, FileInput(path, nil))
		}
		return err
	})
	return inputs
}

func decodeSightings(t *testing.T, r io.Reader) []Sighting {
	t.Helper()
	var all []Sighting
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s Sighting
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("sighting is not JSON: %v: %s", err, sc.Text())
		}
		all = append(all, s)
	}
	return all
}

// checkWholeValues is the oracle: a valid JSON line containing "value" (quotes included, any case)
// for a single-value indicator must have produced a sighting of it on that line.
func checkWholeValues(t *testing.T, inputs []Input, sightings []Sighting) {
	t.Helper()
	type key struct {
		file string
		line int64
		ind  string
	}
	seen := map[key]bool{}
	for _, s := range sightings {
		seen[key{s.File, s.Line, s.Indicator}] = true
	}
	for _, in := range inputs {
		forEachLine(t, in, func(n int64, line []byte) {
			if !json.Valid(line) {
				return // the deliberately broken Suricata lines are counted as unparseable instead
			}
			lower := bytes.ToLower(line)
			for _, v := range huntIOCs {
				typ, val, _ := ioc.Detect(v)
				if typ == vigil.TypeCIDR || !bytes.Contains(lower, []byte(`"`+strings.ToLower(v)+`"`)) {
					continue
				}
				if !seen[key{in.Name, n, val}] {
					t.Errorf("%s:%d holds %q as a whole value but has no sighting of it", in.Name, n, v)
				}
			}
		})
	}
}

func forEachLine(t *testing.T, in Input, fn func(int64, []byte)) {
	t.Helper()
	rc, err := in.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if strings.HasSuffix(in.Name, ".gz") {
		if r, err = gzip.NewReader(rc); err != nil {
			t.Fatal(err)
		}
	}
	br := bufio.NewReaderSize(r, 1<<20)
	for n := int64(1); ; n++ {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			fn(n, line)
		}
		if err != nil {
			return
		}
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/hunt -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
