package vex

import (
	"bytes"
	"io"
	"slices"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

type writer func(io.Writer, Meta, []vigil.VEXStatement) error

// comparable is a statement without where it was read from, which a copy cannot keep.
func comparable(s vigil.VEXStatement) vigil.VEXStatement {
	s.Source, s.Location, s.Product = "", "", ""
	if len(s.Aliases) == 0 {
		s.Aliases = nil
	}
	return s
}

func roundTrip(t *testing.T, write writer, in []vigil.VEXStatement) []vigil.VEXStatement {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, Meta{Author: "Example Care Plans Ltd"}, in); err != nil {
		t.Fatal(err)
	}
	doc, err := Parse("copy.json", buf.Bytes())
	if err != nil || len(doc.Problems) > 0 {
		t.Fatalf("the written document does not read back: %v %v\n%s", err, doc.Problems, buf.Bytes())
	}
	return doc.Statements
}

// TestWriteReadsBack writes each fixture's statements in its own format and reads them
// back unchanged.
func TestWriteReadsBack(t *testing.T) {
	for _, tt := range []struct {
		file  string
		write writer
	}{{"careplan.openvex.json", WriteOpenVEX}, {"careplan.cdx.json", WriteCycloneDX}} {
		t.Run(tt.file, func(t *testing.T) {
			in := readFixture(t, tt.file).Statements
			out := roundTrip(t, tt.write, in)
			if len(out) != len(in) {
				t.Fatalf("%d statements back, want %d", len(out), len(in))
			}
			for i := range in {
				a, b := comparable(in[i]), comparable(out[i])
				if !equalStatements(a, b) {
					t.Errorf("statement %d:\n  wrote %+v\n  read  %+v", i, a, b)
				}
			}
		})
	}
}

func equalStatements(a, b vigil.VEXStatement) bool {
	return slices.Equal(a.Aliases, b.Aliases) && a.Time.Equal(b.Time) &&
		a.Vulnerability == b.Vulnerability && a.Ecosystem == b.Ecosystem && a.Name == b.Name &&
		a.Version == b.Version && a.Vendor == b.Vendor && a.Within == b.Within && a.Status == b.Status &&
		a.Justification == b.Justification && a.Note == b.Note && a.Action == b.Action
}

// TestWriteOtherFormat converts each fixture to the other format: every statement keeps
// its vulnerability, product, version and status, and closes the same findings
// (justifications are mapped to the other vocabulary's nearest).
func TestWriteOtherFormat(t *testing.T) {
	for _, tt := range []struct {
		file  string
		write writer
	}{{"careplan.openvex.json", WriteCycloneDX}, {"careplan.cdx.json", WriteOpenVEX}} {
		t.Run(tt.file, func(t *testing.T) {
			in := readFixture(t, tt.file).Statements
			out := roundTrip(t, tt.write, in)
			if len(out) != len(in) {
				t.Fatalf("%d statements back, want %d", len(out), len(in))
			}
			for i := range in {
				a, b := in[i], out[i]
				if a.Vulnerability != b.Vulnerability || a.Name != b.Name || a.Version != b.Version || a.Status != b.Status || a.Closes() != b.Closes() {
					t.Errorf("statement %d:\n  wrote %+v\n  read  %+v", i, a, b)
				}
			}
		})
	}
}

// TestWriteGolden keeps the written documents stable: the same statements give the same
// bytes (IDs are derived from the content).
func TestWriteGolden(t *testing.T) {
	in := readFixture(t, "careplan.cdx.json").Statements
	for name, write := range map[string]writer{"export.openvex.golden": WriteOpenVEX, "export.cdx.golden": WriteCycloneDX} {
		var buf bytes.Buffer
		if err := write(&buf, Meta{}, in); err != nil {
			t.Fatal(err)
		}
		golden(t, name, buf.Bytes())
	}
}
