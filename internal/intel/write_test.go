package intel

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// What WriteSTIX and WriteMISP write, the parsers read back: every value with its type
// and its own TLP marking.
func TestWriteReadsBack(t *testing.T) {
	items := []Shared{
		{Type: vigil.TypeIPv4, Value: "198.51.100.7", TLP: vigil.TLPGreen},
		{Type: vigil.TypeDomain, Value: "login-care.example", TLP: vigil.TLPAmber},
		{Type: vigil.TypeURL, Value: "https://login-care.example/o'brien", TLP: vigil.TLPClear},
		{Type: vigil.TypeSHA256, Value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", TLP: vigil.TLPGreen},
		{Type: vigil.TypeEmail, Value: "payroll@login-care.example", TLP: vigil.TLPAmber},
		{Type: vigil.TypeCIDR, Value: "203.0.113.0/24", TLP: vigil.TLPGreen},
	}
	env := Envelope{Key: "incident|1", Name: "Phishing", Producer: "Centre", TLP: vigil.TLPAmber,
		Created: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Modified: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"stix.json": func(b *bytes.Buffer) error { return WriteSTIX(b, env, items) },
		"misp.json": func(b *bytes.Buffer) error { return WriteMISP(b, env, items) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			var got []string
			rep, err := LoadReader(&buf, name, Options{Source: "re-import", TLP: vigil.TLPRed}, func(i vigil.Indicator) {
				got = append(got, string(i.Type)+" "+i.Value+" "+string(i.Provenance.TLP))
			})
			if err != nil || rep.Rejected > 0 {
				t.Fatalf("read back: %v, %+v", err, rep)
			}
			var want []string
			for _, it := range items {
				want = append(want, string(it.Type)+" "+it.Value+" "+string(it.TLP))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("read back\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// The same incident exported twice has the same ids, so a receiver updates its copy.
func TestWriteSTIXStableIDs(t *testing.T) {
	env := Envelope{Key: "incident|9", Name: "x", Producer: "p", TLP: vigil.TLPGreen}
	items := []Shared{{Type: vigil.TypeDomain, Value: "a.example", TLP: vigil.TLPGreen}}
	var a, b bytes.Buffer
	_ = WriteSTIX(&a, env, items)
	_ = WriteSTIX(&b, env, items)
	if a.String() != b.String() {
		t.Error("two exports of the same incident differ")
	}
}
