package inventory

import (
	"regexp"
	"strings"
)

// purlEcosystems maps a purl type to the OSV ecosystem whose advisories name its
// packages. Distribution packages (deb, apk, rpm) depend on the namespace too.
var purlEcosystems = map[string]string{
	"golang":   "Go",
	"pypi":     "PyPI",
	"npm":      "npm",
	"maven":    "Maven",
	"nuget":    "NuGet",
	"gem":      "RubyGems",
	"composer": "Packagist",
	"cargo":    "crates.io",
	"pub":      "Pub",
	"hex":      "Hex",
	"hackage":  "Hackage",
	"cran":     "CRAN",
	"swift":    "SwiftURL",
	"bitnami":  "Bitnami",
	"conan":    "ConanCenter",
}

// distroEcosystems maps a distribution purl's namespace to its OSV ecosystem.
var distroEcosystems = map[string]map[string]string{
	"deb": {"debian": "Debian", "ubuntu": "Ubuntu"},
	"apk": {"alpine": "Alpine", "wolfi": "Wolfi", "chainguard": "Chainguard"},
	"rpm": {"redhat": "Red Hat", "rocky-linux": "Rocky Linux", "almalinux": "AlmaLinux",
		"opensuse": "openSUSE", "suse": "SUSE", "mageia": "Mageia", "openeuler": "openEuler"},
}

// EcosystemOfPURLType returns the OSV ecosystem of packages of a purl type, with the
// namespace deciding for distribution packages ("deb" + "debian" → "Debian"); "" when
// OSV has no such ecosystem.
func EcosystemOfPURLType(purlType, namespace string) string {
	purlType = strings.ToLower(purlType)
	if m, ok := distroEcosystems[purlType]; ok {
		return m[strings.ToLower(namespace)]
	}
	return purlEcosystems[purlType]
}

// ecosystemName is the package name as OSV writes it for the purl's ecosystem: Maven
// "group:artifact", npm "@scope/name", Go and Packagist "namespace/name", and the bare
// name for the rest (a distribution's namespace is the distribution, not part of the name).
func ecosystemName(p PURL, ecosystem string) string {
	switch {
	case p.Namespace == "":
		return p.Name
	case ecosystem == "Maven":
		return p.Namespace + ":" + p.Name
	case ecosystem == "Go", ecosystem == "npm", ecosystem == "Packagist", ecosystem == "SwiftURL":
		return p.Namespace + "/" + p.Name
	}
	return p.Name
}

var pep503Re = regexp.MustCompile(`[-_.]+`)

// pep503 is PyPI's normalised project name: lowercase, runs of '-', '_' and '.' as one '-'.
func pep503(name string) string { return pep503Re.ReplaceAllString(strings.ToLower(name), "-") }

// Normalise returns the name under which OSV files a package of the ecosystem, so that
// an inventory's spelling and an advisory's meet: PyPI names by PEP 503
// ("Django_Package" → "django-package"), and lower case where the registry ignores case
// (NuGet, Packagist, Pub, Hex, crates.io); Maven, npm, Go, RubyGems and distribution
// packages are case-sensitive and kept as written, trimmed of spaces.
func Normalise(ecosystem, name string) string {
	name = strings.TrimSpace(name)
	switch ecosystem {
	case "PyPI":
		return pep503(name)
	case "NuGet", "Packagist", "Pub", "Hex", "crates.io":
		return strings.ToLower(name)
	}
	return name
}
