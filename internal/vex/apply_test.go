package vex

import (
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vuln"
)

func log4jFinding(version string) vuln.Finding {
	return vuln.Finding{Input: "trust.cdx.json", Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core",
		Version: version, ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"}}
}

// statement is a statement about a purl, read the way the parsers read it.
func statement(t *testing.T, vulnID, purl string, status vigil.VEXStatus, justification string, at time.Time) vigil.VEXStatement {
	t.Helper()
	s, err := withPURL(vigil.VEXStatement{Vulnerability: vulnID, Status: status, Justification: justification, Time: at, Source: "supplier.vex.json", Location: "statements[0]"}, purl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	may  = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	june = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
)

// TestApply is the rule for applying statements, case by case: which findings stay open,
// which are suppressed or fixed, and which statements covered nothing.
func TestApply(t *testing.T) {
	const log4j = "pkg:maven/org.apache.logging.log4j/log4j-core"
	goFinding := vuln.Finding{Ecosystem: "Go", Name: "golang.org/x/net", Version: "0.7.0", ID: "GO-2023-1571", Aliases: []string{"CVE-2022-41723"}}
	pyFinding := vuln.Finding{Ecosystem: "PyPI", Name: "Django_REST.framework", Version: "3.11.0", ID: "PYSEC-2020-1", Aliases: nil}
	vpn := vuln.Finding{Vendor: "Example Networks", Name: "SecureGate VPN", Version: "9.1.3", ID: "SECTOR-2024-0003", Kind: "sector"}
	tests := []struct {
		name       string
		findings   []vuln.Finding
		statements []vigil.VEXStatement
		open       int
		suppressed []vigil.VEXStatus
		unused     int
	}{
		{"a statement on the CVE covers the GHSA finding of that version only",
			[]vuln.Finding{log4jFinding("2.14.1"), log4jFinding("2.17.1")},
			[]vigil.VEXStatement{statement(t, "CVE-2021-44228", log4j+"@2.14.1", vigil.VEXNotAffected, "vulnerable_code_not_in_execute_path", may)},
			1, []vigil.VEXStatus{vigil.VEXNotAffected}, 0},
		{"without a version, every version",
			[]vuln.Finding{log4jFinding("2.14.1"), log4jFinding("2.15.0")},
			[]vigil.VEXStatement{statement(t, "cve-2021-44228", log4j, vigil.VEXFixed, "", may)},
			0, []vigil.VEXStatus{vigil.VEXFixed, vigil.VEXFixed}, 0},
		{"under investigation leaves it open",
			[]vuln.Finding{log4jFinding("2.14.1")},
			[]vigil.VEXStatement{statement(t, "GHSA-jfh8-c2jp-5v3q", log4j, vigil.VEXUnderInvestigation, "", may)},
			1, nil, 0},
		{"a later affected reopens an earlier not_affected",
			[]vuln.Finding{log4jFinding("2.14.1")},
			[]vigil.VEXStatement{statement(t, "CVE-2021-44228", log4j, vigil.VEXAffected, "", june), statement(t, "CVE-2021-44228", log4j, vigil.VEXNotAffected, "code_not_reachable", may)},
			1, nil, 0},
		{"at the same time, the statement naming the version wins",
			[]vuln.Finding{log4jFinding("2.14.1")},
			[]vigil.VEXStatement{statement(t, "CVE-2021-44228", log4j+"@2.14.1", vigil.VEXFixed, "", may), statement(t, "CVE-2021-44228", log4j, vigil.VEXAffected, "", may)},
			0, []vigil.VEXStatus{vigil.VEXFixed}, 0},
		{"not affected without a reason does not suppress",
			[]vuln.Finding{log4jFinding("2.14.1")},
			[]vigil.VEXStatement{{Vulnerability: "CVE-2021-44228", Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Status: vigil.VEXNotAffected}},
			1, nil, 0},
		{"another vulnerability or package is not covered",
			[]vuln.Finding{log4jFinding("2.14.1")},
			[]vigil.VEXStatement{statement(t, "CVE-2021-45046", log4j, vigil.VEXFixed, "", may), statement(t, "CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-api", vigil.VEXFixed, "", may), statement(t, "CVE-2021-44228", "pkg:npm/log4j-core", vigil.VEXFixed, "", may)},
			1, nil, 3},
		{"the statement's own aliases count: GHSA with CVE alias covers the GO finding on that CVE",
			[]vuln.Finding{goFinding},
			[]vigil.VEXStatement{func() vigil.VEXStatement {
				s := statement(t, "GHSA-qppj-fm5r-hxr3", "pkg:golang/golang.org/x/net", vigil.VEXFixed, "", may)
				s.Aliases = []string{"CVE-2022-41723"}
				return s
			}()},
			0, []vigil.VEXStatus{vigil.VEXFixed}, 0},
		{"Go versions with and without v are one",
			[]vuln.Finding{goFinding},
			[]vigil.VEXStatement{statement(t, "CVE-2022-41723", "pkg:golang/golang.org/x/net@v0.7.0", vigil.VEXNotAffected, "vulnerable_code_not_present", may)},
			0, []vigil.VEXStatus{vigil.VEXNotAffected}, 0},
		{"PyPI names are compared as PEP 503 writes them",
			[]vuln.Finding{pyFinding},
			[]vigil.VEXStatement{statement(t, "PYSEC-2020-1", "pkg:pypi/django-rest-framework@3.11.0", vigil.VEXFixed, "", may)},
			0, []vigil.VEXStatus{vigil.VEXFixed}, 0},
		{"a product outside package ecosystems by vendor, name and version",
			[]vuln.Finding{vpn},
			[]vigil.VEXStatement{{Vulnerability: "SECTOR-2024-0003", Vendor: "example networks", Name: "SecureGate  VPN", Version: "9.1.3.0", Status: vigil.VEXNotAffected, Justification: "false_positive"}},
			0, []vigil.VEXStatus{vigil.VEXNotAffected}, 0},
		{"a package statement does not cover a product",
			[]vuln.Finding{vpn},
			[]vigil.VEXStatement{statement(t, "SECTOR-2024-0003", "pkg:npm/securegate-vpn", vigil.VEXFixed, "", may)},
			1, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Apply(tt.findings, tt.statements)
			var got []vigil.VEXStatus
			for _, s := range out.Suppressed {
				got = append(got, s.VEXStatus)
				if s.Reason == "" {
					t.Errorf("suppressed %s with no reason", s.ID)
				}
			}
			if len(out.Open) != tt.open || len(got) != len(tt.suppressed) || len(out.Unused) != tt.unused {
				t.Fatalf("open %d, suppressed %v, unused %d; want %d, %v, %d", len(out.Open), got, len(out.Unused), tt.open, tt.suppressed, tt.unused)
			}
			for i := range got {
				if got[i] != tt.suppressed[i] {
					t.Errorf("suppressed[%d] %s, want %s", i, got[i], tt.suppressed[i])
				}
			}
		})
	}
}

// TestReason checks the reason says why in plain words, with the justification and on
// whose statement.
func TestReason(t *testing.T) {
	s := statement(t, "CVE-2021-44228", "pkg:maven/a/b@1", vigil.VEXNotAffected, "vulnerable_code_not_in_execute_path", may)
	s.Note = "JNDI lookups removed"
	got := Reason(s)
	for _, want := range []string{"not affected: the vulnerable code is never run (vulnerable_code_not_in_execute_path)", "JNDI lookups removed", "[supplier.vex.json statements[0], 2024-05-01]"} {
		if !strings.Contains(got, want) {
			t.Errorf("reason %q lacks %q", got, want)
		}
	}
}
