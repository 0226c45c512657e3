package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestSeedAdvisoriesGiveTheSupplierAConsolidatedAlert: seeded as `serve --demo` seeds
// (with an advisory directory), the care-plan supplier finds CarePlan Mobile's
// vulnerability at its two customers that run it, on its Vulnerabilities page and in
// one consolidated alert, and the trust has its Log4Shell finding.
func TestSeedAdvisoriesGiveTheSupplierAConsolidatedAlert(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	dir := t.TempDir()
	c, err := app.Open(ctx, app.Deps{Store: s, Flows: app.Flows{Secret: bytes.Repeat([]byte{7}, 32), AdvisoryDir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Seed(ctx, s, c, Options{Password: testPassword, AdvisoryDir: dir}); err != nil {
		t.Fatal(err)
	}
	sup := vigil.Principal{Email: "security@careplancloud.example", Role: vigil.RoleSupplier, Org: SupplierODS}
	list, err := c.Exposure.Supplied(ctx, sup)
	if err != nil || len(list) != 1 || list[0].Vuln.Vuln != "SECTOR-2026-0012" || list[0].Open() != 2 || list[0].AlertID == 0 {
		t.Fatalf("the supplier's vulnerabilities: %+v, %v; want SECTOR-2026-0012 at two customers with its alert", list, err)
	}
	a, err := c.Alerts.Get(ctx, sup, list[0].AlertID)
	if err != nil || a.Status != vigil.AlertOpen || !strings.Contains(a.Title, "to 2 customers") {
		t.Errorf("the supplier's consolidated alert: %+v, %v", a, err)
	}
	analyst := vigil.Principal{Email: "analyst@hccc.example", Role: vigil.RoleSectorAnalyst}
	for _, id := range []string{"CVE-2021-44228", "SECTOR-2026-0012"} {
		if found, err := c.Exposure.Vulnerability(ctx, analyst, id); err != nil || len(found) == 0 {
			t.Errorf("%s on the exposure board: %+v, %v", id, found, err)
		}
	}
}
