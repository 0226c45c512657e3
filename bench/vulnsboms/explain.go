package main

import (
	"regexp"
	"strings"

	"github.com/vigil-health/vigil/internal/vuln"
)

// The differences between vigil and osv-scanner v2.6.0 that come from osv-scanner's
// matcher (osv-scalibr enricher/vulnmatch), checked against the records themselves.
const (
	// rangeAffectsVersion returns false at the first range that is not ECOSYSTEM or
	// SEMVER, so an ECOSYSTEM range listed after a GIT range is never read; only the
	// versions list can then match. OSV's rules apply every range.
	reasonGitFirst = "osv-scanner stops at a GIT range listed before the ECOSYSTEM range; the version is inside the ECOSYSTEM range but not in the versions list"
	// osv-scanner rebuilds a Go module's name from the CycloneDX purl, whose namespace
	// its purl parser lower-cases, so a module path with capitals never matches.
	reasonGoCase = "Go module path with capital letters: osv-scanner rebuilds the name from the lower-cased purl namespace and misses the advisory"
	// osv-scanner normalises the inventory's PyPI name (PEP 503) but compares it with
	// the record's name as written, so "jw.util" or "Django" in a record never matches.
	reasonPyPIName = "PyPI record names the package un-normalised (\"jw.util\"): osv-scanner compares it with the PEP 503 form (\"jw-util\") and misses it"
)

// explainer looks up the records behind a finding vigil alone reported.
type explainer struct{ byID map[string]vuln.Advisory }

func newExplainer(path string) (*explainer, error) {
	e := &explainer{byID: map[string]vuln.Advisory{}}
	if path == "" {
		return e, nil
	}
	advisories, _, err := vuln.ReadAdvisories(path)
	if err != nil {
		return nil, err
	}
	for _, a := range advisories {
		e.byID[a.ID] = a
	}
	return e, nil
}

// all sorts vigil-only findings into explained (counted per reason) and not.
func (e *explainer) all(onlyVigil []string, findings map[string]finding) (map[string]int, []string) {
	reasons := map[string]int{}
	var unexplained []string
	for _, k := range onlyVigil {
		if r := e.reason(findings[k]); r != "" {
			reasons[r]++
		} else {
			unexplained = append(unexplained, k)
		}
	}
	return reasons, unexplained
}

func (e *explainer) reason(f finding) string {
	if f.ecosystem == "Go" && f.name != strings.ToLower(f.name) {
		return reasonGoCase
	}
	for _, id := range f.ids {
		a, ok := e.byID[id]
		if !ok {
			continue
		}
		for _, af := range a.Affected {
			if !strings.EqualFold(af.Package.Name, f.name) {
				continue
			}
			if af.Package.Ecosystem == "PyPI" && af.Package.Name != pep503(af.Package.Name) {
				return reasonPyPIName
			}
			if gitRangeFirst(af) && !inVersions(af.Versions, f.version) {
				return reasonGitFirst
			}
		}
	}
	return ""
}

func gitRangeFirst(af vuln.Affected) bool {
	return len(af.Ranges) > 1 && af.Ranges[0].Type == "GIT"
}

func inVersions(versions []string, v string) bool {
	for _, x := range versions {
		if strings.TrimPrefix(x, "v") == strings.TrimPrefix(v, "v") {
			return true
		}
	}
	return false
}

var pep503Separators = regexp.MustCompile(`[-_.]+`)

func pep503(name string) string {
	return strings.ToLower(pep503Separators.ReplaceAllString(name, "-"))
}
