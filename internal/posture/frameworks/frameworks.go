// Package frameworks holds the posture frameworks vigil ships (the elevated-threat
// checklist, the DSPT-style self-assessment by the ten National Data Guardian
// standards, and the CAF-aligned assessment) as versioned JSON files embedded in the
// binary, the parser that checks them, and the scoring of an organisation's answers.
// It is an engine: pure functions over domain values, no store. The frameworks are
// parsed once and never changed after, so they are safe to share between goroutines.
package frameworks

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/vigil-health/vigil"
)

// Framework is one self-assessment framework: sections of groups of items.
type Framework struct {
	// ID names the framework in URLs and answers ("checklist", "dspt", "caf").
	ID string `json:"id"`
	// Version is the framework's version; a score records the version it was taken on.
	Version string `json:"version"`
	// Title is its name as people say it.
	Title string `json:"title"`
	// Summary says in a sentence or two what it is for.
	Summary string `json:"summary"`
	// Source says where its structure comes from.
	Source string `json:"source"`
	// Scale is the grades its items are answered with.
	Scale vigil.Scale `json:"scale"`
	// Sections are its standards or objectives.
	Sections []Section `json:"sections"`
}

// Section is a standard (DSPT) or objective (CAF).
type Section struct {
	// ID is the section's id, unique in the framework.
	ID string `json:"id"`
	// Title is its heading.
	Title string `json:"title"`
	// Groups are its assertions (DSPT) or principles (CAF).
	Groups []Group `json:"groups"`
}

// Group is an assertion (DSPT) or principle (CAF).
type Group struct {
	// ID is the group's id, unique in the framework.
	ID string `json:"id"`
	// Title is what it asserts.
	Title string `json:"title"`
	// Items are its evidence items (DSPT) or contributing outcomes (CAF).
	Items []Item `json:"items"`
}

// Item is one thing an organisation answers.
type Item struct {
	// ID is the item's id, unique in the framework.
	ID string `json:"id"`
	// Text is what is asked.
	Text string `json:"text"`
	// Evidence says what shows it is so.
	Evidence string `json:"evidence,omitempty"`
	// Target is the grade the target profile asks for; empty when the item does not
	// count towards the status (it still counts towards the score).
	Target vigil.Grade `json:"target"`
	// Fact, when set, is what vigil knows that answers the item for the organisation.
	Fact vigil.Fact `json:"fact,omitempty"`
}

// Items lists every item of the framework in order.
func (f Framework) Items() []Item {
	var out []Item
	for _, s := range f.Sections {
		for _, g := range s.Groups {
			out = append(out, g.Items...)
		}
	}
	return out
}

// Item returns the item with this id.
func (f Framework) Item(id string) (Item, bool) {
	for _, it := range f.Items() {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

//go:embed *.json
var files embed.FS

var shipped = sync.OnceValues(func() ([]Framework, error) { return loadFS(files) })

// All returns the frameworks vigil ships, in the order people meet them: the checklist,
// the DSPT standards, then the CAF-aligned assessment.
func All() []Framework {
	fws, err := shipped()
	if err != nil {
		panic(err) // the files are part of the binary and tested; a bad one is a build fault
	}
	return fws
}

// Get returns the shipped framework with this id, or a not_found error listing them.
func Get(id string) (Framework, error) {
	var ids []string
	for _, f := range All() {
		if f.ID == id {
			return f, nil
		}
		ids = append(ids, f.ID)
	}
	return Framework{}, vigil.Errorf(vigil.ENOTFOUND, "no framework %q: use one of %s", id, strings.Join(ids, ", "))
}

// order is the order the shipped frameworks are shown in.
var order = []string{"checklist", "dspt", "caf"}

func loadFS(fsys embed.FS) ([]Framework, error) {
	names, err := fsys.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var out []Framework
	for _, n := range names {
		b, err := fsys.ReadFile(n.Name())
		if err != nil {
			return nil, err
		}
		f, err := Parse(n.Name(), b)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b Framework) int { return rank(a.ID) - rank(b.ID) })
	return out, nil
}

func rank(id string) int {
	if i := slices.Index(order, id); i >= 0 {
		return i
	}
	return len(order)
}

// Parse reads one framework file and checks it: known fields only, ids present and
// unique, a known scale, targets and facts that exist. An error names the file and the
// line or the item at fault.
func Parse(name string, data []byte) (Framework, error) {
	name = path.Base(name)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f Framework
	if err := dec.Decode(&f); err != nil {
		return Framework{}, vigil.Errorf(vigil.EINVALID, "%s: %s", name, jsonProblem(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Framework{}, vigil.Errorf(vigil.EINVALID, "%s line %d: more after the framework's closing }", name, lineAt(data, dec.InputOffset()))
	}
	if err := check(f); err != nil {
		return Framework{}, vigil.Errorf(vigil.EINVALID, "%s: %s", name, err)
	}
	return f, nil
}

// jsonProblem says where a decoding error is, by line.
func jsonProblem(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("line %d: %s", lineAt(data, syn.Offset), syn.Error())
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: field %s should be %s, not %s", lineAt(data, typ.Offset), typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends before the framework does"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// check validates a decoded framework.
func check(f Framework) error {
	switch {
	case !idPattern(f.ID):
		return fmt.Errorf("id %q: use 1 to 40 letters, digits, dots and hyphens", f.ID)
	case strings.TrimSpace(f.Version) == "" || strings.TrimSpace(f.Title) == "":
		return errors.New("version and title are required")
	case len(f.Scale.Grades()) == 0:
		return fmt.Errorf("scale %q must be yes_no or caf", f.Scale)
	case len(f.Sections) == 0:
		return errors.New("a framework needs at least one section")
	}
	seen := map[string]string{}
	for i, s := range f.Sections {
		at := fmt.Sprintf("sections[%d]", i)
		if err := claim(seen, s.ID, at, s.Title); err != nil {
			return err
		}
		if len(s.Groups) == 0 {
			return fmt.Errorf("%s (%s): a section needs at least one group", at, s.ID)
		}
		for j, g := range s.Groups {
			if err := checkGroup(f.Scale, seen, fmt.Sprintf("%s.groups[%d]", at, j), g); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkGroup(sc vigil.Scale, seen map[string]string, at string, g Group) error {
	if err := claim(seen, g.ID, at, g.Title); err != nil {
		return err
	}
	if len(g.Items) == 0 {
		return fmt.Errorf("%s (%s): a group needs at least one item", at, g.ID)
	}
	for k, it := range g.Items {
		iat := fmt.Sprintf("%s.items[%d]", at, k)
		if err := claim(seen, it.ID, iat, it.Text); err != nil {
			return err
		}
		switch {
		case it.Target != vigil.GradeNone && (!sc.Allows(it.Target) || it.Target.Points() == 0):
			return fmt.Errorf("%s (%s): target %q is not a passing grade of the %s scale", iat, it.ID, it.Target, sc)
		case it.Fact != "" && !it.Fact.Valid():
			return fmt.Errorf("%s (%s): fact %q is not one vigil knows", iat, it.ID, it.Fact)
		}
	}
	return nil
}

// claim records id as used at at, failing for a missing, malformed or repeated id, or
// an empty title.
func claim(seen map[string]string, id, at, title string) error {
	switch {
	case !idPattern(id):
		return fmt.Errorf("%s: id %q: use 1 to 40 letters, digits, dots and hyphens", at, id)
	case seen[id] != "":
		return fmt.Errorf("%s: id %q is used already at %s", at, id, seen[id])
	case strings.TrimSpace(title) == "":
		return fmt.Errorf("%s (%s): the title or text is empty", at, id)
	}
	seen[id] = at
	return nil
}

func idPattern(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}
