package store_test

import (
	"fmt"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkRaiseAlerts measures alerts/s through RaiseAlerts in batches of 1,000, as an
// events upload writes them: half new alerts, half repeats of the previous batch's.
func BenchmarkRaiseAlerts(b *testing.B) {
	const batch, orgs = 1000, 50
	storetest.EachBench(b, func(b *testing.B, s *store.Store) {
		for i := range orgs {
			if _, _, err := s.CreateOrg(b.Context(), org(fmt.Sprintf("B%05d", i), vigil.OrgCareProvider)); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B, s *store.Store) {
		next := 0
		for b.Loop() {
			in := make([]store.Raising, batch)
			for i := range in {
				k := next + i
				if i%2 == 1 && next > 0 {
					k = next + i - batch // a repeat of the previous batch
				}
				in[i] = store.Raising{Alert: alert(fmt.Sprintf("B%05d", k%orgs), fmt.Sprintf("bench-%d", k), vigil.SeverityMedium)}
			}
			next += batch
			if _, err := s.RaiseAlerts(b.Context(), in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "alerts/s")
	})
}
