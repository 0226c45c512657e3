package vuln

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
)

func sectorFixtures(t *testing.T) ([]vigil.Component, []vigil.SectorAdvisory) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sector", "inventory.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := inventory.Parse("inventory.csv", f)
	if err != nil || len(inv.Problems) > 0 {
		t.Fatalf("inventory: %v %v", err, inv.Problems)
	}
	a, err := os.Open(filepath.Join("testdata", "sector", "advisories.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	advs, err := ParseSectorAdvisories(a)
	if err != nil {
		t.Fatal(err)
	}
	return inv.Components, advs
}

// TestMatchSectorGolden matches a care home's product list against two analysts'
// advisories and the products-of-concern policy: FortiOS by prefix and range, a care-plan
// app named with its vendor in front and by its alias, Kaspersky by the policy; a product
// with no version or an unreadable one is listed as not checked, with the reason.
func TestMatchSectorGolden(t *testing.T) {
	comps, advs := sectorFixtures(t)
	advs = append(advs, ProductsOfConcern().Advisories...)
	res, err := MatchSector(comps, advs)
	if err != nil {
		t.Fatal(err)
	}
	type unmatched struct{ Product, Version, Reason string }
	out := struct {
		Findings  []Finding
		Checked   int
		Unmatched []unmatched
	}{Findings: res.Findings, Checked: res.Checked}
	for _, u := range res.Unmatched {
		out.Unmatched = append(out.Unmatched, unmatched{u.Component.Product, u.Component.Version, u.Reason})
	}
	got, _ := json.MarshalIndent(out, "", "  ")
	goldenFile(t, filepath.Join("sector", "matched.golden"), append(got, '\n'))
	want := map[string]string{"FortiOS (FortiGate 60F) 7.2.5": "SECTOR-2026-0007", "FortiOS 6.0.17": "SECTOR-2026-0007",
		"Example Care Systems CarePlanner 5.1.9": "SECTOR-2026-0011", "Kaspersky Endpoint Security for Windows 11.11.0.452": "VIGIL-POLICY-KASPERSKY"}
	if len(res.Findings) != len(want) {
		t.Errorf("%d findings, want %d", len(res.Findings), len(want))
	}
	for _, f := range res.Findings {
		if want[f.Name+" "+f.Version] != f.ID {
			t.Errorf("unexpected finding %s %s %s", f.Name, f.Version, f.ID)
		}
	}
}

// TestMatchSectorNoAdvisories keeps products visible when nothing can match them.
func TestMatchSectorNoAdvisories(t *testing.T) {
	comps, _ := sectorFixtures(t)
	res, err := MatchSector(comps, nil)
	if err != nil || res.Checked != 0 || len(res.Unmatched) != len(comps) {
		t.Errorf("got %d checked, %d unmatched of %d, %v", res.Checked, len(res.Unmatched), len(comps), err)
	}
}

// TestMatchSectorInvalid refuses an advisory that fails validation, naming it and the field.
func TestMatchSectorInvalid(t *testing.T) {
	_, err := MatchSector(nil, []vigil.SectorAdvisory{{ID: "S-9", Vendor: "X", Match: vigil.ProductAny, Severity: "high"}})
	if err == nil || !strings.Contains(err.Error(), "sector advisory 1 (S-9): invalid: summary") {
		t.Errorf("got %v", err)
	}
}

// TestParseSectorAdvisoriesErrors names the advisory, its line and the field to fix.
func TestParseSectorAdvisoriesErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", "", "the file is empty"},
		{"not advisories", `{"vulns": []}`, `not sector advisories`},
		{"syntax", "[\n{\"id\": \"A\",\n}]", "line 3: not valid JSON"},
		{"wrong type", "[\n{\"id\": \"A\",\n\"steps\": \"one\"}]", "advisories[0]: line 3: steps is string, expected []string"},
		{"bad range", "{\"advisories\": [\n{\"id\": \"A\", \"vendor\": \"V\", \"product\": \"P\", \"severity\": \"high\", \"summary\": \"s\",\n \"versions\": [{\"fixed\": \"soon\"}]}]}",
			`advisories[0] (line 2): invalid: versions[0].fixed: "soon" is not a version`},
		{"no summary", "[{\"id\": \"A\", \"vendor\": \"V\", \"product_match\": \"any\", \"any_version\": true, \"severity\": \"high\"}]", "advisories[0] (line 1): invalid: summary"},
		{"bad cvss", "[{\"id\": \"A\", \"vendor\": \"V\", \"product_match\": \"any\", \"any_version\": true, \"severity\": \"high\", \"summary\": \"s\", \"cvss\": \"CVSS:3.1/AV:Q\"}]", "cvss"},
		{"bad date", "[{\"id\": \"A\", \"vendor\": \"V\", \"product_match\": \"any\", \"any_version\": true, \"severity\": \"high\", \"summary\": \"s\", \"published\": \"May\"}]", "published"},
		{"duplicate", "[{\"id\": \"A\", \"vendor\": \"V\", \"product_match\": \"any\", \"any_version\": true, \"severity\": \"high\", \"summary\": \"s\"},\n{\"id\": \"A\", \"vendor\": \"V\", \"product_match\": \"any\", \"any_version\": true, \"severity\": \"high\", \"summary\": \"s\"}]",
			`advisories[1] (line 2): id "A" is also advisories[0]'s`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSectorAdvisories(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestProductsOfConcern checks the built-in policy reads, is versioned, and covers any
// Kaspersky product by either vendor name at any version, with a plain summary and steps.
func TestProductsOfConcern(t *testing.T) {
	p := ProductsOfConcern()
	if p.Name != "products-of-concern" || p.Version == "" || len(p.Advisories) == 0 {
		t.Fatalf("policy %+v", p)
	}
	a := p.Advisories[0]
	if a.Kind != "policy" || !a.AnyVersion || len(a.Steps) == 0 || !strings.Contains(strings.ToLower(a.Summary), "review the risk of using this product per national guidance") {
		t.Errorf("advisory %+v", a)
	}
	for _, c := range [][2]string{{"AO Kaspersky Lab", "Kaspersky Small Office Security"}, {"Kaspersky", "Kaspersky Security Center"}, {"", "Kaspersky Anti-Virus"}} {
		if !a.MatchesProduct(c[0], c[1]) {
			t.Errorf("%q %q not covered", c[0], c[1])
		}
	}
}

// TestSectorAdvisoryJSONRoundTrip writes an advisory in the file form and reads it back.
func TestSectorAdvisoryJSONRoundTrip(t *testing.T) {
	_, advs := sectorFixtures(t)
	b, _ := json.Marshal(map[string]any{"advisories": []SectorAdvisoryJSON{SectorAdvisoryToJSON(advs[0]), SectorAdvisoryToJSON(advs[1])}})
	back, err := ParseSectorAdvisories(strings.NewReader(string(b)))
	if err != nil || len(back) != 2 || back[0].ID != advs[0].ID || len(back[0].Ranges) != 3 || !back[0].Published.Equal(advs[0].Published) {
		t.Errorf("got %+v, %v", back, err)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenFile compares got with testdata/name, or rewrites it under -update.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

// TestMatchSectorPartly checks a product without a version still gets the findings of
// advisories covering every version, and is listed as not checked against the others.
func TestMatchSectorPartly(t *testing.T) {
	ranged := vigil.SectorAdvisory{ID: "S-2", Vendor: "Kaspersky", Match: vigil.ProductAny, Severity: vigil.SeverityHigh,
		Summary: "patch", Ranges: []vigil.VersionRange{{Fixed: "12"}}}
	advs := append([]vigil.SectorAdvisory{ranged}, ProductsOfConcern().Advisories...)
	res, err := MatchSector([]vigil.Component{{Vendor: "AO Kaspersky Lab", Product: "Kaspersky Endpoint Security"}}, advs)
	if err != nil || len(res.Findings) != 1 || res.Findings[0].Kind != "policy" || len(res.Unmatched) != 1 ||
		!strings.Contains(res.Unmatched[0].Reason, "S-2 covers only some versions") {
		t.Errorf("got %+v, %v", res, err)
	}
}
