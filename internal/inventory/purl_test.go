package inventory

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil/internal/shareddata"
)

// purlParts is a purl as the suite writes it: null for an absent part.
type purlParts struct {
	Type       *string           `json:"type"`
	Namespace  *string           `json:"namespace"`
	Name       *string           `json:"name"`
	Version    *string           `json:"version"`
	Qualifiers map[string]string `json:"qualifiers"`
	Subpath    *string           `json:"subpath"`
}

func (pp purlParts) purl() PURL {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return PURL{Type: s(pp.Type), Namespace: s(pp.Namespace), Name: s(pp.Name), Version: s(pp.Version),
		Qualifiers: pp.Qualifiers, Subpath: s(pp.Subpath)}
}

type purlCase struct {
	Description string          `json:"description"`
	Group       string          `json:"test_group"`
	Type        string          `json:"test_type"`
	Input       json.RawMessage `json:"input"`
	Expected    json.RawMessage `json:"expected_output"`
	Failure     bool            `json:"expected_failure"`
}

// TestPURLSpecSuite runs every case of the purl-spec suite (spec and types): "required"
// cases parse strictly, "recommended" ones leniently, as the suite's groups mean.
func TestPURLSpecSuite(t *testing.T) {
	suite := shareddata.Dir(t, "vuln", "purl") // the purl-spec test suite
	files, _ := filepath.Glob(filepath.Join(suite, "*", "*.json"))
	if len(files) == 0 {
		t.Fatalf("no purl suite files under %s", suite)
	}
	n := 0
	for _, f := range files {
		var doc struct{ Tests []purlCase }
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, c := range doc.Tests {
			n++
			if msg := runPURLCase(c); msg != "" {
				t.Errorf("%s #%d %s (%s, %s): %s", filepath.Base(f), i, c.Description, c.Type, c.Group, msg)
			}
		}
	}
	if n < 586 {
		t.Errorf("ran %d purl cases, the suite has 586", n)
	}
}

// runPURLCase returns what went wrong, or "".
func runPURLCase(c purlCase) string {
	parse := ParsePURLStrict
	if c.Group != "required" {
		parse = ParsePURL
	}
	var got PURL
	var err error
	if c.Type == "build" {
		var in purlParts
		_ = json.Unmarshal(c.Input, &in)
		got, err = BuildPURL(in.purl())
	} else {
		var in string
		_ = json.Unmarshal(c.Input, &in)
		got, err = parse(in)
	}
	switch {
	case c.Failure && err == nil:
		return "accepted " + string(c.Input) + " as " + got.String()
	case c.Failure:
		return ""
	case err != nil:
		return "refused " + string(c.Input) + ": " + err.Error()
	}
	if c.Type == "parse" {
		var want purlParts
		_ = json.Unmarshal(c.Expected, &want)
		w := want.purl()
		if w.Type != got.Type || w.Namespace != got.Namespace || w.Name != got.Name || w.Version != got.Version ||
			w.Subpath != got.Subpath || !maps.Equal(w.Qualifiers, got.Qualifiers) {
			return "parsed as " + jsonString(got) + ", want " + jsonString(w)
		}
		return ""
	}
	var want string
	_ = json.Unmarshal(c.Expected, &want)
	if got.String() != want {
		return "wrote " + got.String() + ", want " + want
	}
	return ""
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
