package inventory

import (
	"strings"

	"github.com/vigil-health/vigil"
)

// componentFromPURL places a package URL in its OSV ecosystem. A purl of a type OSV has
// no ecosystem for (generic, github) is kept with an empty Ecosystem, never dropped.
func componentFromPURL(s string) (vigil.Component, error) {
	p, err := ParsePURL(strings.TrimSpace(s))
	if err != nil {
		return vigil.Component{}, err
	}
	eco := EcosystemOfPURLType(p.Type, p.Namespace)
	c := vigil.Component{
		Ecosystem: eco,
		Name:      ecosystemName(p, eco),
		Version:   osvVersion(eco, p.Version),
		PURL:      p.String(),
	}
	if eco == "" {
		c.Vendor, c.Product = p.Namespace, p.Name
	}
	if eco == "Debian" || eco == "Ubuntu" {
		c.SourcePackage = debianSource(p.Qualifiers["upstream"])
	}
	return c, nil
}

// osvVersion writes a version as OSV's records do: Go versions without their "v"
// (v1.2.3 → 1.2.3), as osv-scanner's Go extractors write them; others unchanged.
func osvVersion(ecosystem, version string) string {
	version = strings.TrimSpace(version)
	if ecosystem == "Go" {
		return strings.TrimPrefix(version, "v")
	}
	return version
}

// purlTypes is the purl type of each package ecosystem a lockfile names.
var purlTypes = map[string]string{
	"Go": "golang", "PyPI": "pypi", "npm": "npm", "Maven": "maven", "Packagist": "composer",
}

// packageComponent is a component of a package ecosystem named as OSV names it, with
// the purl built from it.
func packageComponent(ecosystem, name, version, location string) vigil.Component {
	c := vigil.Component{Ecosystem: ecosystem, Name: name, Version: osvVersion(ecosystem, version), Location: location}
	c.PURL = buildPURL(ecosystem, name, version)
	return c
}

// buildPURL writes the package URL of an ecosystem's package, or "" when it cannot.
func buildPURL(ecosystem, name, version string) string {
	typ, ok := purlTypes[ecosystem]
	if !ok || name == "" {
		return ""
	}
	p := PURL{Type: typ, Name: name, Version: version}
	switch ecosystem {
	case "Maven":
		p.Namespace, p.Name, _ = strings.Cut(name, ":")
	case "Go", "npm", "Packagist":
		if i := strings.LastIndex(name, "/"); i > 0 {
			p.Namespace, p.Name = name[:i], name[i+1:]
		}
	}
	if ecosystem == "Go" && version != "" && !strings.HasPrefix(version, "v") {
		p.Version = "v" + version
	}
	return purlString(p)
}

// debianSource is a Debian source package name without the version osquery and dpkg
// sometimes add ("openssl (3.0.11-1)" → "openssl").
func debianSource(s string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return name
}

// ComponentOfPURL is the component a package URL names, placed in its OSV ecosystem and
// named as OSV names it (Maven "group:artifact"); a purl of a type OSV has no ecosystem
// for is placed in none, with its namespace as vendor. VEX statements name products this way.
func ComponentOfPURL(s string) (vigil.Component, error) { return componentFromPURL(s) }

// PackageURL writes the package URL of a package of an ecosystem lockfiles name (Go, PyPI,
// npm, Maven, Packagist), or "" for other ecosystems.
func PackageURL(ecosystem, name, version string) string { return buildPURL(ecosystem, name, version) }
