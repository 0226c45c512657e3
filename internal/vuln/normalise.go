package vuln

import "strings"

// normalise returns the name a package is indexed under, so that an inventory's
// spelling finds the advisory's: PyPI names follow PEP 503 (lower case, runs of "-",
// "_" and "." become one "-"); Maven keeps OSV's "group:artifact" as written; npm keeps
// its "@scope/" prefix. It is a stop-gap until the inventory package's Normalise is
// wired in, and must stay equivalent to it.
func normalise(ecosystem, name string) string {
	name = strings.TrimSpace(name)
	switch baseEcosystem(ecosystem) {
	case "PyPI":
		return pep503(name)
	case "Go":
		if name == "go" || name == "toolchain" {
			return "stdlib"
		}
	}
	return name
}

// pep503 is PyPI's name normalisation: re.sub(r"[-_.]+", "-", name).lower().
func pep503(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			dash = true
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	if dash {
		b.WriteByte('-')
	}
	return b.String()
}

// baseEcosystem drops OSV's release suffix ("Debian:11" → "Debian").
func baseEcosystem(ecosystem string) string {
	base, _, _ := strings.Cut(ecosystem, ":")
	return base
}
