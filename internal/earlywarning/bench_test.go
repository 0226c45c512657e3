package earlywarning

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkIngestEvents measures events/s through IngestEvents into a real store: half
// the events route to an organisation (a new alert each), half are unrouted.
func BenchmarkIngestEvents(b *testing.B) {
	const perUpload = 5000
	var body strings.Builder
	seen := warnNow.Add(-time.Hour)
	for i := range perUpload {
		obs := fmt.Sprintf("https://www.rxa.example/f/%d", i)
		if i%2 == 1 {
			obs = fmt.Sprintf("https://unknown.example/f/%d", i)
		}
		body.WriteString(event("malware", obs, seen, vigil.SeverityLow) + "\n")
	}
	storetest.EachBench(b, func(b *testing.B, s *store.Store) { warnSector(b, s) }, func(b *testing.B, s *store.Store) {
		clk := &fakeNow{warnNow}
		svc := newWarnService(b, s, clk)
		b.SetBytes(int64(body.Len()))
		b.ResetTimer()
		for b.Loop() {
			clk.advance(24 * time.Hour) // a new day: new alerts rather than repeats
			if _, err := svc.IngestEvents(b.Context(), analyst("bench@centre.example"), strings.NewReader(strings.ReplaceAll(body.String(),
				seen.Format(time.RFC3339), clk.now().Add(-time.Hour).Format(time.RFC3339)))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(perUpload*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
