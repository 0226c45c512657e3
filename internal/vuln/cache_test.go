package vuln

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

// TestCacheMatchesAsTheDB checks that matching through the cache gives what the DB
// gives, for inventories drawn from the full shared OSV snapshot, the first time a
// package version is seen and when it comes back.
func TestCacheMatchesAsTheDB(t *testing.T) {
	db, _, err := Load(filepath.Join(sharedData(t), "vuln", "osv", "offline-db"))
	if err != nil {
		t.Fatal(err)
	}
	invs := benchInventories(db, 200, 40)
	c := NewCache(db)
	for round := range 2 {
		for i, inv := range invs {
			for j := range inv {
				inv[j].Source, inv[j].Location = "inv", "line "+string(rune('a'+j%26))
			}
			if diff := cmp.Diff(db.Match(inv), c.Match(inv)); diff != "" {
				t.Fatalf("round %d inventory %d: cache differs from the DB (-db +cache):\n%s", round, i, diff)
			}
		}
	}
	if c.Len() == 0 {
		t.Fatal("the cache holds nothing")
	}
}

func TestRootAndPackageKeys(t *testing.T) {
	a := Advisory{ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"}, Affected: []Affected{
		{Package: Package{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core"}},
		{Package: Package{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core"}},
		{Package: Package{Ecosystem: "PyPI", Name: "Jinja_2"}}}}
	db := NewDB([]Advisory{a})
	if got := db.Root("GHSA-jfh8-c2jp-5v3q"); got != "CVE-2021-44228" {
		t.Errorf("root of the GHSA = %s", got)
	}
	if got := db.Root("CVE-2021-44228"); got != "CVE-2021-44228" {
		t.Errorf("root of the CVE = %s", got)
	}
	keys := PackageKeys(a)
	want := []string{PackageKey("Maven", "org.apache.logging.log4j:log4j-core"), PackageKey("PyPI", "jinja-2")}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if ComponentKey(vigil.Component{Ecosystem: "PyPI", Name: "jinja.2"}) != want[1] {
		t.Error("a component's key is not its advisory's")
	}
}

// BenchmarkCachedMatch10000Inventories is BenchmarkMatch10000Inventories through a
// Cache: cold makes a new cache each op (the first check after a rebuild), warm keeps
// one (every later check).
func BenchmarkCachedMatch10000Inventories(b *testing.B) {
	db, _, err := Load(filepath.Join(sharedData(b), "vuln", "osv", "offline-db"))
	if err != nil {
		b.Fatal(err)
	}
	n := benchOrgs
	if testing.Short() {
		n = 500
	}
	invs := benchInventories(db, n, 40)
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			c := NewCache(db)
			for b.Loop() {
				if mode == "cold" {
					c = NewCache(db)
				}
				for _, inv := range invs {
					c.Match(inv)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n*40), "ns/component")
			b.ReportMetric(float64(c.Len()), "versions_cached")
		})
	}
}
