package pages_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/demo"
)

// The inventory page as each person reaches it: the care home's manager her own (a
// query naming another organisation changes nothing), the analyst any organisation's by
// ?org=, a supplier none; its CSV holds the components listed; deleting a source removes it.
func TestInventoryPage(t *testing.T) {
	s := demoSite(t)
	manager := s.signIn(careManager)
	p := manager.get("/inventory?org=" + demo.TrustODS)
	if p.status != http.StatusOK || !p.has("Software inventory of "+demo.CareHomeODS, "Small Office Security") || p.has("log4j") {
		t.Errorf("the manager's inventory page = %d\n%s", p.status, p.body)
	}
	csv := manager.get("/inventory?source=office&format=csv")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.body, "office,,Small Office Security,8.0,Kaspersky,Small Office Security,,,line 4") {
		t.Errorf("the CSV = %d %s\n%s", csv.status, csv.header.Get("Content-Type"), csv.body)
	}
	if p := manager.get("/inventory?source=nothing-here"); p.status != http.StatusNotFound {
		t.Errorf("a source the home does not keep = %d", p.status)
	}

	centre := s.signIn(analyst)
	if p := centre.get("/inventory"); p.status != http.StatusOK || !p.has("Choose the organisation") {
		t.Errorf("the analyst without an organisation = %d\n%s", p.status, p.body)
	}
	if p := centre.get("/inventory?org=" + demo.TrustODS); p.status != http.StatusOK || !p.has("log4j-core", "2.14.1", "ward-integration-engine") {
		t.Errorf("the trust's inventory for the analyst = %d\n%s", p.status, p.body)
	}
	if p := s.signIn(supplier).get("/inventory"); p.status != http.StatusForbidden {
		t.Errorf("a supplier = %d", p.status)
	}

	if p := centre.post("/inventory/delete?org="+demo.TrustODS, url.Values{"source": {"ward-integration-engine"}}); p.status != http.StatusSeeOther {
		t.Fatalf("delete = %d\n%s", p.status, p.body)
	}
	if p := centre.get("/inventory?org=" + demo.TrustODS + "&done=inventory-deleted"); !p.has("Inventory deleted", "vigil holds no inventory") {
		t.Errorf("after delete:\n%s", p.body)
	}
}
