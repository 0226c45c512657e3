package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/vuln"
)

// seedAdvisories gives the demo something to match the trust's inventory against: the
// Log4Shell OSV record, written into the advisory directory and registered as a source
// the way a closed network mirrors OSV, then pulled at once, so that the trust's
// log4j-core 2.14.1 raises its vulnerability alert and the Exposure board shows it; and
// the analysts' sector advisory on a care-plan app (seedSectorAdvisory).
// Without an advisory directory (or the live flows) there is nothing to do.
func seedAdvisories(ctx context.Context, a *app.App, dir string) error {
	if dir == "" || a.Exposure == nil {
		return nil
	}
	osv := filepath.Join(dir, "osv-demo")
	if err := os.MkdirAll(osv, 0o750); err != nil {
		return fmt.Errorf("demo: advisory directory: %w", err)
	}
	b, err := data.ReadFile("data/advisories/log4shell.json")
	if err != nil {
		panic("demo: bundled Log4Shell record missing") // the embed directive guarantees it
	}
	if err := os.WriteFile(filepath.Join(osv, "GHSA-jfh8-c2jp-5v3q.json"), b, 0o640); err != nil {
		return fmt.Errorf("demo: advisory record: %w", err)
	}
	src, err := a.Exposure.CreateSource(ctx, actor, vigil.AdvisorySource{Name: "OSV (demo: Log4Shell only)",
		Kind: vigil.AdvisoryOSV, Path: osv, Enabled: true, Schedule: vigil.DefaultAdvisorySchedule})
	if err != nil {
		return fmt.Errorf("demo: advisory source: %w", err)
	}
	if _, err := a.Exposure.PullSource(ctx, actor, src.ID); err != nil {
		return fmt.Errorf("demo: pull the advisory source: %w", err)
	}
	return seedSectorAdvisory(ctx, a)
}

// seedSectorAdvisory adds the analysts' advisory on the CarePlan Mobile app, which two
// care homes' office inventories list from CarePlan Cloud (SupplierODS): each care home
// gets its alert and the supplier one consolidated alert naming both, so that a new user
// can try the supplier's "fixed in version X" and the analyst's "close them now".
func seedSectorAdvisory(ctx context.Context, a *app.App) error {
	b, err := data.ReadFile("data/advisories/careplan-mobile.json")
	if err != nil {
		panic("demo: bundled sector advisory missing") // the embed directive guarantees it
	}
	list, err := vuln.ParseSectorAdvisories(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("demo: sector advisory: %w", err)
	}
	for _, adv := range list {
		if _, err := a.Exposure.SaveSectorAdvisory(ctx, actor, adv, true); err != nil {
			return fmt.Errorf("demo: sector advisory %s: %w", adv.ID, err)
		}
	}
	return nil
}
