package vuln

import (
	"github.com/google/go-cmp/cmp"
	"path/filepath"
	"slices"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

func loadShared(t testing.TB, parts ...string) *DB {
	t.Helper()
	db, problems, err := Load(filepath.Join(append([]string{sharedData(t), "vuln", "osv"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("load problem: %s", p)
	}
	return db
}

func findingIDs(fs []Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	return ids
}

// TestMatchRealAdvisories matches well-known cases against the shared OSV snapshot,
// loaded as osv-scanner's offline layout.
func TestMatchRealAdvisories(t *testing.T) {
	db := loadShared(t, "offline-db")
	tests := []struct {
		name      string
		component vigil.Component
		want      []string // finding IDs, sorted
		fixed     map[string][]string
	}{
		{"log4shell found in 2.14.1",
			vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"},
			[]string{"GHSA-7rjr-3q55-vv33", "GHSA-8489-44mv-ggj8", "GHSA-jfh8-c2jp-5v3q", "GHSA-p6xc-xr62-6r2g"},
			map[string][]string{"GHSA-jfh8-c2jp-5v3q": {"2.15.0"}}},
		{"log4shell not in 2.17.1",
			vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.17.1"},
			nil, nil},
		{"jackson 4-part version before the fix",
			vigil.Component{Ecosystem: "Maven", Name: "com.fasterxml.jackson.core:jackson-databind", Version: "2.12.6"},
			[]string{"GHSA-57j2-w4cx-62h2"}, nil},
		{"jackson 4-part fixed version",
			vigil.Component{Ecosystem: "Maven", Name: "com.fasterxml.jackson.core:jackson-databind", Version: "2.12.6.1"},
			nil, nil},
		{"pypi name normalised (PEP 503)",
			vigil.Component{Ecosystem: "PyPI", Name: "Jinja2", Version: "2.10"},
			nil, nil}, // filled below from the DB: the point is the spelling
		{"go stdlib from a toolchain version",
			vigil.Component{Ecosystem: "Go", Name: "stdlib", Version: "go1.21.0"},
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := db.Match([]vigil.Component{tt.component})
			if len(res.Unmatched) > 0 {
				t.Fatalf("unmatched: %+v", res.Unmatched)
			}
			got := findingIDs(res.Findings)
			switch tt.name {
			case "pypi name normalised (PEP 503)":
				lower := db.Match([]vigil.Component{{Ecosystem: "PyPI", Name: "jinja2", Version: "2.10"}})
				if len(lower.Findings) == 0 || !slices.Equal(got, findingIDs(lower.Findings)) {
					t.Errorf("Jinja2 %v, jinja2 %v: want the same, non-empty", got, findingIDs(lower.Findings))
				}
				return
			case "go stdlib from a toolchain version":
				if len(got) < 10 {
					t.Errorf("stdlib go1.21.0: %d findings, want many", len(got))
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
			for _, f := range res.Findings {
				if want, ok := tt.fixed[f.ID]; ok && !slices.Equal(f.Fixed, want) {
					t.Errorf("%s fixed %v, want %v", f.ID, f.Fixed, want)
				}
			}
		})
	}
}

// TestLog4ShellFinding checks every field a finding reports for Log4Shell.
func TestLog4ShellFinding(t *testing.T) {
	db := loadShared(t, "misc")
	kev := KEV{"CVE-2021-44228": {CVE: "CVE-2021-44228", DueDate: "2021-12-24"}}
	epss := EPSSScores{"CVE-2021-44228": {Probability: 0.94, Percentile: 0.99}}
	res := db.Match([]vigil.Component{{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core",
		Version: "2.14.1", Source: "sbom.txt", Location: "line 3"}})
	Enrich(res.Findings, kev, epss)
	i := slices.IndexFunc(res.Findings, func(f Finding) bool { return f.ID == "GHSA-jfh8-c2jp-5v3q" })
	if i < 0 {
		t.Fatalf("Log4Shell not found: %v", findingIDs(res.Findings))
	}
	f := res.Findings[i]
	want := Finding{Input: "sbom.txt", Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core",
		Version: "2.14.1", Location: "line 3", ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"},
		Summary: f.Summary, Fixed: []string{"2.15.0"}, KEV: true, KEVDueDate: "2021-12-24",
		EPSS:     &EPSS{Probability: 0.94, Percentile: 0.99},
		Severity: Severity{Score: 10, Rating: "critical", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("Log4Shell finding (-want +got):\n%s", diff)
	}
	if f.Summary == "" {
		t.Error("no summary")
	}
}
