package vex

import (
	"fmt"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vuln"
)

// BenchmarkApply applies a supplier's 2,000 statements to one organisation's 5,000
// findings (1,000 packages × 5 vulnerabilities), half of which the statements cover.
func BenchmarkApply(b *testing.B) {
	var findings []vuln.Finding
	var stmts []vigil.VEXStatement
	for p := range 1000 {
		for v := range 5 {
			id := fmt.Sprintf("GHSA-%04d-%d", p, v)
			findings = append(findings, vuln.Finding{Ecosystem: "npm", Name: fmt.Sprintf("pkg-%d", p), Version: "1.2.3",
				ID: id, Aliases: []string{fmt.Sprintf("CVE-2024-%05d", p*5+v)}})
			if v%2 == 0 && len(stmts) < 2000 {
				stmts = append(stmts, vigil.VEXStatement{Vulnerability: fmt.Sprintf("CVE-2024-%05d", p*5+v), Ecosystem: "npm",
					Name: fmt.Sprintf("pkg-%d", p), Version: "1.2.3", Status: vigil.VEXNotAffected,
					Justification: "vulnerable_code_not_present", Time: time.Unix(int64(p), 0)})
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		out := Apply(findings, stmts)
		if len(out.Suppressed) != 2000 {
			b.Fatalf("%d suppressed", len(out.Suppressed))
		}
	}
}
