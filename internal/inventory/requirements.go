package inventory

import (
	"regexp"
	"strings"
)

// includeFunc reads a file a requirements file includes (-r other.txt), resolved
// against the including file; nil when there are no files to read (an upload).
type includeFunc func(from, name string) (path string, data []byte, err error)

// requirementLineRe reads "name[extras] ==version" (also "==="), the pinned form; any
// other specifier leaves the version unknown.
var requirementLineRe = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._\-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

// parseRequirements reads a pip requirements file: "name==version" lines, with markers
// (after ";"), hashes and other options, comments and continuation lines. Includes
// (-r, --requirement) are read through include, each file once.
func parseRequirements(inv *Inventory, data []byte, include includeFunc) error {
	seen := map[string]bool{inv.Source: true}
	inv.requirements(inv.Source, "", data, include, seen)
	return nil
}

func (inv *Inventory) requirements(file, prefix string, data []byte, include includeFunc, seen map[string]bool) {
	for _, l := range joinContinuations(data) {
		line := stripComment(l.text)
		loc := prefix + lineLoc(l.n)
		switch {
		case line == "":
		case strings.HasPrefix(line, "-r") || strings.HasPrefix(line, "--requirement"):
			inv.requirementsInclude(file, loc, optionValue(line), include, seen)
		case strings.HasPrefix(line, "-e") || strings.HasPrefix(line, "--editable"):
			inv.addProblem(loc, "editable install %q: no released version to check", optionValue(line))
		case strings.HasPrefix(line, "-"):
			// Index URLs, constraints and other pip options name no package.
		default:
			inv.requirement(line, loc)
		}
	}
}

// optionValue is the argument of "-r file", "-rfile" or "--requirement=file".
func optionValue(line string) string {
	if i := strings.IndexAny(line, " =\t"); i >= 0 {
		return strings.TrimSpace(line[i+1:])
	}
	if strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "--") && len(line) > 2 {
		return line[2:]
	}
	return ""
}

func (inv *Inventory) requirementsInclude(file, loc, name string, include includeFunc, seen map[string]bool) {
	if include == nil {
		inv.addProblem(loc, "includes %s, which was not read: upload it as well", name)
		return
	}
	path, data, err := include(file, name)
	if err != nil {
		inv.addProblem(loc, "includes %s: %v", name, err)
		return
	}
	if seen[path] {
		return
	}
	seen[path] = true
	inv.requirements(path, name+" ", data, include, seen)
}

// requirement reads one requirement line; a line that names no package is a Problem.
func (inv *Inventory) requirement(line, loc string) {
	spec, _, _ := strings.Cut(line, ";") // environment markers
	spec = dropOptions(spec)             // --hash=…
	m := requirementLineRe.FindStringSubmatch(strings.TrimSpace(spec))
	if m == nil {
		inv.addProblem(loc, "%q: not a requirement (expected name==version)", line)
		return
	}
	name, rest := m[1], strings.TrimSpace(m[3])
	version := ""
	if v, ok := strings.CutPrefix(rest, "==="); ok {
		version = strings.TrimSpace(v)
	} else if v, ok := strings.CutPrefix(rest, "=="); ok && !strings.ContainsAny(v, ",*<>!~") {
		version = strings.TrimSpace(v)
	}
	inv.add(packageComponent("PyPI", name, version, loc))
}

// dropOptions removes per-requirement options such as --hash=sha256:….
func dropOptions(spec string) string {
	if i := strings.Index(spec, " --"); i >= 0 {
		return spec[:i]
	}
	return spec
}

type numberedLine struct {
	n    int
	text string
}

// joinContinuations joins lines ending in "\" with the next, numbered by their first.
func joinContinuations(data []byte) []numberedLine {
	var out []numberedLine
	var cur *numberedLine
	eachLine(data, func(n int, line string) {
		if cur == nil {
			out = append(out, numberedLine{n: n})
			cur = &out[len(out)-1]
		}
		text, cont := strings.CutSuffix(strings.TrimRight(line, " \t"), `\`)
		cur.text += text + " "
		if !cont {
			cur = nil
		}
	})
	return out
}
