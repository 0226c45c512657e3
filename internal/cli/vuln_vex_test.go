package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scanJSON runs vuln scan with --format json and decodes the report.
func scanJSON(t *testing.T, wantCode int, args ...string) (map[string]json.RawMessage, string) {
	t.Helper()
	code, out, stderr := run(t, "", append([]string{"vuln", "scan", "--format", "json"}, args...)...)
	if code != wantCode {
		t.Fatalf("exit %d, want %d; stderr: %s", code, wantCode, stderr)
	}
	var rep map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	return rep, out
}

type idAndReason struct {
	ID        string `json:"id"`
	VEXStatus string `json:"vex_status"`
	Reason    string `json:"vex_reason"`
}

// TestVulnScanVEX applies a supplier's OpenVEX to log4j-core 2.14.1 against the real OSV
// records: the statement on CVE-2021-44228 suppresses the GHSA finding (aliases
// honoured), an unversioned fixed statement closes CVE-2021-45046's, a statement for
// 2.17.1 covers nothing here, and a not_affected with no reason is named as unusable and
// leaves its finding open.
func TestVulnScanVEX(t *testing.T) {
	osv := filepath.Join(vulnData(t), "osv", "offline-db")
	rep, out := scanJSON(t, ExitVulnFindings, "--osv", osv, "--vex", "testdata/vuln/log4j.openvex.json", "testdata/vuln/log4j-2.14.1.purls")
	golden(t, "vuln/log4j-vex.json", out)
	var open, suppressed []idAndReason
	_ = json.Unmarshal(rep["findings"], &open)
	_ = json.Unmarshal(rep["suppressed"], &suppressed)
	got := map[string]string{}
	for _, s := range suppressed {
		got[s.ID] = s.VEXStatus
	}
	if len(got) != 2 || got["GHSA-jfh8-c2jp-5v3q"] != "not_affected" || got["GHSA-7rjr-3q55-vv33"] != "fixed" {
		t.Errorf("suppressed %+v, want Log4Shell not affected and CVE-2021-45046 fixed", suppressed)
	}
	if len(open) != 2 {
		t.Errorf("open %+v, want the two findings no usable statement covers", open)
	}
	if !strings.Contains(string(rep["vex_problems"]), `"line": 25`) {
		t.Errorf("vex_problems %s, want the statement without a justification named at line 25", rep["vex_problems"])
	}

	code, table, _ := run(t, "", "vuln", "scan", "--osv", osv, "--vex", "testdata/vuln/log4j.openvex.json", "testdata/vuln/log4j-2.14.1.purls")
	if code != ExitVulnFindings || !strings.Contains(table, "2 findings suppressed by VEX statements:") ||
		!strings.Contains(table, "GHSA-jfh8-c2jp-5v3q: not affected: the vulnerable code is never run") {
		t.Errorf("table (exit %d) does not list the suppressed findings with their reasons:\n%s", code, table)
	}
}

// TestVulnScanProducts checks a care home's product list: the Kaspersky product is a
// product of concern by default and not with --no-policy; the FortiGate is found by an
// analyst's sector advisory; Windows is checked and clean.
func TestVulnScanProducts(t *testing.T) {
	osv := filepath.Join(vulnData(t), "osv", "misc")
	_, out := scanJSON(t, ExitVulnFindings, "--osv", osv, "--advisories", "testdata/vuln/sector-advisories.json", "testdata/vuln/care-home.csv")
	golden(t, "vuln/care-home.json", out)
	for _, want := range []string{`"id": "VIGIL-POLICY-KASPERSKY"`, `"kind": "policy"`, `"id": "SECTOR-2026-0007"`, `"fixed": [
        "7.2.7"`, `"checked": 3`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s", want)
		}
	}

	code, table, _ := run(t, "", "vuln", "scan", "--osv", osv, "testdata/vuln/care-home.csv")
	if code != ExitVulnFindings || !strings.Contains(table, "1 products of concern (policy products-of-concern") ||
		!strings.Contains(table, "Review the risk of using this product per national guidance") {
		t.Errorf("table (exit %d) does not report the product of concern with what to do:\n%s", code, table)
	}

	rep, _ := scanJSON(t, ExitVulnClean, "--osv", osv, "--no-policy", "testdata/vuln/care-home.csv")
	if !strings.Contains(string(rep["unmatched"]), "no sector advisories loaded") || string(rep["findings"]) != "[]" {
		t.Errorf("--no-policy: findings %s, unmatched %s; want none, and the products listed as not checked", rep["findings"], rep["unmatched"])
	}
}

// TestVulnScanVEXAndAdvisoryErrors checks unreadable VEX and advisory files exit 2 and
// name the file, the line and what to change.
func TestVulnScanVEXAndAdvisoryErrors(t *testing.T) {
	osv := filepath.Join(vulnData(t), "osv", "misc")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing VEX", []string{"--vex", "testdata/vuln/nope.vex.json"}, "nope.vex.json"},
		{"not VEX", []string{"--vex", "testdata/vuln/mixed.json"}, "mixed.json: not a VEX document"},
		{"bad advisory", []string{"--advisories", "testdata/vuln/bad-advisories.json"}, `bad-advisories.json: advisories[0] (line 2): invalid: versions[0].fixed: "next" is not a version`},
		{"advisories not JSON", []string{"--advisories", "testdata/vuln/mixed.purls"}, "mixed.purls: line 1: not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"vuln", "scan", "--osv", osv}, tt.args...)
			code, _, stderr := run(t, "", append(args, "testdata/vuln/log4j-2.17.1.purls")...)
			if code != ExitVulnError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// TestVulnVEXConvert writes a supplier's OpenVEX as CycloneDX and back: the usable
// statements survive both ways, the unusable one is named on stderr.
func TestVulnVEXConvert(t *testing.T) {
	code, cdx, stderr := run(t, "", "vuln", "vex", "convert", "--to", "cyclonedx", "--author", "Example Care Plans Ltd", "testdata/vuln/log4j.openvex.json")
	if code != ExitOK || !strings.Contains(cdx, `"bomFormat": "CycloneDX"`) || !strings.Contains(stderr, "statements[3].products[0] (line 25)") {
		t.Fatalf("exit %d, stderr %q, out:\n%s", code, stderr, cdx)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.cdx.json")
	if err := os.WriteFile(path, []byte(cdx), 0o644); err != nil {
		t.Fatal(err)
	}
	code, ov, stderr := run(t, "", "vuln", "vex", "convert", "--to", "openvex", path)
	if code != ExitOK || strings.Count(ov, `"status"`) != 3 || !strings.Contains(ov, `"justification": "vulnerable_code_not_in_execute_path"`) {
		t.Errorf("exit %d, stderr %q, out:\n%s", code, stderr, ov)
	}
	if code, _, stderr := run(t, "", "vuln", "vex", "convert", "--to", "openvex", "testdata/vuln/mixed.purls"); code != ExitVulnError || !strings.Contains(stderr, "mixed.purls") {
		t.Errorf("a file that is not VEX: exit %d, stderr %q", code, stderr)
	}
}
