//go:build unix

package reports_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reports"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkSectorReport measures the sector report, for the default 30 days, over a
// store of 10,000 organisations and 1,000,000 indicators uploaded through SourceImport
// (100,000 of them sent by a second source too), as a new user's first large upload
// leaves it: the same report asked again ("repeated"), asked after each change of the
// intelligence (a one-indicator upload, counted in the op: "after-change"), and asked
// by eight people at once after each change ("eight-at-once", one op for the eight).
// Report: the process's CPU time per op (on PostgreSQL the server's is not in it;
// BenchmarkReportIntel in package store measures both for the intelligence figure).
func BenchmarkSectorReport(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *store.Store
	}{{store.EngineSQLite, storetest.Open}, {store.EnginePostgres, storetest.OpenPostgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			if e.name == store.EnginePostgres && os.Getenv(storetest.PostgresEnv) == "" {
				b.Skipf("set %s to benchmark PostgreSQL", storetest.PostgresEnv)
			}
			s := e.open(b)
			seedReportSector(b, s)
			svc := reports.New(reports.Deps{Store: s})
			analyst := vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}
			report := func(ctx context.Context) {
				if _, err := svc.Sector(ctx, analyst, time.Time{}, time.Time{}); err != nil {
					b.Error(err)
				}
			}
			changes := 0
			change := func(b *testing.B) {
				changes++
				if _, err := s.UpsertSourceIndicators(b.Context(), "bench-change", benchIndicators(2_000_000+changes, 1)); err != nil {
					b.Fatal(err)
				}
			}
			report(b.Context()) // the first, as after the upload; then:
			b.Run("repeated", func(b *testing.B) {
				measureCPU(b, func() { report(b.Context()) })
			})
			b.Run("after-change", func(b *testing.B) {
				measureCPU(b, func() { change(b); report(b.Context()) })
			})
			b.Run("eight-at-once", func(b *testing.B) {
				measureCPU(b, func() {
					change(b)
					var wg sync.WaitGroup
					for range 8 {
						wg.Go(func() { report(b.Context()) })
					}
					wg.Wait()
				})
			})
		})
	}
}

// measureCPU runs op b.N times and reports the process's CPU time per op.
func measureCPU(b *testing.B, op func()) {
	cpu := processCPU()
	for b.Loop() {
		op()
	}
	b.ReportMetric(float64(processCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
}

// processCPU is the CPU time (user and system) the process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedReportSector registers 10,000 organisations (GP practices and care providers in
// seven regions, each with an address range and a domain) and uploads 1,000,000
// indicators, 100,000 of them from a second source too.
func seedReportSector(b *testing.B, s *store.Store) {
	b.Helper()
	regions := []string{"North East and Yorkshire", "North West", "Midlands", "East of England", "London", "South East", "South West"}
	var orgs []vigil.Org
	for i := range 10_000 {
		kind, code := vigil.OrgGP, fmt.Sprintf("B%05d", 10_000+i)
		if i%3 == 0 {
			kind, code = vigil.OrgCareProvider, fmt.Sprintf("1-%09d", 100_000_000+i*7919)
		}
		orgs = append(orgs, vigil.Org{ODSCode: code, Name: "Organisation " + code, Kind: kind, Region: regions[i%len(regions)],
			IPRanges: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{100, byte(64 + i>>8), byte(i), 0}), 24)},
			Domains:  []string{strings.ToLower(code) + ".nhs.example"}})
		if len(orgs) == 1000 {
			if _, err := s.CreateOrgs(b.Context(), orgs, store.Claimant{By: "bench"}); err != nil {
				b.Fatal(err)
			}
			orgs = orgs[:0]
		}
	}
	upload(b, s, "bench-report-a", 0, 1_000_000)
	upload(b, s, "bench-report-b", 0, 100_000)
}

// upload stores indicators first to first+n as source, 10,000 a batch, as one import.
func upload(b *testing.B, s *store.Store, source string, first, n int) {
	b.Helper()
	imp, err := s.BeginSourceImport(source)
	if err != nil {
		b.Fatal(err)
	}
	for start := first; start < first+n; start += 10_000 {
		if _, err := imp.Store(b.Context(), benchIndicators(start, 10_000)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := imp.Finish(b.Context(), false); err != nil {
		b.Fatal(err)
	}
}

// benchIndicators are indicators start to start+n of a feed of addresses, domains and
// hashes.
func benchIndicators(start, n int) []vigil.Indicator {
	return storetest.FeedIndicators(start, n, "bench")
}
