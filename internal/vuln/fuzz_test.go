package vuln

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// addSharedSeeds adds files from the shared data as fuzz seeds, when present.
func addSharedSeeds(f *testing.F, pattern string, limit int) {
	dir, err := shareddata.Find("vuln")
	if err != nil {
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	for i, path := range files {
		if i == limit {
			break
		}
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
}

// FuzzParseOSV feeds arbitrary records through parsing, indexing and matching: none
// may panic, and a record that parses must be matchable against its own packages.
func FuzzParseOSV(f *testing.F) {
	addSharedSeeds(f, "osv/misc/*.json", 12)
	addSharedSeeds(f, "osv/pypi/PYSEC-2021-*.json", 5)
	f.Add([]byte(`{"id":"X-1","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"1.0"}]}],"versions":["0.9"]}]}`))
	f.Add([]byte(`{"id":"X-2","aliases":["X-1"],"withdrawn":"2020-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseOSV(data)
		if err != nil {
			return
		}
		db := NewDB([]Advisory{a})
		for _, af := range a.Affected {
			var comps []vigil.Component
			for _, v := range append(af.Versions, "1.0.0", "0") {
				comps = append(comps, vigil.Component{Ecosystem: af.Package.Ecosystem, Name: af.Package.Name, Version: v})
			}
			for _, f := range db.Match(comps).Findings {
				if f.ID != a.ID {
					t.Fatalf("finding %s from record %s", f.ID, a.ID)
				}
			}
		}
	})
}

// FuzzParseKEV checks the KEV reader never panics and keeps only CVE IDs.
func FuzzParseKEV(f *testing.F) {
	f.Add([]byte(`{"vulnerabilities":[{"cveID":"CVE-2021-44228","dueDate":"2021-12-24"}]}`))
	f.Add([]byte(`{"vulnerabilities":[{"cveID":"X"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		kev, err := ParseKEV(bytes.NewReader(data))
		if err != nil {
			return
		}
		for id := range kev {
			if !strings.HasPrefix(id, "CVE-") {
				t.Fatalf("kept %q", id)
			}
		}
	})
}

// FuzzParseEPSS checks the EPSS reader never panics and keeps only values from 0 to 1.
func FuzzParseEPSS(f *testing.F) {
	addSharedSeeds(f, "kev/epss_scores-head-sample.csv", 1)
	f.Add([]byte("cve,epss,percentile\nCVE-1-1,0.5,0.9\n"))
	f.Add([]byte("#c\ncve,epss,percentile\nCVE-1-1,NaN,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		scores, err := ParseEPSS(bytes.NewReader(data))
		if err != nil {
			return
		}
		for id, s := range scores {
			if !unit(s.Probability) || !unit(s.Percentile) {
				t.Fatalf("%s: %+v out of range", id, s)
			}
		}
	})
}

// FuzzScoreCVSS checks any accepted vector scores 0.0–10.0 with one decimal.
func FuzzScoreCVSS(f *testing.F) {
	f.Add("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")
	f.Add("CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N/E:U")
	f.Add("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVI:L/MSA:S")
	f.Add("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:L/E:U/CR:L/IR:L/AR:L")
	f.Fuzz(func(t *testing.T, vector string) {
		score, err := ScoreCVSS(vector)
		if err != nil {
			return
		}
		if score < 0 || score > 10 || math.Abs(score*10-math.Round(score*10)) > 1e-9 {
			t.Fatalf("%s scored %v", vector, score)
		}
	})
}
