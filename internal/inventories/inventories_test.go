package inventories

import (
	"context"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var (
	admin    = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
	analyst  = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
	manager  = vigil.Principal{Email: "manager@rose.example", Role: vigil.RoleOrgAdmin, Org: "VN001"}
	carer    = vigil.Principal{Email: "carer@rose.example", Role: vigil.RoleOrgMember, Org: "VN001"}
	oak      = vigil.Principal{Email: "manager@oak.example", Role: vigil.RoleOrgAdmin, Org: "VN002"}
	supplier = vigil.Principal{Email: "help@careplan.example", Role: vigil.RoleSupplier, Org: "YSP01"}
	sensor   = vigil.Principal{Email: "zeek", Role: vigil.RoleSensor, Org: "VN001"}
)

const productCSV = "vendor,product,version,supplier\n" +
	"Microsoft,Windows 10,22H2,\n" +
	"Kaspersky,Endpoint Security,11.0,\n" +
	",,\n" +
	"CarePlan Ltd,CarePlan Mobile,4.2,CarePlan Ltd\n"

const purls = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\npkg:npm/lodash@4.17.20\n"

// setup is Rose and Oak (care providers), a supplier, and the Service with a hook that
// records the organisations it was told about.
func setup(t *testing.T, s *store.Store) (*Service, *[]string) {
	t.Helper()
	for _, o := range []vigil.Org{
		{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider},
		{ODSCode: "VN002", Name: "Oak House", Kind: vigil.OrgCareProvider},
		{ODSCode: "YSP01", Name: "CarePlan", Kind: vigil.OrgSupplier},
	} {
		if _, _, err := s.CreateOrg(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	var changed []string
	svc := New(Deps{Store: s, MaxBytes: 4096, OnChange: func(_ context.Context, org string) { changed = append(changed, org) }})
	return svc, &changed
}

// Who may upload Rose's inventory: its own people and the centre; another organisation
// does not find it; suppliers and sensors may not.
func TestWhoMayUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, changed := setup(t, s)
		tests := []struct {
			name string
			p    vigil.Principal
			code string
		}{
			{name: "sector admin", p: admin},
			{name: "sector analyst", p: analyst},
			{name: "own org admin", p: manager},
			{name: "own org member", p: carer},
			{name: "another organisation", p: oak, code: vigil.ENOTFOUND},
			{name: "supplier", p: supplier, code: vigil.EFORBIDDEN},
			{name: "sensor", p: sensor, code: vigil.EFORBIDDEN},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				*changed = nil
				_, err := svc.Upload(t.Context(), tt.p, Upload{Org: "vn001", Source: "office", FileName: "office.csv"}, strings.NewReader(productCSV))
				if got := vigil.ErrorCode(err); got != tt.code {
					t.Fatalf("Upload = %v, want code %q", err, tt.code)
				}
				if _, err := svc.List(t.Context(), tt.p, "VN001"); vigil.ErrorCode(err) != tt.code {
					t.Errorf("List = %v, want code %q", err, tt.code)
				}
				if tt.code == "" && (len(*changed) != 1 || (*changed)[0] != "VN001") {
					t.Errorf("OnChange heard %v", *changed)
				}
				if tt.code != "" && len(*changed) != 0 {
					t.Errorf("a refused upload told OnChange %v", *changed)
				}
			})
		}
	})
}

// An upload reports what it understood and its problems, keeps the rest, replaces or
// merges by source, and is audited; a delete removes the source.
func TestUploadReplaceMergeDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc, _ := setup(t, s)
		rep, err := svc.Upload(ctx, manager, Upload{Org: "VN001", FileName: "office.csv"}, strings.NewReader(productCSV))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Source != "office.csv" || rep.Format != "csv" || rep.Components != 3 || rep.Unmatched != 3 || rep.Stored != 3 ||
			len(rep.Problems) != 1 || rep.Problems[0].Location != "line 4" {
			t.Errorf("report = %+v", rep)
		}
		rep, err = svc.Upload(ctx, manager, Upload{Org: "VN001", Source: "office.csv", Merge: true, FileName: "app.purl"}, strings.NewReader(purls))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Components != 2 || rep.Unmatched != 0 || rep.Stored != 5 || !rep.Merged {
			t.Errorf("merge report = %+v", rep)
		}
		comps, total, err := svc.Components(ctx, carer, "VN001", "office.csv", 2)
		if err != nil || total != 5 || len(comps) != 2 {
			t.Errorf("Components capped at 2 = %d of %d, %v", len(comps), total, err)
		}
		rep, _ = svc.Upload(ctx, analyst, Upload{Org: "VN001", Source: "office.csv", FileName: "app.purl"}, strings.NewReader(purls))
		if rep.Stored != 2 {
			t.Errorf("replace left %d components, want 2", rep.Stored)
		}
		invs, _ := svc.List(ctx, manager, "VN001")
		if len(invs) != 1 || invs[0].UploadedBy != analyst.Email || invs[0].Format != "purls" || len(invs[0].Problems) != 0 {
			t.Errorf("List = %+v", invs)
		}
		entries, _, err := s.ListAudit(ctx, vigil.AuditFilter{Action: "inventory.upload", Target: "VN001"})
		if err != nil || len(entries) != 3 || !strings.Contains(entries[0].Detail, `"stored":2`) {
			t.Errorf("audit = %+v, %v", entries, err)
		}
		if err := svc.Delete(ctx, oak, "VN001", "office.csv"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("Oak deleting Rose's inventory: %v", err)
		}
		if err := svc.Delete(ctx, carer, "VN001", "office.csv"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, carer, "VN001", "office.csv"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("deleting again: %v", err)
		}
	})
}

// Uploads refused with a reason the uploader can act on, changing nothing.
func TestUploadRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, changed := setup(t, s)
		tests := []struct {
			name, org, source, file, body, want string
		}{
			{name: "empty file", org: "VN001", file: "x.csv", body: "", want: "empty"},
			{name: "not a format", org: "VN001", file: "notes.bin", body: "hello there", want: "not a format vigil reads"},
			{name: "JSON syntax", org: "VN001", file: "bom.json", body: "{\"bomFormat\": \"CycloneDX\",\n\"components\": [}", want: "bom.json"},
			{name: "nothing readable", org: "VN001", file: "x.purl", body: "pkg:\npkg:%%\n", want: "nothing in it could be read"},
			{name: "too large", org: "VN001", file: "big.csv", body: "vendor,product,version\n" + strings.Repeat("a,b,1\n", 1000), want: "larger than"},
			{name: "bad source", org: "VN001", source: "../etc", file: "x.csv", body: productCSV, want: "source name"},
			{name: "unknown org", org: "VN999", file: "x.csv", body: productCSV, want: "no organisation VN999"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				*changed = nil
				_, err := svc.Upload(t.Context(), admin, Upload{Org: tt.org, Source: tt.source, FileName: tt.file}, strings.NewReader(tt.body))
				if err == nil || !strings.Contains(vigil.ErrorMessage(err), tt.want) {
					t.Fatalf("Upload = %v, want a message with %q", err, tt.want)
				}
				if c := vigil.ErrorCode(err); c != vigil.EINVALID && c != vigil.ENOTFOUND {
					t.Errorf("code %q", c)
				}
				if len(*changed) != 0 {
					t.Errorf("OnChange heard %v", *changed)
				}
			})
		}
		if invs, _ := svc.List(t.Context(), admin, "VN001"); len(invs) != 0 {
			t.Errorf("a refused upload stored %+v", invs)
		}
	})
}

func TestDefaultSource(t *testing.T) {
	for file, want := range map[string]string{
		"":                             "inventory",
		"bom.json":                     "bom.json",
		`C:\Users\me\My SBOM (1).json`: "My-SBOM-1-.json",
		"/srv/app/package-lock.json":   "package-lock.json",
		"...":                          "inventory",
		"ünïcode.csv":                  "n-code.csv",
		strings.Repeat("a", 100):       strings.Repeat("a", 64),
	} {
		if got := DefaultSource(file); got != want {
			t.Errorf("DefaultSource(%q) = %q, want %q", file, got, want)
		}
	}
}
