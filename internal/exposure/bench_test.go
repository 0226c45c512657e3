package exposure_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/shareddata"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vuln"
)

// sharedOSV is the full shared OSV snapshot, or a skip when it is absent (a fresh
// clone); under CI its absence is a failure.
func sharedOSV(tb testing.TB) string {
	tb.Helper()
	return shareddata.Dir(tb, "vuln", "osv", "offline-db")
}

// benchPool is every (ecosystem, name, version) the snapshot's ranges name, so that
// inventories drawn from it are real packages, a share of them affected.
func benchPool(tb testing.TB, path string) []vigil.Component {
	advisories, _, err := vuln.ReadAdvisories(path)
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[vigil.Component]bool{}
	var pool []vigil.Component
	for _, a := range advisories {
		for _, af := range a.Affected {
			for _, r := range af.Ranges {
				for _, ev := range r.Events {
					c := vigil.Component{Ecosystem: af.Package.Ecosystem, Name: af.Package.Name, Version: cmp.Or(ev.Fixed, ev.Introduced)}
					if r.Type != "GIT" && c.Version != "" && c.Version != "0" && c.Name != "" && !seen[c] {
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
	return pool
}

// BenchmarkRecheck10000Orgs re-checks 10,000 organisations' stored inventories (40
// components each, drawn from the packages of the full shared OSV snapshot) against
// that snapshot, on SQLite: each check reads the inventory, matches it through the
// cache, and writes findings and alerts in one transaction. One op is all of them.
// cold rebuilds the matcher (an empty cache) before each op; warm keeps it. -short
// makes it 500 organisations.
func BenchmarkRecheck10000Orgs(b *testing.B) {
	path := sharedOSV(b)
	n := 10000
	if testing.Short() {
		n = 500
	}
	s := storetest.Open(b)
	ctx := context.Background()
	svc := exposure.New(exposure.Deps{Store: s, Alerts: alerts.New(alerts.Deps{Store: s}), Dir: path})
	src, err := svc.CreateSource(ctx, vigil.CommandLine, vigil.AdvisorySource{Name: "OSV", Kind: vigil.AdvisoryOSV, Path: path})
	if err != nil {
		b.Fatal(err)
	}
	orgs := seedInventories(b, s, benchPool(b, path), n)
	if src, err = svc.PullSource(ctx, vigil.CommandLine, src.ID); err != nil || src.Status != vigil.FeedOK {
		b.Fatalf("pull: %v %s", err, src.LastError)
	}
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			found := 0
			for b.Loop() {
				if mode == "cold" {
					b.StopTimer()
					if err := svc.Rebuild(ctx); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				found = 0
				for _, org := range orgs {
					out, err := svc.Check(ctx, org)
					if err != nil {
						b.Fatal(err)
					}
					found += out.Found
				}
			}
			b.ReportMetric(float64(found), "vulns_found/op")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/org")
		})
	}
}

// seedInventories registers n organisations, each with an inventory of 40 components
// drawn from pool, and returns their ODS codes.
func seedInventories(b *testing.B, s *store.Store, pool []vigil.Component, n int) []string {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	orgs := make([]string, n)
	for i := range orgs {
		orgs[i] = fmt.Sprintf("B%04X", i)
		if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: orgs[i], Name: "Bench " + orgs[i], Kind: vigil.OrgCareProvider, Region: "North West"}); err != nil {
			b.Fatal(err)
		}
		comps, keys := make([]vigil.Component, 40), make([]string, 40)
		for j := range comps {
			comps[j] = pool[rng.IntN(len(pool))]
			comps[j].Source, comps[j].Location = "sbom", fmt.Sprintf("components[%d]", j)
			keys[j] = vuln.ComponentKey(comps[j])
		}
		if err := s.PutInventory(ctx, vigil.Inventory{Org: orgs[i], Source: "sbom", Format: "CycloneDX"}, comps, keys, false); err != nil {
			b.Fatal(err)
		}
	}
	return orgs
}
