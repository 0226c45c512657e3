package match

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

var update = flag.Bool("update", false, "rewrite testdata/lookup.golden")

// TestLookupGolden builds testdata/indicators.tsv, looks up every line of
// testdata/observables.tsv and compares what matched, with its sources, to
// testdata/lookup.golden. Run with -update to rewrite the golden file.
func TestLookupGolden(t *testing.T) {
	b := NewBuilder()
	for _, f := range readTSV(t, "indicators.tsv") {
		p := vigil.Provenance{Source: f[2], Confidence: -1}
		if len(f) > 3 {
			p.Ref = f[3]
		}
		b.Add(vigil.Indicator{Type: vigil.IndicatorType(f[0]), Value: f[1], Provenance: p})
	}
	s := b.Build()
	var out bytes.Buffer
	fmt.Fprintf(&out, "%d indicators, %d rejected, stats %v\n", s.Len(), b.Rejected(), s.Stats())
	for _, f := range readTSV(t, "observables.tsv") {
		fmt.Fprintf(&out, "\n%s %s\n", f[0], f[1])
		for _, id := range s.Lookup(vigil.Observable{Type: vigil.IndicatorType(f[0]), Value: f[1]}, nil) {
			e := s.Entry(id)
			fmt.Fprintf(&out, "\t%s %s\t%s\n", e.Type, e.Value, sourceList(e.Sources))
		}
	}
	golden := filepath.Join("testdata", "lookup.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("lookups differ from %s (run with -update to accept):\n%s", golden, out.String())
	}
}

// sourceList formats sources as source/ref pairs.
func sourceList(ps []vigil.Provenance) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, p.Source+"/"+p.Ref)
	}
	return strings.Join(parts, " ")
}

// readTSV reads testdata/name, skipping blank lines and # comments.
func readTSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}
