package store_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkReadForMatcher reads 100,000 stored indicators with their claims the way a
// matcher rebuild does: "each-indicator" with EachIndicator (what rebuilds used
// before), "each-matchable" with EachMatchable. s/1M-indicators scales one read to a
// million indicators.
func BenchmarkReadForMatcher(b *testing.B) {
	const n = 100_000
	seed := func(b *testing.B, s *store.Store) {
		for i, src := range []string{"feed-a", "feed-b"} {
			inds := benchIndicators(n, 1)
			if i == 1 {
				inds = inds[:n/4] // a second claim on a quarter of them
			}
			if _, err := s.ReplaceSourceIndicators(b.Context(), src, inds); err != nil {
				b.Fatal(err)
			}
		}
	}
	storetest.EachBench(b, seed, func(b *testing.B, s *store.Store) {
		report := func(b *testing.B, got int, cpu0 time.Duration) {
			if got != n {
				b.Fatalf("read %d indicators, want %d", got, n)
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1e6/n, "s/1M-indicators")
			// this process's CPU (the driver and SQLite's engine; not PostgreSQL's server)
			b.ReportMetric((processCPU()-cpu0).Seconds()/float64(b.N)*1e6/n, "cpu-s/1M-indicators")
		}
		b.Run("each-indicator", func(b *testing.B) {
			got, cpu0 := 0, processCPU()
			for b.Loop() {
				got = 0
				if err := s.EachIndicator(b.Context(), func(vigil.StoredIndicator) error { got++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			report(b, got, cpu0)
		})
		b.Run("each-matchable", func(b *testing.B) {
			got, cpu0 := 0, processCPU()
			for b.Loop() {
				got = 0
				if err := s.EachMatchable(b.Context(), func(*vigil.StoredIndicator) error { got++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			report(b, got, cpu0)
		})
	})
}

// processCPU returns the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
