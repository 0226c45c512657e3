package vuln

import (
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// parseVersion reads a version with its ecosystem's ordering rules (osv-scalibr's
// semantic package, the ordering osv-scanner uses). It fails for an ecosystem semantic
// does not order and for a version the ecosystem rejects.
func parseVersion(ecosystem, version string) (semantic.Version, error) {
	return semantic.Parse(cleanVersion(ecosystem, version), ecosystem)
}

// cleanVersion removes spellings OSV does not use: Go's "v" prefix on module versions
// and "go" on toolchain versions ("go1.21.3" → "1.21.3").
func cleanVersion(ecosystem, version string) string {
	if baseEcosystem(ecosystem) == "Go" {
		version = strings.TrimPrefix(version, "go")
		version = strings.TrimPrefix(version, "v")
	}
	return version
}

// CompareVersions orders two versions of one ecosystem: -1, 0 or +1. ok is false when
// either cannot be read in that ecosystem.
func CompareVersions(ecosystem, a, b string) (cmp int, ok bool) {
	va, err := parseVersion(ecosystem, a)
	if err != nil {
		return 0, false
	}
	c, err := va.CompareStr(cleanVersion(ecosystem, b))
	if err != nil {
		return 0, false
	}
	return c, true
}
