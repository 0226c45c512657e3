package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// BenchmarkReportIntel measures the sector report's intelligence figure (the indicators
// received in the period, by type) over a store holding 1,000,000 indicators uploaded
// through SourceImport, 100,000 of them sent by a second source too, all in the period:
// what a new user's first large upload (maltrail's 1.54M trails) leaves behind. "direct"
// counts one period over the claims (IndicatorsReceived, what the report ran for every
// request before); "tally" reads the tally the report keeps until the intelligence
// changes (IndicatorReceipts) and counts the period from it.
// Report: the process's CPU time per op, and on PostgreSQL the server's backends' too
// (pg-cpu-ms/op, when the server runs on this machine) and the sum of both.
func BenchmarkReportIntel(b *testing.B) {
	const n, shared, batch = 1_000_000, 100_000, 10_000
	eachImportBench(b, func(b *testing.B, s *store.Store) {
		benchUpload(b, s, "bench-report-a", 0, n, batch, 0)
		benchUpload(b, s, "bench-report-b", 0, shared, batch, 0)
		to := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
		from := to.AddDate(0, 0, -30)
		ways := []struct {
			name  string
			count func() (map[vigil.IndicatorType]int, error)
		}{
			{"direct", func() (map[vigil.IndicatorType]int, error) { return s.IndicatorsReceived(b.Context(), from, to) }},
			{"tally", func() (map[vigil.IndicatorType]int, error) {
				rs, err := s.IndicatorReceipts(b.Context())
				return rs.Received(from, to), err
			}},
		}
		for _, w := range ways {
			b.Run(w.name, func(b *testing.B) {
				cpu := store.ProcessCPU()
				pg, pgOK := store.BackendCPU(b.Context(), s)
				for b.Loop() {
					got, err := w.count()
					if err != nil {
						b.Fatal(err)
					}
					if total := got[vigil.TypeIPv4] + got[vigil.TypeDomain] + got[vigil.TypeSHA256]; total != n {
						b.Fatalf("received %d indicators, want %d", total, n)
					}
				}
				goCPU := float64(store.ProcessCPU()-cpu) / 1e6 / float64(b.N)
				b.ReportMetric(goCPU, "cpu-ms/op")
				if pgAfter, ok := store.BackendCPU(b.Context(), s); ok && pgOK {
					pgCPU := float64(pgAfter-pg) / 1e6 / float64(b.N)
					b.ReportMetric(pgCPU, "pg-cpu-ms/op")
					b.ReportMetric(goCPU+pgCPU, "total-cpu-ms/op")
				}
			})
		}
	})
}
