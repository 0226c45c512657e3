package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vuln"
)

func keysOf(comps []vigil.Component) []string {
	keys := make([]string, len(comps))
	for i, c := range comps {
		if c.Ecosystem != "" {
			keys[i] = vuln.PackageKey(c.Ecosystem, c.Name)
		}
	}
	return keys
}

func putInventory(t *testing.T, s *store.Store, inv vigil.Inventory, comps []vigil.Component, merge bool) {
	t.Helper()
	if err := s.PutInventory(t.Context(), inv, comps, keysOf(comps), merge); err != nil {
		t.Fatalf("PutInventory %s/%s: %v", inv.Org, inv.Source, err)
	}
}

func components(t *testing.T, s *store.Store, org, source string) []vigil.Component {
	t.Helper()
	got, err := s.InventoryComponents(t.Context(), org, source)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// A replace makes the upload the whole source; a merge adds to it, a component with the
// same identity replacing the stored one; other sources and organisations are untouched.
func TestInventoryReplaceAndMerge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, vigil.Org{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider})
		mustCreate(t, s, vigil.Org{ODSCode: "VN002", Name: "Oak House", Kind: vigil.OrgCareProvider})
		log4j := vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1",
			PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Location: "components[0]", Supplier: "CarePlan Ltd"}
		av := vigil.Component{Name: "Endpoint Security", Vendor: "Kaspersky", Product: "Endpoint Security", Version: "11", Location: "line 2"}
		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		inv := vigil.Inventory{Org: "VN001", Source: "ehr", Format: "CycloneDX", UploadedAt: at, UploadedBy: "m@rose.example",
			Problems: []vigil.InventoryProblem{{Source: "bom.json", Location: "components[3]", Reason: "no name"}}}
		putInventory(t, s, inv, []vigil.Component{log4j, av}, false)
		putInventory(t, s, vigil.Inventory{Org: "VN001", Source: "office", Format: "CSV", UploadedBy: "m@rose.example"},
			[]vigil.Component{{Name: "Windows", Vendor: "Microsoft", Product: "Windows", Version: "10"}}, false)
		putInventory(t, s, vigil.Inventory{Org: "VN002", Source: "ehr", Format: "CSV", UploadedBy: "x@oak.example"},
			[]vigil.Component{{Ecosystem: "PyPI", Name: "Django", Version: "4.2"}}, false)

		invs, err := s.Inventories(ctx, "VN001")
		if err != nil {
			t.Fatal(err)
		}
		if len(invs) != 2 || invs[0].Source != "ehr" || invs[1].Source != "office" {
			t.Fatalf("Inventories = %+v", invs)
		}
		inv.Components = 2
		if diff := cmp.Diff(inv, invs[0]); diff != "" {
			t.Errorf("stored inventory (-want +got):\n%s", diff)
		}
		if invs[1].UploadedAt.IsZero() || invs[1].Problems == nil {
			t.Errorf("a zero upload time is not now, or no problems is not an empty list: %+v", invs[1])
		}
		log4j.Source, av.Source = "ehr", "ehr"
		if diff := cmp.Diff([]vigil.Component{log4j, av}, components(t, s, "VN001", "ehr")); diff != "" {
			t.Errorf("components (-want +got):\n%s", diff)
		}
		if got := components(t, s, "VN001", ""); len(got) != 3 {
			t.Errorf("all sources = %d components, want 3", len(got))
		}

		fixed := log4j
		fixed.Supplier = "CarePlan Group"
		newer := log4j
		newer.Version, newer.Location = "2.17.1", "components[1]"
		putInventory(t, s, vigil.Inventory{Org: "VN001", Source: "ehr", Format: "CycloneDX", UploadedBy: "m@rose.example"},
			[]vigil.Component{fixed, newer}, true)
		newer.Source = "ehr"
		if diff := cmp.Diff([]vigil.Component{fixed, av, newer}, components(t, s, "VN001", "ehr")); diff != "" {
			t.Errorf("after merge (-want +got):\n%s", diff)
		}
		putInventory(t, s, vigil.Inventory{Org: "VN001", Source: "ehr", Format: "CycloneDX", UploadedBy: "m@rose.example"},
			[]vigil.Component{newer}, false)
		if diff := cmp.Diff([]vigil.Component{newer}, components(t, s, "VN001", "ehr")); diff != "" {
			t.Errorf("after replace (-want +got):\n%s", diff)
		}
		invs, _ = s.Inventories(ctx, "VN001")
		if invs[0].Components != 1 || len(invs[0].Problems) != 0 {
			t.Errorf("after replace: %+v", invs[0])
		}
		if got := components(t, s, "VN002", "ehr"); len(got) != 1 || got[0].Name != "Django" {
			t.Errorf("another organisation's source changed: %+v", got)
		}

		if err := s.DeleteInventory(ctx, "VN001", "ehr"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteInventory(ctx, "VN001", "ehr"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("deleting it again: %v", err)
		}
		if got := components(t, s, "VN001", ""); len(got) != 1 || got[0].Source != "office" {
			t.Errorf("after delete: %+v", got)
		}
	})
}

// An inventory for an organisation that does not exist is refused by the foreign key.
func TestInventoryUnknownOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		err := s.PutInventory(t.Context(), vigil.Inventory{Org: "NOPE1", Source: "x", Format: "CSV"}, nil, nil, false)
		if err == nil {
			t.Error("stored an inventory for an unknown organisation")
		}
	})
}

// The organisations running a package or a vendor's products are found by key and by
// vendor without regard to case; text an upload may hold that PostgreSQL refuses is
// stored cleaned rather than failing the upload.
func TestOrgsWithPackagesAndVendors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, o := range []string{"VN001", "VN002", "VN003"} {
			mustCreate(t, s, vigil.Org{ODSCode: o, Name: "Care " + o, Kind: vigil.OrgCareProvider})
		}
		putInventory(t, s, vigil.Inventory{Org: "VN001", Source: "a", Format: "PURL"}, []vigil.Component{
			{Ecosystem: "PyPI", Name: "Django_REST.framework", Version: "3.0"},
			{Name: "AV", Vendor: "KASPERSKY", Product: "Total Security"}}, false)
		putInventory(t, s, vigil.Inventory{Org: "VN002", Source: "b", Format: "PURL"}, []vigil.Component{
			{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"},
			{Ecosystem: "npm", Name: "bad\x00name\xff", Version: "1"}}, false)
		putInventory(t, s, vigil.Inventory{Org: "VN003", Source: "c", Format: "CSV"}, []vigil.Component{
			{Name: "Windows", Vendor: "Microsoft", Product: "Windows"}, {Ecosystem: "Debian:12", Name: "openssl", Version: "3.0.11-1"}}, false)

		tests := []struct {
			name    string
			keys    []string
			vendors []string
			want    []string
		}{
			{name: "normalised pypi name", keys: []string{vuln.PackageKey("PyPI", "django-rest-framework")}, want: []string{"VN001"}},
			{name: "two packages", keys: []string{vuln.PackageKey("PyPI", "django-rest-framework"),
				vuln.PackageKey("Maven", "org.apache.logging.log4j:log4j-core")}, want: []string{"VN001", "VN002"}},
			{name: "ecosystem release suffix", keys: []string{vuln.PackageKey("Debian:11", "openssl")}, want: []string{"VN003"}},
			{name: "not held", keys: []string{vuln.PackageKey("npm", "left-pad")}},
			{name: "empty key", keys: []string{""}},
			{name: "vendor any case", vendors: []string{"kaspersky"}, want: []string{"VN001"}},
			{name: "vendors", vendors: []string{"Microsoft", "Kaspersky", "Sophos"}, want: []string{"VN001", "VN003"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []string
				var err error
				if tt.vendors != nil {
					got, err = s.OrgsWithVendors(ctx, tt.vendors)
				} else {
					got, err = s.OrgsWithPackages(ctx, tt.keys)
				}
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
		if got := components(t, s, "VN002", "b"); got[1].Name != "bad\uFFFDname\uFFFD" {
			t.Errorf("stored name %q", got[1].Name)
		}
	})
}

// BenchmarkPutInventory stores a 10,000-component inventory, replacing the last one.
func BenchmarkPutInventory(b *testing.B) {
	s := storetest.Open(b)
	mustCreate(b, s, vigil.Org{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider})
	comps := make([]vigil.Component, 10000)
	for i := range comps {
		comps[i] = vigil.Component{Ecosystem: "npm", Name: fmt.Sprintf("package-%d", i), Version: "1.0.0",
			PURL: fmt.Sprintf("pkg:npm/package-%d@1.0.0", i), Location: "package-lock.json"}
	}
	keys := keysOf(comps)
	for b.Loop() {
		if err := s.PutInventory(b.Context(), vigil.Inventory{Org: "VN001", Source: "lock", Format: "package-lock.json"}, comps, keys, false); err != nil {
			b.Fatal(err)
		}
	}
}
