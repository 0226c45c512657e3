package inventory

import (
	"strings"
)

// parseUVLock reads the name and version of each [[package]] table of a uv.lock. It reads
// the lines TOML writes for them rather than all of TOML: uv writes these two keys as
// plain quoted strings. The project's own virtual package (source = { virtual = … })
// is the thing being built, not a dependency, and is left out as osv-scanner does.
func parseUVLock(inv *Inventory, data []byte) error {
	var cur *uvPackage
	flush := func() {
		if cur != nil {
			inv.uvPackage(*cur)
		}
		cur = nil
	}
	eachLine(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		switch {
		case t == "[[package]]":
			flush()
			cur = &uvPackage{line: n}
		case strings.HasPrefix(t, "["):
			if cur != nil && !strings.HasPrefix(t, "[[package.") && !strings.HasPrefix(t, "[package.") {
				flush()
			}
		case cur != nil && line == t: // top-level keys of the table, not nested arrays
			key, value, ok := strings.Cut(t, "=")
			if !ok {
				return
			}
			cur.set(strings.TrimSpace(key), strings.TrimSpace(value))
		}
	})
	flush()
	return nil
}

type uvPackage struct {
	name, version string
	virtual       bool
	line          int
}

func (p *uvPackage) set(key, value string) {
	switch key {
	case "name":
		p.name = strings.Trim(value, `"'`)
	case "version":
		p.version = strings.Trim(value, `"'`)
	case "source":
		p.virtual = strings.Contains(value, "virtual")
	}
}

func (inv *Inventory) uvPackage(p uvPackage) {
	switch {
	case p.virtual:
	case p.name == "":
		inv.addProblem(lineLoc(p.line), "a [[package]] without a name")
	default:
		inv.add(packageComponent("PyPI", p.name, p.version, lineLoc(p.line)))
	}
}
