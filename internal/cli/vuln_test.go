package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/shareddata"
)

// vulnData is the shared vulnerability test data, or a skip when it is absent; under CI
// its absence is a failure.
func vulnData(t *testing.T) string {
	t.Helper()
	return shareddata.Dir(t, "vuln")
}

// goldenVulnData is how golden files spell vulnData in the paths the output names (as this
// package sees it when the data sits beside the repository), wherever the data really is.
const goldenVulnData = "../../../shared/data/vuln"

// TestVulnScanLog4Shell is the CLI contract on a purl list: Log4Shell is found in
// log4j-core 2.14.1 (exit 1, with KEV and the fix) and not in 2.17.1 (exit 0).
func TestVulnScanLog4Shell(t *testing.T) {
	data := vulnData(t)
	osv := filepath.Join(data, "osv", "offline-db")
	kev := filepath.Join(data, "kev", "known_exploited_vulnerabilities.json")
	code, out, stderr := run(t, "", "vuln", "scan", "--osv", osv, "--kev", kev, "--format", "ndjson", "testdata/vuln/log4j-2.14.1.purls")
	if code != ExitVulnFindings {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	golden(t, "vuln/log4j-2.14.1.ndjson", out)
	var log4shell map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f map[string]any
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("not one JSON finding per line: %v: %s", err, line)
		}
		if f["id"] == "GHSA-jfh8-c2jp-5v3q" {
			log4shell = f
		}
	}
	if log4shell == nil || log4shell["kev"] != true || log4shell["name"] != "org.apache.logging.log4j:log4j-core" {
		t.Errorf("Log4Shell finding %v, want it, known exploited", log4shell)
	}

	code, out, stderr = run(t, "", "vuln", "scan", "--osv", osv, "testdata/vuln/log4j-2.17.1.purls")
	if code != ExitVulnClean || !strings.Contains(out, "No known vulnerabilities in 1 components checked") {
		t.Errorf("2.17.1: exit %d, out %q, stderr %q; want 0 and no findings", code, out, stderr)
	}
}

// TestVulnScanUnmatchedAndProblems checks nothing is dropped silently: a component
// outside package ecosystems and one without a version are listed as not checked, a
// line that is not a purl is named, and the rest is still scanned.
func TestVulnScanUnmatchedAndProblems(t *testing.T) {
	osv := filepath.Join(vulnData(t), "osv", "misc")
	code, out, stderr := run(t, "", "vuln", "scan", "--osv", osv, "--format", "json", "testdata/vuln/mixed.purls")
	if code != ExitVulnClean {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	golden(t, "vuln/mixed.json", out)
}

// TestVulnScanErrors checks every failure exits 2 and names the file.
func TestVulnScanErrors(t *testing.T) {
	osv := filepath.Join(vulnData(t), "osv", "misc")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing input", []string{"vuln", "scan", "--osv", osv, "testdata/vuln/nope.purls"}, "nope.purls"},
		{"input not understood", []string{"vuln", "scan", "--osv", osv, "testdata/intel-stats-examples.json"}, "intel-stats-examples.json: JSON that is not CycloneDX"},
		{"missing advisories", []string{"vuln", "scan", "--osv", "testdata/vuln/no-such-db", "testdata/vuln/log4j-2.17.1.purls"}, "no-such-db"},
		{"bad KEV", []string{"vuln", "scan", "--osv", osv, "--kev", "testdata/vuln/mixed.purls", "testdata/vuln/log4j-2.17.1.purls"}, "mixed.purls: not a KEV catalogue"},
		{"bad EPSS", []string{"vuln", "scan", "--osv", osv, "--epss", "testdata/vuln/mixed.purls", "testdata/vuln/log4j-2.17.1.purls"}, "mixed.purls: EPSS"},
		{"bad format", []string{"vuln", "scan", "--osv", osv, "--format", "xml", "testdata/vuln/log4j-2.17.1.purls"}, "format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != ExitVulnError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, stderr, tt.want)
			}
		})
	}
}

// TestVulnScanGoMod scans a real go.mod against the Go advisories (golden output).
func TestVulnScanGoMod(t *testing.T) {
	data := vulnData(t)
	gomod := filepath.Join(data, "sbom", "lockfiles", "go-vulndb-HEAD", "go.mod")
	code, out, stderr := run(t, "", "vuln", "scan", "--osv", filepath.Join(data, "osv", "go"), "--format", "json", gomod)
	if code != ExitVulnClean && code != ExitVulnFindings {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	golden(t, "vuln/go-vulndb-gomod.json", strings.ReplaceAll(out, data, goldenVulnData))
}

func TestVulnDBStats(t *testing.T) {
	code, out, stderr := run(t, "", "vuln", "db", "stats", "--osv", filepath.Join(vulnData(t), "osv", "offline-db"), "--json")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	var st struct {
		Advisories  int            `json:"advisories"`
		ByEcosystem map[string]int `json:"by_ecosystem"`
		Withdrawn   int            `json:"withdrawn"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	// The shared snapshot: 4,291 Go, 2,661 PyPI, 7 Maven, 5 npm records, 27 withdrawn.
	if st.Advisories+st.Withdrawn != 6964 || st.ByEcosystem["Maven"] != 7 || st.ByEcosystem["npm"] != 5 {
		t.Errorf("stats %+v, want the 6,964 records of the shared snapshot", st)
	}
}
