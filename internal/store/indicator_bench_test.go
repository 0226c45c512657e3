package store_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// benchIndicators is a feed of n addresses, domains and hashes, as a pull stores it.
func benchIndicators(n, gen int) []vigil.Indicator { return benchIndicatorsFrom(0, n, gen) }

// benchIndicatorsFrom is indicators start to start+n of such a feed, labelled as
// generation gen.
func benchIndicatorsFrom(start, n, gen int) []vigil.Indicator {
	return storetest.FeedIndicators(start, n, "emotet", fmt.Sprint("gen", gen))
}

// BenchmarkImport100k measures storing a 100,000-indicator feed: a first, complete pull
// into an empty store ("new") and the next pull of the same feed with every label changed
// ("refresh", which also reads the source's previous claims and withdraws nothing).
// Report: ns/op is the time for all 100,000; indicators/s is derived from it.
func BenchmarkImport100k(b *testing.B) {
	const n = 100_000
	storetest.EachBench(b, nil, func(b *testing.B, s *store.Store) {
		for _, mode := range []string{"new", "refresh"} {
			b.Run(mode, func(b *testing.B) {
				gen, cpu := 0, store.ProcessCPU()
				for b.Loop() {
					source := "bench-refresh"
					if mode == "new" {
						source = fmt.Sprint("bench-new-", gen)
					}
					gen++
					if _, err := s.ReplaceSourceIndicators(b.Context(), source, benchIndicators(n, gen)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
				b.ReportMetric(float64(store.ProcessCPU()-cpu)/1e3/float64(n*b.N), "cpu-µs/indicator")
			})
		}
	})
}

// BenchmarkSourceImport measures storing a 200,000-indicator upload as the server does,
// in 10,000-indicator batches of one transaction each (BeginSourceImport, Store, Finish):
// values no source holds yet ("fresh", a first large upload: every indicator, claim and
// log row is written), the values the last fresh upload stored under another source
// ("new": the claims are new), and those values stored by a source that holds them
// already, with every label changed ("refresh"; the first upload is not measured).
// Report: indicators/s, the process's CPU time per indicator, and on PostgreSQL the
// server's backends' too (pg-cpu-µs/indicator, when the server runs on this machine)
// and the sum of both.
func BenchmarkSourceImport(b *testing.B) {
	const n, batch = 200_000, 10_000
	eachImportBench(b, func(b *testing.B, s *store.Store) {
		fresh := 0 // the first value of the next fresh upload: each one is new to the store
		for _, mode := range []string{"fresh", "new", "refresh"} {
			b.Run(mode, func(b *testing.B) {
				// new and refresh take the values the last fresh upload stored
				held, gen := 1_000_000_000+fresh-n, 0
				upload := func(source string, first int) { benchUpload(b, s, source, first, n, batch, gen) }
				if mode != "fresh" && fresh == 0 { // run alone (-bench …/new): no fresh upload yet
					upload("bench-import-seed", 1_000_000_000)
					held, fresh = 1_000_000_000, n
				}
				if mode == "refresh" {
					upload("bench-import-refresh", held) // the claims it refreshes, not measured
				}
				cpu := store.ProcessCPU()
				pg, pgOK := store.BackendCPU(b.Context(), s)
				for b.Loop() {
					gen++
					switch mode {
					case "fresh":
						upload(fmt.Sprint("bench-import-fresh-", gen), 1_000_000_000+fresh)
						fresh += n
					case "new":
						upload(fmt.Sprint("bench-import-new-", gen), held)
					default:
						upload("bench-import-refresh", held)
					}
				}
				goCPU := float64(store.ProcessCPU()-cpu) / 1e3 / float64(n*b.N)
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
				b.ReportMetric(goCPU, "cpu-µs/indicator")
				if pgEnd, ok := store.BackendCPU(b.Context(), s); ok && pgOK {
					pgCPU := float64(pgEnd-pg) / 1e3 / float64(n*b.N)
					b.ReportMetric(pgCPU, "pg-cpu-µs/indicator")
					b.ReportMetric(goCPU+pgCPU, "all-cpu-µs/indicator")
				}
			})
		}
	})
}

// eachImportBench is storetest.EachBench with the PostgreSQL store's connections named
// by an application_name of their own, so that store.BackendCPU finds its backends.
func eachImportBench(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	b.Run(store.EngineSQLite, func(b *testing.B) { fn(b, storetest.Open(b)) })
	b.Run(store.EnginePostgres, func(b *testing.B) {
		if os.Getenv(storetest.PostgresEnv) == "" {
			b.Skipf("set %s to benchmark PostgreSQL", storetest.PostgresEnv)
		}
		dsn := storetest.PostgresDSN(b) + "&application_name=" + fmt.Sprintf("vigil-import-bench-%d", os.Getpid())
		s, err := store.Open(b.Context(), store.Config{DSN: dsn})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		fn(b, s)
	})
}

// benchUpload uploads n benchmark indicators from first on as source, batch at a time,
// labelled as generation gen, as one import.
func benchUpload(b *testing.B, s *store.Store, source string, first, n, batch, gen int) {
	b.Helper()
	imp, err := s.BeginSourceImport(source)
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < n; start += batch {
		if _, err := imp.Store(b.Context(), benchIndicatorsFrom(first+start, batch, gen)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := imp.Finish(b.Context(), false); err != nil {
		b.Fatal(err)
	}
}
