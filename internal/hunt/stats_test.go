package hunt

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestWriteTextAlignsTypes: the counts per type start in one column, whatever the type's
// name (x509-sha256 is the longest).
func TestWriteTextAlignsTypes(t *testing.T) {
	st := Stats{ByType: map[vigil.IndicatorType]int64{}}
	for i, typ := range vigil.IndicatorTypes {
		st.ByType[typ] = int64(i + 1)
	}
	var b bytes.Buffer
	st.WriteText(&b)
	column := -1
	for line := range strings.Lines(b.String()) {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		at := strings.LastIndexByte(line, ' ') + 1
		if column >= 0 && at != column {
			t.Errorf("the count of %q starts at column %d, the others at %d:\n%s", strings.TrimSpace(line), at, column, b.String())
		}
		column = at
	}
	if column < 0 {
		t.Fatalf("no counts per type:\n%s", b.String())
	}
}

// TestWriteTextSaysWhenNothingWasLookedUp: events that parsed but held no value to look
// up (the wrong fields or format) get a note saying what to check, rather than a quiet
// "0 observables".
func TestWriteTextSaysWhenNothingWasLookedUp(t *testing.T) {
	for _, tc := range []struct {
		events, observables, unparseable int64
		note                             bool
	}{
		{events: 3, note: true},
		{events: 3, observables: 1},
		{unparseable: 3}, // no events: the problems say why
	} {
		st := Stats{Events: tc.events, Observables: tc.observables, Unparseable: tc.unparseable}
		var b bytes.Buffer
		st.WriteText(&b)
		if got := strings.Contains(b.String(), "note: none of the 3 events held a value vigil looks up"); got != tc.note {
			t.Errorf("%d events, %d observables: note %v, want %v:\n%s", tc.events, tc.observables, got, tc.note, b.String())
		}
	}
}
