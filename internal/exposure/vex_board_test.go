package exposure_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

const log4jCore = "org.apache.logging.log4j:log4j-core"

// later moves the fixture's clock on, so that a check is told apart from the last.
func (f *fixture) later() {
	f.clk.mu.Lock()
	f.clk.t = f.clk.t.Add(time.Hour)
	f.clk.mu.Unlock()
}

// boardLine is the board's line for vulnerability id as p sees it.
func (f *fixture) boardLine(p vigil.Principal, id string) vigil.VulnSummary {
	f.t.Helper()
	list, err := f.svc.Board(context.Background(), p, "")
	if err != nil {
		f.t.Fatal(err)
	}
	for _, v := range list {
		if v.ID == id {
			return v
		}
	}
	f.t.Fatalf("%s is not on %s's board: %+v", id, p.Email, list)
	return vigil.VulnSummary{}
}

func TestVEXSuppressedFindingsStayOnTheBoard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		if _, err := f.svc.UploadVEX(ctx, ownAdmin, ownOrg, "rxa.openvex.json", []byte(log4jNotAffected)); err != nil {
			t.Fatal(err)
		}
		// The care home's statement comes before vigil ever finds the vulnerability there.
		if _, err := f.svc.UploadVEX(ctx, analyst, careHome, "care.openvex.json", []byte(log4jNotAffected)); err != nil {
			t.Fatal(err)
		}
		f.inventory(careHome, "care-app", vigil.Component{Ecosystem: "Maven", Name: log4jCore, Version: "2.14.1"})
		f.svc.InventoryChanged(ctx, careHome)
		if got := f.alertsOf(careHome); len(got) != 0 {
			t.Errorf("the care home said not affected first, yet has alerts: %+v", got)
		}

		v := f.boardLine(analyst, log4shell)
		if v.Suppressed != 2 || v.Fixed != 0 || v.Orgs != 0 || v.Summary == "" {
			t.Errorf("board line: %+v, want 2 suppressed, none fixed or affected, with the summary", v)
		}
		if own := f.boardLine(ownAdmin, log4shell); own.Suppressed != 1 {
			t.Errorf("the trust's own board: %+v, want its own suppression only", own)
		}
		list, err := f.svc.Vulnerability(ctx, analyst, "GHSA-jfh8-c2jp-5v3q")
		if err != nil || len(list) != 2 {
			t.Fatalf("vulnerability: %+v (%v), want the trust and the care home", list, err)
		}
		for _, e := range list {
			if e.VEX == nil || e.VEX.Label() != "not affected (VEX: vulnerable_code_not_in_execute_path)" ||
				!strings.Contains(e.VEX.Reason, "JndiLookup") || e.FixedAt.IsZero() {
				t.Errorf("%s: %+v (VEX %+v), want not affected by the statement", e.Org, e, e.VEX)
			}
		}
		if _, err := f.svc.Vulnerability(ctx, otherMem, log4shell); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation sees the suppressions: %v", err)
		}

		// A real fix at the trust later counts as fixed, not suppressed.
		f.later()
		f.inventory(ownOrg, "servers", vigil.Component{Ecosystem: "Maven", Name: log4jCore, Version: "2.17.1"})
		f.svc.InventoryChanged(ctx, ownOrg)
		if v := f.boardLine(analyst, log4shell); v.Suppressed != 1 || v.Fixed != 1 {
			t.Errorf("after the trust upgraded: %+v, want 1 suppressed and 1 fixed", v)
		}
	})
}

func TestVulnerabilityAlertListsTheComponentsAffectedNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		first := f.alertsOf(ownOrg)
		if len(first) != 1 {
			t.Fatalf("before: %+v", first)
		}
		outbox := func() int {
			es, _, err := s.ListOutbox(ctx, vigil.OutboxFilter{Org: ownOrg, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		sent := outbox()
		only := func(when string) vigil.Alert {
			t.Helper()
			got := f.alertsOf(ownOrg)
			if len(got) != 1 || got[0].ID != first[0].ID || got[0].Count != 1 || got[0].Status != vigil.AlertOpen {
				t.Fatalf("%s: %+v, want the one alert, open, never repeated", when, got)
			}
			if n := outbox(); n != sent {
				t.Errorf("%s: %d messages, want %d (nobody is told again)", when, n, sent)
			}
			return got[0]
		}

		// Another inventory shows a second affected version: the one alert lists both.
		f.later()
		f.inventory(ownOrg, "desktops", vigil.Component{Ecosystem: "Maven", Name: log4jCore, Version: "2.13.3"})
		f.svc.InventoryChanged(ctx, ownOrg)
		a := only("second component")
		for _, want := range []string{`2.14.1, listed in your inventory "servers"`, `2.13.3, listed in your inventory "desktops"`,
			"Upgrade " + log4jCore + " 2.13.3 to 2.15.0 or later", "Upgrade " + log4jCore + " 2.14.1 to 2.15.0 or later"} {
			if !strings.Contains(a.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, a.Body)
			}
		}
		if !strings.Contains(a.Title, "and 1 more") || !strings.Contains(a.Observable, "2.13.3") {
			t.Errorf("title %q, observable %q: want both components", a.Title, a.Observable)
		}

		// Checking again with nothing changed leaves it as it is.
		f.later()
		f.svc.InventoryChanged(ctx, ownOrg)
		if again := only("unchanged"); again.Body != a.Body || again.Title != a.Title {
			t.Errorf("reworded with nothing changed:\n%s", again.Body)
		}

		// A VEX statement says 2.14.1 is not affected: the alert stays open, for 2.13.3 only.
		f.later()
		if _, err := f.svc.UploadVEX(ctx, ownAdmin, ownOrg, "rxa.openvex.json", []byte(log4jNotAffected)); err != nil {
			t.Fatal(err)
		}
		a = only("2.14.1 not affected")
		if strings.Contains(a.Body, "2.14.1") || !strings.Contains(a.Body, "2.13.3") || strings.Contains(a.Title, "more") {
			t.Errorf("after the statement on 2.14.1: %q\n%s", a.Title, a.Body)
		}

		// The desktops are upgraded too: the alert is resolved, saying so.
		f.later()
		f.inventory(ownOrg, "desktops", vigil.Component{Ecosystem: "Maven", Name: log4jCore, Version: "2.17.1"})
		f.svc.InventoryChanged(ctx, ownOrg)
		got := f.alertsOf(ownOrg)
		if len(got) != 1 || got[0].Status != vigil.AlertResolved {
			t.Fatalf("after every component is closed: %+v", got)
		}
	})
}

// A supplier's VEX page lists its documents and what its statements closed at its
// customers; the customer's own list says whose statement it was. Deleting the document
// opens the finding again as a new alert.
func TestSupplierSeesWhatItsVEXClosedAndDeletesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: "SUP01", Name: "Example Care Plans", Kind: vigil.OrgSupplier, Region: "North West"}); err != nil {
			t.Fatal(err)
		}
		f.inventory(ownOrg, "servers", vigil.Component{Ecosystem: "Maven", Name: log4jCore, Version: "2.14.1", Supplier: "example care plans"})
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		if _, err := f.svc.UploadVEX(ctx, supplier, "SUP01", "careplan.json", []byte(log4jNotAffected)); err != nil {
			t.Fatal(err)
		}
		held, err := f.svc.VEX(ctx, supplier, "SUP01")
		if err != nil {
			t.Fatal(err)
		}
		if !held.Supplier || held.Owner != "Example Care Plans" || len(held.Documents) != 1 || held.Documents[0].Name != "careplan.json" ||
			held.Documents[0].Statements != 1 || held.Documents[0].UploadedBy != supplier.Email || len(held.Statements) != 1 {
			t.Errorf("the supplier's VEX: %+v", held)
		}
		if len(held.Suppressed) != 1 || held.Suppressed[0].Org != ownOrg || held.Suppressed[0].Vuln != log4shell {
			t.Errorf("what the supplier's statements closed: %+v", held.Suppressed)
		}
		own, err := f.svc.VEX(ctx, ownAdmin, ownOrg)
		if err != nil || len(own.Documents) != 0 || len(own.Suppressed) != 1 || !strings.EqualFold(own.Suppressed[0].Supplier, "Example Care Plans") {
			t.Errorf("the customer's VEX: %+v (%v), want the supplier's suppression and no document of its own", own, err)
		}
		if _, err := f.svc.VEX(ctx, otherMem, ownOrg); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation reading the trust's VEX: %v", err)
		}
		if err := f.svc.DeleteVEX(ctx, ownAdmin, ownOrg, "careplan.json"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("the customer deleting the supplier's document: %v", err)
		}
		f.later()
		if err := f.svc.DeleteVEX(ctx, supplier, "SUP01", "careplan.json"); err != nil {
			t.Fatal(err)
		}
		open := 0
		for _, a := range f.alertsOf(ownOrg) {
			if a.Status != vigil.AlertResolved {
				open++
			}
		}
		if held, _ := f.svc.VEX(ctx, supplier, "SUP01"); open != 1 || len(held.Documents) != 0 || len(held.Suppressed) != 0 {
			t.Errorf("after the supplier deleted its document: %d open alerts, %+v", open, held)
		}
	})
}
