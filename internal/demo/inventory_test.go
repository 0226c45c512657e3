package demo

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
)

// checkInventories: the demo's inventories are stored as the demo promises, the trust's
// with the Log4Shell version of log4j-core.
func checkInventories(t *testing.T, c *app.App) {
	t.Helper()
	ctx := context.Background()
	for _, d := range demoInventories {
		comps, total, err := c.Inventories.Components(ctx, vigil.CommandLine, d.org, d.source, 0)
		if err != nil || total == 0 {
			t.Errorf("inventory %s of %s: %d components, %v", d.source, d.org, total, err)
		}
		if d.org != TrustODS {
			continue
		}
		found := false
		for _, c := range comps {
			found = found || c.PURL == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
		}
		if !found {
			t.Errorf("the trust's inventory lacks log4j-core 2.14.1: %+v", comps)
		}
	}
}
