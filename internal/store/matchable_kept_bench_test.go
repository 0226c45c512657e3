package store_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// BenchmarkSourceImportKept measures what the kept ranges' triggers cost an import
// (migration 00037): 200,000 values stored under a second source ("new") or refreshed
// with every label changed ("refresh"), as BenchmarkSourceImport does, with every range
// kept and valid before each upload ("all": the upload marks each range it touches stale
// once, then finds it stale), every range known but stale and no blob ("stale": the
// triggers look their range up and never write), or none ("none": they find no range).
// Keeping the ranges (a rebuild's read and write-back, its WAL checkpointed) is
// not timed; the CPU figures are those of the uploads alone.
func BenchmarkSourceImportKept(b *testing.B) {
	const n, batch, first = 200_000, 10_000, 2_000_000_000
	eachImportBench(b, func(b *testing.B, s *store.Store) {
		upload := func(source string, gen int) { benchUpload(b, s, source, first, n, batch, gen) }
		upload("bench-kept-seed", 0)
		upload("bench-kept-refresh", 0)
		gen := 0
		for _, mode := range []string{"new", "refresh"} {
			for _, kept := range []string{"all", "stale", "none"} {
				b.Run(fmt.Sprintf("%s/kept=%s", mode, kept), func(b *testing.B) {
					var cpu, pg time.Duration
					pgOK := true
					for b.Loop() {
						b.StopTimer()
						if err := s.ForgetKeptMatchable(b.Context()); err != nil {
							b.Fatal(err)
						}
						switch kept {
						case "all":
							keep, err := s.EachMatchableKept(b.Context(), func(*vigil.StoredIndicator) error { return nil })
							if err == nil {
								err = keep(b.Context())
							}
							if err != nil {
								b.Fatal(err)
							}
						case "stale": // every range known and stale: the triggers look, never write
							if _, err := s.ExecRaw(b.Context(), `INSERT INTO matchable_ranges (k)
								SELECT DISTINCT indicator_id / 8192 FROM indicator_sources`); err != nil {
								b.Fatal(err)
							}
						}
						if s.Engine() == store.EngineSQLite { // the write-back's pages are not the upload's to checkpoint
							if _, err := s.ExecRaw(b.Context(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
								b.Fatal(err)
							}
						}
						runtime.GC() // nor the read's garbage its to collect
						gen++
						cpu0 := store.ProcessCPU()
						pg0, ok0 := store.BackendCPU(b.Context(), s)
						b.StartTimer()
						source := "bench-kept-refresh"
						if mode == "new" {
							source = fmt.Sprint("bench-kept-new-", gen)
						}
						upload(source, gen)
						b.StopTimer()
						cpu += store.ProcessCPU() - cpu0
						pg1, ok1 := store.BackendCPU(b.Context(), s)
						pg, pgOK = pg+pg1-pg0, pgOK && ok0 && ok1
						b.StartTimer()
					}
					goCPU := float64(cpu) / 1e3 / float64(n*b.N)
					b.ReportMetric(goCPU, "cpu-µs/indicator")
					if s.Engine() == store.EnginePostgres && pgOK {
						pgCPU := float64(pg) / 1e3 / float64(n*b.N)
						b.ReportMetric(pgCPU, "pg-cpu-µs/indicator")
						b.ReportMetric(goCPU+pgCPU, "all-cpu-µs/indicator")
					}
				})
			}
		}
	})
}
