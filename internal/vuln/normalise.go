package vuln

import (
	"strings"

	"github.com/vigil-health/vigil/internal/inventory"
)

// normalise returns the name a package is indexed under, so that an inventory's
// spelling finds the advisory's: the inventory package's rules (PyPI by PEP 503, the
// case-blind ecosystems in lower case, the rest as written), and Go's toolchain under
// "stdlib" as OSV files it.
func normalise(ecosystem, name string) string {
	base := baseEcosystem(ecosystem)
	if base == "Go" && (strings.TrimSpace(name) == "go" || strings.TrimSpace(name) == "toolchain") {
		return "stdlib"
	}
	return inventory.Normalise(base, name)
}

// baseEcosystem drops OSV's release suffix ("Debian:11" → "Debian").
func baseEcosystem(ecosystem string) string {
	base, _, _ := strings.Cut(ecosystem, ":")
	return base
}

// PackageKey returns the key advisories and inventories are both indexed under: the
// base ecosystem and the normalised name, so that a stored inventory can be asked which
// organisations run a package an advisory names. A product outside package ecosystems
// has no key worth storing: callers store "" for it.
func PackageKey(ecosystem, name string) string {
	return baseEcosystem(ecosystem) + "\x00" + normalise(ecosystem, name)
}
