package posture

import (
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The products-of-concern fact follows the inventory and the policy's findings: not
// known without an inventory, no while a product of concern is found and not reviewed,
// yes with none found.
func TestProductsOfConcernFact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := setup(t, s)
		state := func() string {
			t.Helper()
			a, err := svc.Assessment(ctx, manager, "VN001", "checklist")
			if err != nil {
				t.Fatal(err)
			}
			it, _ := itemOf(a.Result, "products-of-concern")
			if it.Known == nil {
				t.Fatalf("products-of-concern has no fact: %+v", it)
			}
			return it.Known.State
		}
		if got := state(); got != vigil.KnownUnknown {
			t.Errorf("without an inventory: %s, want unknown", got)
		}
		comp := vigil.Component{Vendor: "Kaspersky", Product: "Endpoint Security", Name: "Endpoint Security", Version: "11.1", Source: "office"}
		if err := s.PutInventory(ctx, vigil.Inventory{Org: "VN001", Source: "office", Format: "csv"}, []vigil.Component{comp}, []string{""}, false); err != nil {
			t.Fatal(err)
		}
		if got := state(); got != vigil.KnownYes {
			t.Errorf("inventory with no finding: %s, want yes", got)
		}
		err := s.PutExposure(ctx, vigil.Exposure{Org: "VN001", Vuln: "VIGIL-POLICY-KASPERSKY", Severity: vigil.SeverityMedium, EPSS: -1,
			Components: []vigil.AffectedComponent{{Name: "Endpoint Security", Version: "11.1", Source: "office"}}, FirstFound: now, CheckedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		if got := state(); got != vigil.KnownNo {
			t.Errorf("with Kaspersky found and not reviewed: %s, want no", got)
		}
	})
}
