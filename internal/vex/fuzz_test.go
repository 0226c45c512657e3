package vex

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seed adds the fixtures and a few small documents to a fuzz corpus.
func seed(f *testing.F, extra ...string) {
	for _, name := range []string{"careplan.openvex.json", "careplan.cdx.json", "export.openvex.golden", "export.cdx.golden"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkDocument holds for any input: no panic; every statement is valid and named by
// where it came from; every problem has a location, a line inside the document and a
// reason; and the statements can be written and read back.
func checkDocument(t *testing.T, data []byte, doc Document, err error) {
	lines := 1 + bytes.Count(data, []byte("\n"))
	for _, s := range doc.Statements {
		if verr := s.Validate(); verr != nil || s.Location == "" {
			t.Fatalf("statement %+v kept: %v", s, verr)
		}
	}
	for _, p := range doc.Problems {
		if p.Location == "" || p.Reason == "" || p.Line < 1 || p.Line > lines {
			t.Fatalf("problem %+v (document has %d lines)", p, lines)
		}
	}
	if err != nil || len(doc.Statements) == 0 {
		return
	}
	var buf bytes.Buffer
	if werr := WriteOpenVEX(&buf, Meta{}, doc.Statements); werr != nil {
		t.Fatalf("write: %v", werr)
	}
	if _, rerr := Parse("copy", buf.Bytes()); rerr != nil {
		t.Fatalf("written OpenVEX does not read back: %v\n%s", rerr, buf.Bytes())
	}
}

func FuzzOpenVEX(f *testing.F) {
	seed(f, `{"@context":"https://openvex.dev/ns","statements":[{"vulnerability":"CVE-1","products":["pkg:npm/a@1"],"status":"fixed"}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ParseOpenVEX("fuzz.json", data)
		checkDocument(t, data, doc, err)
	})
}

func FuzzCycloneDXVEX(f *testing.F) {
	seed(f, `{"bomFormat":"CycloneDX","specVersion":"1.4","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"resolved"},"affects":[{"ref":"pkg:npm/a@1"}]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ParseCycloneDX("fuzz.json", data)
		checkDocument(t, data, doc, err)
	})
}
