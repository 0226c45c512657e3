package inventory

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// pomDependency is one <dependency> and the line it starts on.
type pomDependency struct {
	groupID, artifactID, version string
	line                         int
}

// pomReader collects what a pom.xml says as its elements stream past.
type pomReader struct {
	stack      []string
	props      map[string]string
	deps       []pomDependency
	cur        *pomDependency
	text       strings.Builder
	data       []byte
	dec        *xml.Decoder
	startDepth int
	project    bool // the root element is <project>
}

// parsePOM reads the <dependency> elements of a Maven pom.xml (dependencies, dependency
// management and profiles, but not build plugins' own, which run at build time and do
// not ship) with the versions written in it. ${…} references are
// resolved from the POM's own <properties> and project/parent versions; one that is
// defined elsewhere (a parent POM, the command line) is a Problem and the dependency is
// kept without a version.
func parsePOM(inv *Inventory, data []byte) error {
	r := &pomReader{props: map[string]string{}, data: data}
	r.dec = xml.NewDecoder(bytes.NewReader(data))
	r.dec.Strict = false
	for {
		tok, err := r.dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("line %d: not valid XML: %v", lineAt(data, r.dec.InputOffset()), err)
		}
		r.token(tok)
	}
	if !r.project {
		return fmt.Errorf("no <project> element: not a Maven POM")
	}
	for _, d := range r.deps {
		inv.pomDependency(d, r.props)
	}
	return nil
}

func (r *pomReader) token(tok xml.Token) {
	switch t := tok.(type) {
	case xml.StartElement:
		r.stack = append(r.stack, t.Name.Local)
		r.text.Reset()
		if len(r.stack) == 1 && t.Name.Local == "project" {
			r.project = true
		}
		if t.Name.Local == "dependency" && !slices.Contains(r.stack, "plugin") {
			r.cur = &pomDependency{line: lineAt(r.data, r.dec.InputOffset())}
			r.startDepth = len(r.stack)
		}
	case xml.CharData:
		r.text.Write(t)
	case xml.EndElement:
		r.end(strings.TrimSpace(r.text.String()))
		r.text.Reset()
		if len(r.stack) > 0 {
			r.stack = r.stack[:len(r.stack)-1]
		}
	}
}

// end files the text of the element being closed.
func (r *pomReader) end(text string) {
	path := strings.Join(r.stack, "/")
	name := r.stack[len(r.stack)-1]
	switch {
	case r.cur != nil && len(r.stack) == r.startDepth:
		r.deps = append(r.deps, *r.cur)
		r.cur = nil
	case r.cur != nil && len(r.stack) == r.startDepth+1:
		r.cur.set(name, text)
	case strings.HasPrefix(path, "project/properties/") && len(r.stack) == 3:
		r.props[name] = text
	case path == "project/version" || path == "project/groupId" || path == "project/artifactId":
		r.props["project."+name] = text
	case path == "project/parent/version" || path == "project/parent/groupId":
		r.props["project.parent."+name] = text
	}
}

func (d *pomDependency) set(name, text string) {
	switch name {
	case "groupId":
		d.groupID = text
	case "artifactId":
		d.artifactID = text
	case "version":
		d.version = text
	}
}

var pomPropertyRe = regexp.MustCompile(`\$\{([^}]*)\}`)

// resolve replaces ${name} references, following references inside properties up to a
// small depth (a cycle stays unresolved); it returns the first name it could not find.
func resolve(s string, props map[string]string) (string, string) {
	missing := ""
	for range 10 {
		if !strings.Contains(s, "${") {
			return s, ""
		}
		s = pomPropertyRe.ReplaceAllStringFunc(s, func(ref string) string {
			name := ref[2 : len(ref)-1]
			if v, ok := pomProperty(name, props); ok {
				return v
			}
			missing = cmp.Or(missing, name)
			return ref
		})
		if missing != "" {
			return s, missing
		}
	}
	return s, "a reference cycle"
}

func pomProperty(name string, props map[string]string) (string, bool) {
	switch name {
	case "version", "pom.version", "project.version":
		v, ok := props["project.version"]
		if !ok {
			v, ok = props["project.parent.version"]
		}
		return v, ok
	case "project.groupId", "pom.groupId":
		v, ok := props["project.groupId"]
		if !ok {
			v, ok = props["project.parent.groupId"]
		}
		return v, ok
	}
	v, ok := props[name]
	return v, ok
}

func (inv *Inventory) pomDependency(d pomDependency, props map[string]string) {
	loc := lineLoc(d.line)
	group, missG := resolve(d.groupID, props)
	artifact, missA := resolve(d.artifactID, props)
	if group == "" || artifact == "" || missG != "" || missA != "" {
		inv.addProblem(loc, "dependency %s:%s: needs a literal groupId and artifactId", d.groupID, d.artifactID)
		return
	}
	version, miss := resolve(d.version, props)
	switch {
	case d.version == "":
		inv.addProblem(loc, "%s:%s has no version here (set by a parent POM or an imported BOM, which vigil does not read)", group, artifact)
	case miss != "":
		inv.addProblem(loc, "%s:%s version %s: property %s is not defined in this POM", group, artifact, d.version, miss)
		version = ""
	case strings.ContainsAny(version, "[]()"):
		inv.addProblem(loc, "%s:%s version %s is a range, not the version in use", group, artifact, version)
		version = ""
	}
	inv.add(packageComponent("Maven", group+":"+artifact, version, loc))
}
