package alerts_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
)

// BenchmarkOverview measures the analysts' board's figures over a sector seeded by
// bench/seedsector (10,000 organisations and 1,000,000 alerts over a year by default,
// about 82,000 of them in the last 30 days):
//
//	go run ./bench/seedsector -data-dir /tmp/sector
//	VIGIL_BENCH_DATA_DIR=/tmp/sector go test -run '^$' -bench Overview ./internal/alerts/
//
// VIGIL_BENCH_DB names a PostgreSQL database seeded with seedsector -db instead. Without
// either it skips: seeding takes minutes, and a small store would not show what matters.
func BenchmarkOverview(b *testing.B) {
	cfg := store.Config{DataDir: os.Getenv("VIGIL_BENCH_DATA_DIR"), DSN: os.Getenv("VIGIL_BENCH_DB")}
	if cfg.DataDir == "" && cfg.DSN == "" {
		b.Skip("seed a sector with go run ./bench/seedsector and set VIGIL_BENCH_DATA_DIR (or VIGIL_BENCH_DB)")
	}
	s, err := store.Open(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	svc := alerts.New(alerts.Deps{Store: s})
	for _, days := range []int{7, alerts.DefaultOverviewDays, alerts.MaxOverviewDays} {
		b.Run(fmt.Sprintf("%s/%d days", s.Engine(), days), func(b *testing.B) {
			for b.Loop() {
				o, err := svc.Overview(b.Context(), sectorAnalyst, days)
				if err != nil || len(o.Days) != days {
					b.Fatalf("Overview = %d days, %v", len(o.Days), err)
				}
			}
		})
	}
}
