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
