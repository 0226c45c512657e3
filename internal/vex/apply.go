package vex

import (
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/vuln"
)

// Suppressed is a finding a VEX statement took off the open list: not affected, with the
// reason, or fixed. It is kept, so whoever reads the report sees what was suppressed and
// on whose word.
type Suppressed struct {
	vuln.Finding
	// VEXStatus is the statement's status: not_affected or fixed.
	VEXStatus vigil.VEXStatus `json:"vex_status"`
	// Justification is the statement's justification as written, when it gives one.
	Justification string `json:"vex_justification,omitempty"`
	// Reason says in plain words why the finding is suppressed and on whose statement.
	Reason string `json:"vex_reason"`
	// Statement is the statement that decided it.
	Statement vigil.VEXStatement `json:"-"`
}

// Outcome is what applying statements to findings gives.
type Outcome struct {
	// Open are the findings no statement closed, in the order given.
	Open []vuln.Finding
	// Suppressed are the findings a statement closed, in the order given.
	Suppressed []Suppressed
	// Unused are the statements that covered no finding (another product or version, or
	// a vulnerability none of the findings is), in the order given.
	Unused []vigil.VEXStatement
}

// Apply decides each finding by the statements that cover it: the statement names one of
// its IDs or aliases (a statement on the CVE covers the GHSA finding) and its product is
// the finding's component (same ecosystem and name, and the same version when the
// statement gives one; without one, every version). Of several, the latest wins; at the
// same time, one naming a version beats one that does not, then the later in the list.
// A winning not_affected with a justification or impact statement suppresses the
// finding; fixed closes it; affected and under_investigation leave it open.
func Apply(findings []vuln.Finding, statements []vigil.VEXStatement) Outcome {
	byID := map[string][]int{}
	for i, s := range statements {
		for _, id := range append([]string{s.Vulnerability}, s.Aliases...) {
			k := strings.ToUpper(strings.TrimSpace(id))
			if n := len(byID[k]); n == 0 || byID[k][n-1] != i {
				byID[k] = append(byID[k], i)
			}
		}
	}
	used := make([]bool, len(statements))
	var out Outcome
	for _, f := range findings {
		best := -1
		for _, i := range candidates(byID, f) {
			if !covers(statements[i], f) {
				continue
			}
			used[i] = true
			if best < 0 || wins(statements[i], statements[best]) {
				best = i
			}
		}
		if best < 0 || !statements[best].Closes() {
			out.Open = append(out.Open, f)
			continue
		}
		out.Suppressed = append(out.Suppressed, suppress(f, statements[best]))
	}
	for i, s := range statements {
		if !used[i] {
			out.Unused = append(out.Unused, s)
		}
	}
	return out
}

// candidates are the statements naming any of the finding's IDs, each once, in order.
func candidates(byID map[string][]int, f vuln.Finding) []int {
	seen := map[int]bool{}
	var out []int
	for _, id := range f.IDs() {
		for _, i := range byID[strings.ToUpper(strings.TrimSpace(id))] {
			if !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	slices.Sort(out)
	return out
}

// wins says statement a decides over b, which comes earlier in the list.
func wins(a, b vigil.VEXStatement) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	if (a.Version != "") != (b.Version != "") {
		return a.Version != ""
	}
	return true
}

// covers says the statement is about the finding's vulnerability and component.
func covers(s vigil.VEXStatement, f vuln.Finding) bool {
	if !s.Names(f.IDs()) {
		return false
	}
	if s.Ecosystem != "" {
		eco := baseEcosystem(s.Ecosystem)
		return eco == baseEcosystem(f.Ecosystem) &&
			inventory.Normalise(eco, s.Name) == inventory.Normalise(eco, f.Name) &&
			(s.Version == "" || samePackageVersion(f.Ecosystem, s.Version, f.Version))
	}
	return f.Ecosystem == "" &&
		vigil.NormaliseProductName(s.Name) == vigil.NormaliseProductName(f.Name) &&
		(s.Vendor == "" || f.Vendor == "" || vigil.NormaliseProductName(s.Vendor) == vigil.NormaliseProductName(f.Vendor)) &&
		(s.Version == "" || s.Version == f.Version || vigil.CompareProductVersions(s.Version, f.Version) == 0 && productVersion(s.Version))
}

// baseEcosystem drops a release ("Debian:11" → "Debian").
func baseEcosystem(e string) string {
	base, _, _ := strings.Cut(e, ":")
	return base
}

// samePackageVersion compares versions by the ecosystem's ordering (Go's v1.2.3 is
// 1.2.3), and as written when the ecosystem cannot read them.
func samePackageVersion(ecosystem, a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == b {
		return true // the common case, without parsing
	}
	if c, ok := vuln.CompareVersions(ecosystem, a, b); ok {
		return c == 0
	}
	return false
}

func productVersion(s string) bool {
	_, err := vigil.ParseProductVersion(s)
	return err == nil
}
