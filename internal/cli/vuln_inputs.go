package cli

// A stop-gap reader of inventories for `vigil vuln scan`: purl lists and go.mod only,
// until the inventory package (CycloneDX, SPDX, osquery, lockfiles, CSV) replaces this
// file. Keep it small; do not grow it into a second inventory parser.

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil-health/vigil"
)

// ReadInputs reads inventory files into components; problems are parts of a file that
// could not be understood (the rest is kept); err is a file that cannot be read or
// understood at all.
type ReadInputs func(paths []string) ([]vigil.Component, []vigil.InventoryProblem, error)

// defaultReadInputs is the reader scan uses.
func defaultReadInputs() ReadInputs { return readPurlsAndGoMod }

func readPurlsAndGoMod(paths []string) ([]vigil.Component, []vigil.InventoryProblem, error) {
	var comps []vigil.Component
	var problems []vigil.InventoryProblem
	for _, p := range paths {
		read := readPurlList
		if filepath.Base(p) == "go.mod" {
			read = readGoMod
		}
		c, pr, err := readLines(p, read)
		if err != nil {
			return nil, nil, err
		}
		comps, problems = append(comps, c...), append(problems, pr...)
	}
	return comps, problems, nil
}

// lineReader turns one line of a file into components or a problem.
type lineReader func(st *lineState, line string) (*vigil.Component, string)

// lineState carries what a reader needs across lines (go.mod's require blocks).
type lineState struct{ inRequire bool }

func readLines(path string, read lineReader) ([]vigil.Component, []vigil.InventoryProblem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	var comps []vigil.Component
	var problems []vigil.InventoryProblem
	var st lineState
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		c, reason := read(&st, sc.Text())
		loc := fmt.Sprintf("line %d", n)
		if reason != "" {
			problems = append(problems, vigil.InventoryProblem{Source: path, Location: loc, Reason: reason})
		}
		if c != nil {
			c.Source, c.Location = path, loc
			comps = append(comps, *c)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(comps) == 0 && len(problems) > 0 {
		return nil, nil, fmt.Errorf("%s: not understood as a purl list or go.mod (%s: %s); vuln scan reads only those until the inventory readers land",
			path, problems[0].Location, problems[0].Reason)
	}
	return comps, problems, nil
}

// readPurlList reads one package URL per line; blank lines and # comments are skipped.
func readPurlList(_ *lineState, line string) (*vigil.Component, string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil, ""
	}
	c, err := componentFromPURL(line)
	if err != nil {
		return nil, err.Error()
	}
	return &c, ""
}

// purlEcosystems maps purl types to OSV ecosystems.
var purlEcosystems = map[string]string{
	"maven": "Maven", "npm": "npm", "pypi": "PyPI", "golang": "Go", "cargo": "crates.io",
	"gem": "RubyGems", "nuget": "NuGet", "composer": "Packagist", "pub": "Pub", "hex": "Hex",
	"deb": "Debian", "apk": "Alpine", "cran": "CRAN", "hackage": "Hackage",
}

// componentFromPURL reads pkg:type/namespace/name@version. A type with no OSV ecosystem
// gives a component without one, which matching lists as unmatched.
func componentFromPURL(s string) (vigil.Component, error) {
	rest, ok := strings.CutPrefix(s, "pkg:")
	if !ok {
		return vigil.Component{}, fmt.Errorf("%q is not a package URL (pkg:type/name@version)", s)
	}
	rest, _, _ = strings.Cut(rest, "#")
	rest, _, _ = strings.Cut(rest, "?")
	typ, path, ok := strings.Cut(strings.TrimLeft(rest, "/"), "/")
	path, version, _ := strings.Cut(path, "@")
	if !ok || path == "" {
		return vigil.Component{}, fmt.Errorf("%q has no type and name", s)
	}
	version, err := url.PathUnescape(version)
	if err != nil {
		return vigil.Component{}, fmt.Errorf("%q: version: %v", s, err)
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, seg := range segs {
		if segs[i], err = url.PathUnescape(seg); err != nil {
			return vigil.Component{}, fmt.Errorf("%q: name: %v", s, err)
		}
	}
	typ = strings.ToLower(typ)
	name := strings.Join(segs, "/")
	if typ == "maven" {
		name = strings.Join(segs, ":")
	}
	return vigil.Component{Ecosystem: purlEcosystems[typ], Name: name, Version: version, PURL: s}, nil
}

// readGoMod reads module requirements and the toolchain line (Go's standard library at
// that version). The go line is only a minimum language version, so it is not read as
// the standard library in use; replace and exclude directives are not applied.
func readGoMod(st *lineState, line string) (*vigil.Component, string) {
	line, _, _ = strings.Cut(line, "//")
	f := strings.Fields(line)
	switch {
	case len(f) == 0, f[0] == "module", f[0] == "go":
		return nil, ""
	case st.inRequire && f[0] == ")":
		st.inRequire = false
		return nil, ""
	case f[0] == "require" && len(f) == 2 && f[1] == "(":
		st.inRequire = true
		return nil, ""
	case f[0] == "require" && len(f) == 3:
		return &vigil.Component{Ecosystem: "Go", Name: f[1], Version: f[2]}, ""
	case st.inRequire && len(f) == 2:
		return &vigil.Component{Ecosystem: "Go", Name: f[0], Version: f[1]}, ""
	case f[0] == "toolchain" && len(f) == 2:
		return &vigil.Component{Ecosystem: "Go", Name: "stdlib", Version: f[1]}, ""
	case st.inRequire:
		return nil, "require line is not 'module version'"
	}
	return nil, "" // replace, exclude, retract, godebug: not needed to list what is required
}
