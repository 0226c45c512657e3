package threatintel_test

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// A value on a warninglist (a public resolver, say) is counted in the import report and
// never matches, so no organisation is alerted for talking to 8.8.8.8.
func TestWarninglistedIntelNeverMatches(t *testing.T) {
	benign, err := intel.LoadWarninglists("testdata/warninglists")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := threatintel.New(threatintel.Deps{Store: s, Warninglists: benign})
		rep, err := c.Import(t.Context(), analyst, threatintel.Upload{Source: "partner", Name: "list.txt"},
			strings.NewReader("8.8.8.8\n192.0.2.66\n"))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Warninglisted != 1 {
			t.Errorf("report counts %d warninglisted, want 1 (8.8.8.8)", rep.Warninglisted)
		}
		if got := matches(c, vigil.TypeIPv4, "8.8.8.8"); len(got) != 0 {
			t.Errorf("8.8.8.8 matched %v: a public resolver must not raise alerts", got)
		}
		if got := matches(c, vigil.TypeIPv4, "192.0.2.66"); len(got) != 1 {
			t.Errorf("192.0.2.66 matched %v, want the partner's indicator", got)
		}
	})
}
