package demo

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
)

// checkIncidents checks, after Seed, the demo's three incidents: the care home's
// contained phishing with its two indicators, the ransomware with its breach deadline
// running, and the trust's new one; the care home's manager sees only hers.
func checkIncidents(t *testing.T, c *app.App) {
	t.Helper()
	ctx := context.Background()
	analyst := vigil.Principal{Email: "analyst@hccc.example", Role: vigil.RoleSectorAnalyst}
	all, _, err := c.Incidents.List(ctx, analyst, vigil.IncidentFilter{Sort: "oldest"})
	if err != nil || len(all) != 3 {
		t.Fatalf("incidents %+v, %v; want 3", all, err)
	}
	if all[0].Status != vigil.IncidentContained || all[1].ReportDueAt.IsZero() || all[2].Status != vigil.IncidentNew {
		t.Errorf("the incidents are not where the demo says: %+v", all)
	}
	manager, _ := loginPrincipal(vigil.RoleOrgAdmin, CareHomeODS)
	mine, _, err := c.Incidents.List(ctx, manager, vigil.IncidentFilter{})
	if err != nil || len(mine) != 1 || mine[0].Org != CareHomeODS {
		t.Errorf("the care home's manager sees %+v, %v", mine, err)
	}
	phishing, err := c.Incidents.Get(ctx, analyst, all[0].ID)
	if err != nil || len(phishing.Links) != 2 {
		t.Errorf("the phishing incident's links: %+v, %v", phishing.Links, err)
	}
}
