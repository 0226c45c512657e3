package vuln

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

// benchInventories makes n inventories of size components each from the distinct
// package versions the DB's own ranges name, so a share of them are affected.
func benchInventories(db *DB, n, size int) [][]vigil.Component {
	var pool []vigil.Component
	seen := map[vigil.Component]bool{}
	for _, entries := range db.index {
		for _, e := range entries {
			for _, r := range e.ranges {
				for _, ev := range r {
					c := vigil.Component{Ecosystem: e.ecosystem, Name: e.name, Version: ev.raw}
					if ev.v != nil && !seen[c] {
						seen[c] = true
						pool = append(pool, c)
					}
				}
			}
		}
	}
	slices.SortFunc(pool, func(a, b vigil.Component) int {
		return cmp.Or(cmp.Compare(a.Ecosystem, b.Ecosystem), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([][]vigil.Component, n)
	for i := range out {
		inv := make([]vigil.Component, size)
		for j := range inv {
			inv[j] = pool[rng.IntN(len(pool))]
		}
		out[i] = inv
	}
	return out
}

// benchOrgs is how many organisations' inventories BenchmarkMatch10000Inventories
// matches; -short makes it 500 for a quick look.
var benchOrgs = 10000

// BenchmarkMatch10000Inventories matches 10,000 organisations' inventories (40
// components each, 400,000 in all) against the full shared OSV snapshot. One op is all
// 10,000.
func BenchmarkMatch10000Inventories(b *testing.B) {
	db, _, err := Load(filepath.Join(sharedData(b), "vuln", "osv", "offline-db"))
	if err != nil {
		b.Fatal(err)
	}
	if testing.Short() {
		benchOrgs = 500
	}
	invs := benchInventories(db, benchOrgs, 40)
	b.ResetTimer()
	findings := 0
	for b.Loop() {
		findings = 0
		for _, inv := range invs {
			findings += len(db.Match(inv).Findings)
		}
	}
	b.ReportMetric(float64(findings), "findings/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(benchOrgs*40), "ns/component")
}

// BenchmarkLoad measures loading and indexing the full shared OSV snapshot.
func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(sharedData(b), "vuln", "osv", "offline-db")
	for b.Loop() {
		if _, _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatchSector matches 10,000 products (a care home's product list, repeated)
// against 200 sector advisories and the products-of-concern policy.
func BenchmarkMatchSector(b *testing.B) {
	advs := ProductsOfConcern().Advisories
	for i := range 200 {
		advs = append(advs, vigil.SectorAdvisory{ID: fmt.Sprintf("S-%d", i), Vendor: fmt.Sprintf("Vendor %d", i%40),
			Product: fmt.Sprintf("Product %d", i), Match: vigil.ProductPrefix, Severity: vigil.SeverityHigh, Summary: "s",
			Ranges: []vigil.VersionRange{{Introduced: "1.0", Fixed: fmt.Sprintf("%d.2.3", 2+i%5)}}})
	}
	var comps []vigil.Component
	for i := range 10000 {
		comps = append(comps, vigil.Component{Vendor: fmt.Sprintf("Vendor %d Ltd", i%50), Product: fmt.Sprintf("Vendor %d Product %d Desktop", i%50, i%250), Version: fmt.Sprintf("%d.1.%d", 1+i%4, i%9)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MatchSector(comps, advs); err != nil {
			b.Fatal(err)
		}
	}
}
