package pages_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestSupplierSeesProblemsGrouped walks the care-plan supplier's support desk: a phishing
// site several of its care homes contacted is one problem naming its customers, and
// what a customer marked AMBER+STRICT or RED, or another organisation's alert, is
// nowhere to be seen.
func TestSupplierSeesProblemsGrouped(t *testing.T) {
	s := demoSite(t)
	raise := func(org string, tlp vigil.TLP) int64 {
		t.Helper()
		id, _, err := s.store.RaiseAlert(context.Background(), vigil.Alert{Org: org, Kind: vigil.AlertSighting, Severity: vigil.SeverityHigh,
			Title: "A computer at " + org + " contacted careplan-cloud-login.example", Observable: "careplan-cloud-login.example",
			Indicator: "careplan-cloud-login.example", TLP: tlp, DedupKey: "test|" + org + "|" + string(tlp)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// 1-101000001 to 1-101000025 are CarePlan Cloud's customers; R9B is not one.
	shared := []int64{raise("1-101000001", vigil.TLPGreen), raise("1-101000002", vigil.TLPAmber), raise("1-101000003", vigil.TLPClear)}
	strict, red, other := raise("1-101000004", vigil.TLPAmberStrict), raise("1-101000005", vigil.TLPRed), raise("R9B", vigil.TLPGreen)

	b := s.signIn(supplier)
	home := b.get("/")
	if home.status != http.StatusOK || !home.has("<title>Your customers – vigil</title>", "You serve 25 customers",
		"careplan-cloud-login.example, seen in their systems — 3 customers (High)", "Ashgrove Lodge Care Home") {
		t.Fatalf("supplier home: %d, want the problem grouped across 3 customers\n%s", home.status, home.body)
	}
	group := regexp.MustCompile(`(?s)<details class="nhsuk-details">\s*<summary[^>]*><span[^>]*>careplan-cloud-login\.example.*?</details>`).FindString(home.body)
	for _, id := range shared {
		if !strings.Contains(group, fmt.Sprintf(`href="/alerts/%d"`, id)) {
			t.Errorf("the group does not list alert %d\n%s", id, group)
		}
	}
	for name, id := range map[string]int64{"AMBER+STRICT": strict, "RED": red, "another organisation's": other} {
		link := fmt.Sprintf(`href="/alerts/%d"`, id)
		if strings.Contains(home.body, link) {
			t.Errorf("the home page links the %s alert %d", name, id)
		}
		if p := b.get(fmt.Sprintf("/alerts/%d", id)); p.status != http.StatusNotFound {
			t.Errorf("the %s alert's page: %d, want 404", name, p.status)
		}
	}
	if p := b.get("/customers/1-101000004"); p.status != http.StatusOK || !p.has("Cedar House Care Home") || strings.Contains(p.body, fmt.Sprintf(`/alerts/%d"`, strict)) {
		t.Errorf("the customer with the AMBER+STRICT alert: %d, want its page without that alert\n%s", p.status, p.body)
	}
	if p := b.get("/customers/1-101000001"); !p.has("Ashgrove Lodge Care Home", fmt.Sprintf(`href="/alerts/%d"`, shared[0]), "ashgrove-lodge-care-home.example") {
		t.Errorf("a customer's page: want its addresses and its alert\n%s", p.body)
	}
	for _, ods := range []string{"R9B", "YSP01", "no such code!"} {
		if p := b.get("/customers/" + ods); p.status != http.StatusNotFound {
			t.Errorf("/customers/%s: %d, want 404", ods, p.status)
		}
	}
	if p := b.get("/customers"); !p.has("Ashgrove Lodge Care Home", "Cedar House Care Home") || p.has("R9B") || p.has("CarePlan Cloud Ltd") {
		t.Errorf("customers list: want its 25 care homes only\n%s", p.body)
	}
	csv := b.get("/?format=csv")
	if csv.header.Get("Content-Type") != "text/csv; charset=utf-8" || strings.Count(csv.body, "careplan-cloud-login.example, seen in their systems") != 3 {
		t.Errorf("problems as CSV: %q\n%s", csv.header.Get("Content-Type"), csv.body)
	}
	if p := s.signIn(careManager).get("/customers"); p.status != http.StatusNotFound {
		t.Errorf("a care home opening /customers: %d, want 404", p.status)
	}
}
