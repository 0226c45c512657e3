package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

// BenchmarkReportIntel measures the sector report's intelligence figure (the indicators
// first received in the period, by type) over a store holding 1,000,000 indicators
// uploaded through SourceImport, 100,000 of them sent by a second source too, all in the
// period: what a new user's first large upload (maltrail's 1.54M trails) leaves behind.
// Report: the process's CPU time per report, and on PostgreSQL the server's backends'
// too (pg-cpu-ms/op, when the server runs on this machine) and the sum of both.
func BenchmarkReportIntel(b *testing.B) {
	const n, shared, batch = 1_000_000, 100_000, 10_000
	eachImportBench(b, func(b *testing.B, s *store.Store) {
		benchUpload(b, s, "bench-report-a", 0, n, batch, 0)
		benchUpload(b, s, "bench-report-b", 0, shared, batch, 0)
		to := time.Now().Add(24 * time.Hour)
		from := to.AddDate(0, 0, -30)
		b.ResetTimer()
		cpu := store.ProcessCPU()
		pg, pgOK := store.BackendCPU(b.Context(), s)
		for b.Loop() {
			got, err := s.IndicatorsReceived(b.Context(), from, to)
			if err != nil {
				b.Fatal(err)
			}
			if total := got["ipv4"] + got["domain"] + got["sha256"]; total != n {
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
