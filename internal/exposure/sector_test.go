package exposure_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vex"
)

// csvInventory parses a vendor,product,version CSV as an upload does and stores it.
func (f *fixture) csvInventory(org, source, csv string) {
	f.t.Helper()
	inv, err := inventory.Parse(source+".csv", strings.NewReader(csv))
	if err != nil {
		f.t.Fatal(err)
	}
	f.inventory(org, source, inv.Components...)
}

func TestKasperskyRaisesAReviewThatStaysReviewed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		f.csvInventory(careHome, "office", "vendor,product,version\nKaspersky,Endpoint Security for Windows,11.1.0\nMicrosoft,Windows 11,10.0.22631\n")
		f.svc.InventoryChanged(ctx, careHome)
		got := f.alertsOf(careHome)
		if len(got) != 1 {
			t.Fatalf("care home has %d alerts, want the one review: %+v", len(got), got)
		}
		al := got[0]
		if !strings.Contains(al.Title, "Review the risk of") || !strings.Contains(al.Title, "national guidance") ||
			al.Indicator != "VIGIL-POLICY-KASPERSKY" || al.Severity != vigil.SeverityMedium {
			t.Errorf("alert %q indicator %s severity %s", al.Title, al.Indicator, al.Severity)
		}
		if al.AckDueAt != f.clk.t.Add(exposure.ReviewWithin) || !al.FixDueAt.IsZero() {
			t.Errorf("review deadlines: ack %v fix %v, want ack in 30 days and no fix deadline", al.AckDueAt, al.FixDueAt)
		}
		// The care home records its review by resolving the alert: later checks keep it so.
		al2 := alerts.New(alerts.Deps{Store: s, Now: f.clk.now})
		if _, err := al2.Resolve(ctx, analyst, al.ID, "Reviewed with our IT supplier: replacing by March."); err != nil {
			t.Fatal(err)
		}
		f.svc.InventoryChanged(ctx, careHome)
		if got := f.alertsOf(careHome); len(got) != 1 || got[0].Status != vigil.AlertResolved {
			t.Fatalf("after a re-check the review should stay resolved: %+v", got)
		}
		// A new version of the product asks for a new review.
		f.csvInventory(careHome, "office", "vendor,product,version\nKaspersky,Endpoint Security for Windows,12.0.0\n")
		f.svc.InventoryChanged(ctx, careHome)
		open := 0
		for _, a := range f.alertsOf(careHome) {
			if a.Status != vigil.AlertResolved {
				open++
			}
		}
		if open != 1 {
			t.Errorf("after the version changed: %d open review alerts, want 1", open)
		}
	})
}

func acme(id, fixed string) vigil.SectorAdvisory {
	return vigil.SectorAdvisory{ID: id, Vendor: "Acme", Product: "CarePlan", Match: vigil.ProductExact,
		Ranges: []vigil.VersionRange{{Fixed: fixed}}, Severity: vigil.SeverityHigh,
		Summary: "CarePlan lets anyone read care records without logging in."}
}

func TestSectorAdvisoryRaisesForAffectedVersionAndChecksOnlyVendorOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		f.csvInventory(ownOrg, "apps", "vendor,product,version\nAcme,CarePlan,4.1\n")
		f.csvInventory(otherOrg, "apps", "vendor,product,version\nAcme,CarePlan,4.2\n")
		before := f.svc.OrgsChecked()
		out, err := f.svc.SaveSectorAdvisory(ctx, analyst, acme("SECTOR-2026-0001", "4.2"), true)
		if err != nil {
			t.Fatal(err)
		}
		if out.OrgsChecked != 2 || f.svc.OrgsChecked()-before != 2 {
			t.Errorf("a new Acme advisory checked %d organisations (%d by the counter), want the 2 running Acme",
				out.OrgsChecked, f.svc.OrgsChecked()-before)
		}
		got := f.alertsOf(ownOrg)
		if len(got) != 1 || got[0].Indicator != "SECTOR-2026-0001" || got[0].Severity != vigil.SeverityHigh || got[0].FixDueAt.IsZero() {
			t.Fatalf("RXA (CarePlan 4.1) alerts: %+v", got)
		}
		if n := len(f.alertsOf(otherOrg)); n != 0 {
			t.Errorf("RXB (CarePlan 4.2) has %d alerts, want none", n)
		}
		// A second create of the same ID is a conflict; an update that moves the fix
		// down to 4.1 resolves RXA's alert.
		if _, err := f.svc.SaveSectorAdvisory(ctx, analyst, acme("SECTOR-2026-0001", "4.2"), true); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("second create: %v, want a conflict", err)
		}
		if _, err := f.svc.SaveSectorAdvisory(ctx, analyst, acme("SECTOR-2026-0001", "4.1"), false); err != nil {
			t.Fatal(err)
		}
		if got := f.alertsOf(ownOrg); len(got) != 1 || got[0].Status != vigil.AlertResolved {
			t.Errorf("after the fix moved to 4.1, RXA's alert should be resolved: %+v", got)
		}
		// An organisation sees only the advisories found at it; members may not write them.
		if list, err := f.svc.ListSectorAdvisories(ctx, otherMem, false); err != nil || len(list) != 0 {
			t.Errorf("RXB sees %d advisories (%v), want none", len(list), err)
		}
		if list, err := f.svc.ListSectorAdvisories(ctx, ownAdmin, false); err != nil || len(list) != 1 {
			t.Errorf("RXA sees %d advisories (%v), want 1", len(list), err)
		}
		if _, err := f.svc.SaveSectorAdvisory(ctx, ownAdmin, acme("SECTOR-X", "4.2"), true); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("org admin writing an advisory: %v, want forbidden", err)
		}
		bad := acme("SECTOR-2026-0002", "4.2")
		bad.Severity = "dire"
		if _, err := f.svc.SaveSectorAdvisory(ctx, analyst, bad, true); vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), "severity") {
			t.Errorf("bad severity: %v", err)
		}
		if _, err := f.svc.WithdrawSectorAdvisory(ctx, analyst, "SECTOR-2026-0001"); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.svc.ListSectorAdvisories(ctx, analyst, false); len(list) != 0 {
			t.Errorf("withdrawn advisory still listed: %+v", list)
		}
	})
}

const log4jNotAffected = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://rxa.example/vex/1",
  "author": "RXA IT",
  "timestamp": "2026-11-30T09:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2021-44228"},
     "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
     "impact_statement": "JndiLookup.class removed from the jar."},
    {"vulnerability": {"name": "CVE-2099-0001"}, "products": [{"@id": "pkg:npm/x@1"}], "status": "bogus"}
  ]
}`

func TestVEXNotAffectedSuppressesLog4ShellAndExportRoundTrips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		if got := f.alertsOf(ownOrg); len(got) != 1 || got[0].Status == vigil.AlertResolved {
			t.Fatalf("before VEX: %+v", got)
		}
		up, err := f.svc.UploadVEX(ctx, ownAdmin, ownOrg, "rxa.openvex.json", []byte(log4jNotAffected))
		if err != nil {
			t.Fatal(err)
		}
		if up.Statements != 1 || len(up.Problems) != 1 || up.Problems[0].Line == 0 || up.OrgsChecked != 1 {
			t.Errorf("upload: %+v, want 1 kept, 1 problem with its line, 1 organisation checked", up)
		}
		got := f.alertsOf(ownOrg)
		if len(got) != 1 || got[0].Status != vigil.AlertResolved {
			t.Fatalf("after VEX the Log4Shell alert should be resolved: %+v", got)
		}
		sup, err := f.svc.Suppressed(ctx, ownAdmin, ownOrg)
		if err != nil || len(sup) != 1 || sup[0].Vuln != log4shell || sup[0].Status != vigil.VEXNotAffected ||
			!strings.Contains(sup[0].Reason, "vulnerable_code_not_in_execute_path") && !strings.Contains(sup[0].Reason, "execute path") {
			t.Errorf("suppressed: %+v (%v)", sup, err)
		}
		if _, err := f.svc.UploadVEX(ctx, otherMem, ownOrg, "x.json", []byte(log4jNotAffected)); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation's member uploading: %v", err)
		}
		for _, format := range []string{"openvex", "cyclonedx"} {
			out, err := f.svc.ExportBuffer(ctx, ownAdmin, ownOrg, format)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := vex.Parse("export", out)
			if err != nil {
				t.Fatalf("%s export does not read back: %v\n%s", format, err, out)
			}
			if len(doc.Statements) != 1 || doc.Statements[0].Vulnerability != log4shell || doc.Statements[0].Status != vigil.VEXNotAffected ||
				doc.Statements[0].Name != "org.apache.logging.log4j:log4j-core" {
				t.Errorf("%s round trip: %+v", format, doc.Statements)
			}
		}
		// Removing the statement (an empty replacement is refused, so upload an affected one)
		// brings the alert back as a new one.
		affected := strings.Replace(strings.Replace(log4jNotAffected, `"not_affected"`, `"affected"`, 1), `"2026-11-30T09:00:00Z"`, `"2026-12-01T09:00:00Z"`, 1)
		f.clk.mu.Lock()
		f.clk.t = f.clk.t.Add(time.Hour)
		f.clk.mu.Unlock()
		if _, err := f.svc.UploadVEX(ctx, ownAdmin, ownOrg, "rxa.openvex.json", []byte(affected)); err != nil {
			t.Fatal(err)
		}
		open := 0
		for _, a := range f.alertsOf(ownOrg) {
			if a.Status != vigil.AlertResolved {
				open++
			}
		}
		if open != 1 {
			t.Errorf("after the statement became affected: %d open alerts, want 1", open)
		}
	})
}

func TestSupplierVEXAppliesToItsComponentsAtCustomers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: "SUP01", Name: "Example Care Plans", Kind: vigil.OrgSupplier, Region: "North West"}); err != nil {
			t.Fatal(err)
		}
		f.inventory(ownOrg, "servers", vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Supplier: "Example Care Plans"})
		f.source("OSV test", vigil.AdvisoryOSV, "osv")
		up, err := f.svc.UploadVEX(ctx, supplier, "SUP01", "careplan.json", []byte(log4jNotAffected))
		if err != nil {
			t.Fatal(err)
		}
		if up.OrgsChecked != 1 {
			t.Errorf("supplier upload checked %d organisations, want its 1 customer", up.OrgsChecked)
		}
		if got := f.alertsOf(ownOrg); len(got) != 1 || got[0].Status != vigil.AlertResolved {
			t.Errorf("the supplier's statement should close RXA's alert: %+v", got)
		}
	})
}
