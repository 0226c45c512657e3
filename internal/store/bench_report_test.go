package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkReportAlertQueries measures the sector report's alert figures (by kind of
// organisation, region, kind and severity; organisations reached; time to resolve) over
// the aged data set's 100,000 alerts, all in the period.
func BenchmarkReportAlertQueries(b *testing.B) {
	storetest.EachBench(b, seedAgedAlerts, func(b *testing.B, s *store.Store) {
		ctx := b.Context()
		to := time.Now().Add(24 * time.Hour)
		from := to.AddDate(-1, 0, 0)
		queries := map[string]func() error{
			"alerts":        func() error { _, err := s.ReportAlerts(ctx, from, to); return err },
			"reached":       func() error { _, err := s.OrgsAlerted(ctx, from, to); return err },
			"resolve-times": func() error { _, err := s.ResolveTimes(ctx, from, to); return err },
			"ack-times":     func() error { _, err := s.AckTimes(ctx, from, to); return err },
		}
		for name, q := range queries {
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					if err := q(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}
