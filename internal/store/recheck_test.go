package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The reads and writes of a re-check of many organisations give, for each, what the
// one-organisation methods give.
func TestRecheckReadsAndWritesMatchTheOneOrganisationMethods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		orgs := []string{"RA1", "RA2", "RA3"}
		for _, o := range orgs {
			kind := map[bool]vigil.OrgKind{false: vigil.OrgTrust, true: vigil.OrgSupplier}[o == "RA3"]
			if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: o, Name: "Org " + o, Kind: kind, Region: "London"}); err != nil {
				t.Fatal(err)
			}
		}
		log4j := vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1",
			PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Location: "lib", Supplier: "CarePlan"}
		office := vigil.Component{Vendor: "Microsoft", Product: "Windows 11", Version: "10.0"}
		putInventory(t, s, vigil.Inventory{Org: "RA1", Source: "b-servers"}, []vigil.Component{log4j, office}, false)
		putInventory(t, s, vigil.Inventory{Org: "RA1", Source: "a-office"}, []vigil.Component{office}, false)
		putInventory(t, s, vigil.Inventory{Org: "RA2", Source: "servers"}, []vigil.Component{log4j}, false)

		byOrg, err := s.InventoryComponentsOf(ctx, orgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			want := components(t, s, o, "")
			for i := range want { // a check reads neither
				want[i].PURL, want[i].SourcePackage = "", ""
			}
			if diff := cmp.Diff(want, byOrg[o], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("components of %s (-one by one +together):\n%s", o, diff)
			}
		}

		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		found := []vigil.Exposure{
			{Org: "RA1", Vuln: "CVE-2021-44228", Severity: vigil.SeverityCritical, EPSS: -1, FirstFound: at, CheckedAt: at,
				Components: []vigil.AffectedComponent{{Ecosystem: "Maven", Name: "log4j-core", Version: "2.14.1"}}},
			{Org: "RA1", Vuln: "CVE-2021-45046", Severity: vigil.SeverityHigh, EPSS: 0.5, FirstFound: at, CheckedAt: at},
			{Org: "RA2", Vuln: "CVE-2021-44228", Severity: vigil.SeverityCritical, EPSS: -1, FirstFound: at, CheckedAt: at,
				FixedAt: at, Aliases: []string{"GHSA-jfh8-c2jp-5v3q"}},
		}
		if err := s.PutExposures(ctx, found); err != nil {
			t.Fatal(err)
		}
		later := at.Add(time.Hour)
		if err := s.TouchExposuresOf(ctx, []string{"RA1", "RA2"}, later); err != nil {
			t.Fatal(err)
		}
		together, err := s.ExposuresOf(ctx, orgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			one, err := s.OrgExposures(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(one, together[o], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings of %s (-one by one +together):\n%s", o, diff)
			}
		}
		if got := together["RA1"]; len(got) != 2 || !got[0].CheckedAt.Equal(later) || got[1].EPSS != 0.5 {
			t.Errorf("RA1's open findings after the touch: %+v", got)
		}
		if got := together["RA2"]; len(got) != 1 || !got[0].CheckedAt.Equal(at) || got[0].Aliases[0] != "GHSA-jfh8-c2jp-5v3q" {
			t.Errorf("RA2's fixed finding is not touched: %+v", got)
		}

		if err := s.LinkSupplier(ctx, "RA3", "RA2"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CustomersOfAny(ctx, orgs); err != nil || !cmp.Equal(got, map[string]bool{"RA2": true}) {
			t.Errorf("customers among %v: %v %v", orgs, got, err)
		}
	})
}
