package demo

import (
	"bytes"
	"context"
	"fmt"
	"path"

	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/inventories"
)

// demoInventory is one bundled inventory file and whose it is.
type demoInventory struct {
	org, source, file string
}

// demoInventories: the trust's integration engine still ships log4j-core 2.14.1 (the
// Log4Shell version), Oakleigh House's office runs a product of concern among its
// everyday software, and another care home runs the care-plan app too.
var demoInventories = []demoInventory{
	{TrustODS, "ward-integration-engine", "data/inventory/ehr-integration.cdx.json"},
	{CareHomeODS, "office", "data/inventory/oakleigh-office.csv"},
	{"1-101000001", "office", "data/inventory/riverside-office.csv"},
}

// seedInventories uploads the bundled inventories through the use case, so that they
// are stored and audited as real uploads are.
func seedInventories(ctx context.Context, a *app.App) error {
	for _, d := range demoInventories {
		u := inventories.Upload{Org: d.org, Source: d.source, FileName: path.Base(d.file)}
		b, err := data.ReadFile(d.file)
		if err != nil {
			panic("demo: bundled file missing: " + d.file) // the embed directive guarantees it
		}
		if _, err := a.Inventories.Upload(ctx, actor, u, bytes.NewReader(b)); err != nil {
			return fmt.Errorf("demo: inventory of %s: %w", d.org, err)
		}
	}
	return nil
}
