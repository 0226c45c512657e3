package vex

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what was read; got:\n%s", path, got)
	}
}

func readFixture(t *testing.T, name string) Document {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := Read(name, f)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return doc
}

// TestParseGolden reads the fixtures written from the OpenVEX v0.2.0 and CycloneDX 1.5
// specifications: every usable statement, and every unusable one named with its line.
func TestParseGolden(t *testing.T) {
	for _, name := range []string{"careplan.openvex.json", "careplan.cdx.json"} {
		t.Run(name, func(t *testing.T) {
			doc := readFixture(t, name)
			got, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(name, ".json")+".golden", append(got, '\n'))
		})
	}
}

// TestSuggestPURL: a product without a package URL is told the one it could have.
func TestSuggestPURL(t *testing.T) {
	for _, tt := range []struct{ id, want string }{
		{"CarePlan Mobile", " (here pkg:generic/CarePlan%20Mobile@<version>)"},
		{"cpe:2.3:a:example:careplan:4.2:*:*:*:*:*:*:*", " (e.g. pkg:generic/careplan@4.2)"},
		{"cpe:2.3:a:example:careplan:*:*:*:*:*:*:*:*", " (here pkg:generic/careplan@<version>)"},
		{"", ""},
	} {
		if got := suggestPURL(tt.id); got != tt.want {
			t.Errorf("suggestPURL(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// TestParseProblems checks each unusable statement is named by position and line with a
// reason the author can act on, and the rest of the document is kept.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		file, location string
		line           int
		reason         string
	}{
		{"careplan.openvex.json", "statements[3].products[0]", 42, `status "unaffected": use not_affected, affected, fixed or under_investigation`},
		{"careplan.openvex.json", "statements[4].products[0]", 47, "needs a justification or an impact statement"},
		{"careplan.openvex.json", "statements[5].products[0]", 52, "has no package URL: vigil matches products by purl (CPEs and hashes are not read); name it as pkg:generic/<name>@<version> (e.g. pkg:generic/careplan@4.2)"},
		{"careplan.cdx.json", "vulnerabilities[4]", 57, "CVE-2021-44832 has no analysis.state"},
		{"careplan.cdx.json", "vulnerabilities[5].affects[0]", 61, `ref "no-such-ref" names no component`},
		{"careplan.cdx.json", "vulnerabilities[6]", 66, `"because_we_say_so" is not one of CycloneDX's`},
	}
	docs := map[string]Document{}
	for _, tt := range tests {
		doc, ok := docs[tt.file]
		if !ok {
			doc = readFixture(t, tt.file)
			docs[tt.file] = doc
		}
		found := false
		for _, p := range doc.Problems {
			if p.Location == tt.location {
				found = true
				if p.Line != tt.line || !strings.Contains(p.Reason, tt.reason) {
					t.Errorf("%s %s: got line %d %q, want line %d containing %q", tt.file, tt.location, p.Line, p.Reason, tt.line, tt.reason)
				}
			}
		}
		if !found {
			t.Errorf("%s: no problem at %s; problems: %v", tt.file, tt.location, doc.Problems)
		}
	}
}

// TestParseErrors checks documents that cannot be read at all are refused with the line
// and what to change.
func TestParseErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", "  \n", "the file is empty"},
		{"not JSON", "{\n\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n\"statements\": [\n{,]}", "line 4: not valid JSON"},
		{"a list", "[1,2]", "line 1: not a JSON object"},
		{"neither", `{"spdxVersion": "SPDX-2.3"}`, "not a VEX document"},
		{"trailing", "{\"bomFormat\": \"CycloneDX\"}\n{}", "line 2: more after the end"},
		{"statements not a list", `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": 3}`, ""},
		{"nothing usable", "{\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n\"statements\": [\n {\"vulnerability\": {\"name\": \"CVE-1\"}, \"products\": [{\"@id\": \"pkg:npm/a@1\"}], \"status\": \"maybe\"}]}",
			`no usable statement (1 problems; the first: statements[0].products[0] (line 3): status "maybe"`},
		{"bad time", "{\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n\"statements\": [\n {\"vulnerability\": \"CVE-1\", \"timestamp\": \"yesterday\", \"products\": [\"pkg:npm/a@1\"], \"status\": \"fixed\"}]}",
			`statements[0] (line 3): timestamp "yesterday": not an RFC 3339 time`},
		{"bad purl", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\": {\"state\": \"resolved\"}, \"affects\": [{\"ref\": \"pkg:\"}]}]}",
			`vulnerabilities[0].affects[0] (line 1): ref "pkg:"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("x.json", []byte(tt.doc))
			if tt.want == "" {
				if err != nil || len(doc.Statements) != 0 {
					t.Errorf("got %v, %v; want an empty document", doc, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestOpenVEXShortForms reads v0.0.1's spellings: the vulnerability and products as
// plain strings, and a statement inheriting the document's timestamp.
func TestOpenVEXShortForms(t *testing.T) {
	doc, err := Parse("old.json", []byte(`{"@context": "https://openvex.dev/ns", "timestamp": "2023-01-08T18:02:03Z",
		"statements": [{"vulnerability": "CVE-2023-1", "products": ["pkg:golang/github.com/example/lib@v1.2.3"], "status": "fixed"}]}`))
	if err != nil || len(doc.Statements) != 1 {
		t.Fatalf("got %+v, %v", doc, err)
	}
	s := doc.Statements[0]
	if s.Vulnerability != "CVE-2023-1" || s.Ecosystem != "Go" || s.Name != "github.com/example/lib" || s.Version != "1.2.3" || s.Time.Year() != 2023 {
		t.Errorf("statement %+v", s)
	}
}
