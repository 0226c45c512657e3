package intel

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

const amberMarking = `{"type": "marking-definition", "id": "marking-definition--partner-amber", "definition_type": "tlp", "definition": {"tlp": "amber"}}`

// tlpsOf parses each input in turn with one STIXRefs (as the pages of one TAXII pull are)
// and returns the TLP and publisher each indicator value arrived with; the source is the
// feed's whoever published.
func tlpsOf(t *testing.T, refs *STIXRefs, inputs ...string) map[string]string {
	t.Helper()
	got := map[string]string{}
	s := NewSink(Options{Now: stixNow, Source: "the feed", TLP: vigil.TLPClear}, &Report{}, func(ind vigil.Indicator) {
		p := ind.Provenance
		if p.Source != "the feed" {
			t.Errorf("%s arrived from %q, want the feed", ind.Value, p.Source)
		}
		got[ind.Value] = strings.TrimSpace(string(p.TLP) + " " + p.Publisher)
	})
	for i, in := range inputs {
		if err := ParseSTIXWith(refs, strings.NewReader(in), "page", s); err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
	}
	refs.Flush(s)
	return got
}

// TestSTIXRefsAcrossInputs: a marking or identity defined on one page of a pull applies to
// indicators on any other page of it, earlier or later, and a later pull of the same feed
// can be given what earlier pulls learnt.
func TestSTIXRefsAcrossInputs(t *testing.T) {
	marked := stixIndicator("1", "[domain-name:value = 'a.example']",
		`"object_marking_refs": ["marking-definition--partner-amber"]`, `"created_by_ref": "identity--cert"`)
	cert := `{"type": "identity", "id": "identity--cert", "name": "Partner CERT"}`
	tests := []struct {
		name   string
		inputs []string
		want   string
	}{
		{"defined on the first page", []string{stixBundle(amberMarking, cert), stixBundle(marked)}, "AMBER Partner CERT"},
		{"defined on a later page", []string{stixBundle(marked), stixBundle(amberMarking, cert)}, "AMBER Partner CERT"},
		{"never defined", []string{stixBundle(marked)}, "CLEAR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tlpsOf(t, NewSTIXRefs(), tt.inputs...)["a.example"]; got != tt.want {
				t.Errorf("a.example arrived as %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("remembered from an earlier pull", func(t *testing.T) {
		first := NewSTIXRefs()
		tlpsOf(t, first, stixBundle(amberMarking, cert))
		names, markings := first.Known()
		next := NewSTIXRefs()
		next.Remember(names, markings)
		if got := tlpsOf(t, next, stixBundle(marked))["a.example"]; got != "AMBER Partner CERT" {
			t.Errorf("a.example arrived as %q, want AMBER Partner CERT", got)
		}
	})
}

// TestSTIXRefsBounded: the indicators waiting for a marking are capped; the oldest go out
// with what is known, and none is lost.
func TestSTIXRefsBounded(t *testing.T) {
	objs := make([]string, 0, maxPending+10)
	for i := range maxPending + 10 {
		objs = append(objs, stixIndicator(string(rune('a'+i%26))+strings.Repeat("x", i%7),
			"[ipv4-addr:value = '198.51.100.1']", `"object_marking_refs": ["marking-definition--partner-amber"]`))
	}
	refs := NewSTIXRefs()
	n := 0
	s := NewSink(Options{Now: stixNow}, &Report{}, func(vigil.Indicator) { n++ })
	if err := ParseSTIXWith(refs, strings.NewReader(stixBundle(objs...)), "big", s); err != nil {
		t.Fatal(err)
	}
	if len(refs.pending) != maxPending || n != 10 {
		t.Errorf("waiting %d, emitted %d; want %d waiting and 10 emitted", len(refs.pending), n, maxPending)
	}
	refs.Flush(s)
	if n != maxPending+10 {
		t.Errorf("emitted %d after Flush, want %d", n, maxPending+10)
	}
}
