package threatintel_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// TestUploadLeavesInternalAddressesOut checks that the server, like vigil hunt, keeps
// private and loopback blocks out of matching and says so in the upload's report.
func TestUploadLeavesInternalAddressesOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		list := "10.0.0.0/8\n127.0.0.1\nfd00:1::/48\n192.0.2.7\n"
		rep, err := c.Import(ctx, analyst, threatintel.Upload{Source: "blocklist", Name: "list.txt"}, strings.NewReader(list))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total != 1 || rep.Internal != 3 || rep.NotMatchable != 3 {
			t.Errorf("report total %d internal %d not matchable %d, want 1, 3, 3", rep.Total, rep.Internal, rep.NotMatchable)
		}
		var reasons []string
		for _, p := range rep.Problems {
			if p.Kind == intel.ProblemNotMatchable {
				reasons = append(reasons, p.Reason)
			}
		}
		if len(reasons) != 3 || !strings.Contains(reasons[0], "private-use address space (RFC 1918)") {
			t.Errorf("not matchable reasons %q, want the three with their ranges", reasons)
		}
		if got := matches(c, vigil.TypeIPv4, "10.1.2.3"); len(got) != 0 {
			t.Errorf("10.1.2.3 matched %v: a private block is not an indicator", got)
		}
		if got := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(got) != 1 {
			t.Errorf("192.0.2.7 matched %v, want the documentation address kept", got)
		}
	})
}
