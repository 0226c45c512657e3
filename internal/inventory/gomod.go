package inventory

import (
	"cmp"

	"github.com/vigil-health/vigil"
	"strings"
)

// goModule is one module a go.mod requires, with where it was written.
type goModule struct {
	path, version string
	line          int
}

// parseGoMod reads the modules a go.mod requires, applies its replace directives, and
// adds Go's standard library ("stdlib") at the toolchain's version (or the go line's when
// there is no toolchain line), as OSV's Go ecosystem files standard-library advisories.
func parseGoMod(inv *Inventory, data []byte) error {
	var mods []goModule
	replaces := map[string]goModule{} // "path" or "path@version" → replacement
	goVersion, toolchain, stdlibLine := "", "", 0
	block := ""
	eachLine(data, func(n int, raw string) {
		line := strings.TrimSpace(stripGoComment(raw))
		if line == "" {
			return
		}
		if line == ")" {
			block = ""
			return
		}
		verb, rest := line, ""
		if block != "" {
			verb, rest = block, line
		} else if v, r, ok := strings.Cut(line, " "); ok {
			verb, rest = v, strings.TrimSpace(r)
		}
		if rest == "(" {
			block = verb
			return
		}
		switch verb {
		case "go":
			goVersion, stdlibLine = rest, n
		case "toolchain":
			// "go1.22.3" or a custom build's "go1.22.3-corp": the release is the version.
			v, _, _ := strings.Cut(strings.TrimPrefix(rest, "go"), "-")
			toolchain, stdlibLine = v, n
		case "require":
			if m, ok := goRequire(rest, n); ok {
				mods = append(mods, m)
			} else {
				inv.addProblem(lineLoc(n), "require %q: expected a module path and version", rest)
			}
		case "replace":
			inv.goReplace(rest, n, replaces)
		}
	})
	for _, m := range mods {
		inv.add(goComponent(m, replaces))
	}
	if v := cmp.Or(toolchain, goVersion); v != "" {
		c := packageComponent("Go", "stdlib", v, lineLoc(stdlibLine))
		inv.add(c)
	}
	return nil
}

// stripGoComment drops a // comment (module paths and versions never hold "//").
func stripGoComment(line string) string {
	if i := strings.Index(line, "//"); i >= 0 {
		return line[:i]
	}
	return line
}

func goRequire(s string, n int) (goModule, bool) {
	f := strings.Fields(unquote(s))
	if len(f) != 2 {
		return goModule{}, false
	}
	return goModule{path: unquote(f[0]), version: unquote(f[1]), line: n}, true
}

func unquote(s string) string { return strings.Trim(s, "\"`") }

// goReplace records "old [v] => new [v]"; a replacement by a local directory has no
// version (recorded with an empty version).
func (inv *Inventory) goReplace(s string, n int, replaces map[string]goModule) {
	left, right, ok := strings.Cut(s, "=>")
	lf, rf := strings.Fields(left), strings.Fields(right)
	if !ok || len(lf) < 1 || len(lf) > 2 || len(rf) < 1 || len(rf) > 2 {
		inv.addProblem(lineLoc(n), "replace %q: expected old [version] => new [version]", s)
		return
	}
	key := unquote(lf[0])
	if len(lf) == 2 {
		key += "@" + unquote(lf[1])
	}
	to := goModule{path: unquote(rf[0]), line: n}
	if len(rf) == 2 {
		to.version = unquote(rf[1])
	}
	replaces[key] = to
}

// goComponent is a required module after replacement: the replacing module and its
// version, as the build uses them (a version-specific replace wins over a general one).
// A module replaced by a local directory keeps its path with no version: the directory's
// code is not a published version an advisory can name.
func goComponent(m goModule, replaces map[string]goModule) vigil.Component {
	loc := lineLoc(m.line)
	to, ok := replaces[m.path+"@"+m.version]
	if !ok {
		to, ok = replaces[m.path]
	}
	switch {
	case !ok:
		return packageComponent("Go", m.path, m.version, loc)
	case to.version == "":
		c := packageComponent("Go", m.path, "", loc+" (replaced by "+to.path+", "+lineLoc(to.line)+")")
		return c
	}
	return packageComponent("Go", to.path, to.version, loc+" (replaced, "+lineLoc(to.line)+")")
}
