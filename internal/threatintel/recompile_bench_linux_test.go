package threatintel_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// recompileBenchSize is how many indicators BenchmarkRecompile stores: 200,000 unless
// VIGIL_BENCH_INDICATORS says otherwise (`INDICATORS=1000000 bench/matcher.sh` sets a million). Seeding
// goes through the store's import path and takes longer than what is measured.
func recompileBenchSize(b *testing.B) int {
	n := 200_000
	if v := os.Getenv("VIGIL_BENCH_INDICATORS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("VIGIL_BENCH_INDICATORS=%q: give a positive number", v)
		}
	}
	return n
}

// recompileFeed is one source's share of the benchmark's indicators: a list feed's
// mix of addresses, networks, domains, URLs and hashes, with labels and a line Ref.
func recompileFeed(from, to int) []vigil.Indicator {
	out := make([]vigil.Indicator, 0, to-from)
	now := recompileSeen
	for i := from; i < to; i++ {
		var t vigil.IndicatorType
		var v string
		switch i % 8 {
		case 0, 1, 2:
			t, v = vigil.TypeIPv4, fmt.Sprintf("%d.%d.%d.%d", 11+i>>24&127, i>>16&255, i>>8&255, i&255)
		case 3:
			j := i >> 3
			t, v = vigil.TypeCIDR, fmt.Sprintf("%d.%d.%d.0/24", 140+j>>16&63, j>>8&255, j&255)
		case 4, 5:
			t, v = vigil.TypeDomain, fmt.Sprintf("host%d.evil%d.example", i, i%97)
		case 6:
			t, v = vigil.TypeURL, fmt.Sprintf("http://bad%d.example/path/%d", i%1013, i)
		default:
			t, v = vigil.TypeSHA256, fmt.Sprintf("%064x", uint64(i)*0x9e3779b97f4a7c15)
		}
		out = append(out, vigil.Indicator{Type: t, Value: v, Provenance: vigil.Provenance{TLP: vigil.TLPGreen,
			Reliability: 'B', Credibility: 2, Confidence: 70, Labels: []string{"botnet", "c2"},
			Ref: "line " + strconv.Itoa(i), FirstSeen: now.Add(-time.Hour), LastSeen: now}})
	}
	return out
}

// recompileSeen is when the benchmark's feeds say they last saw their values: one time
// for the whole run, so that a feed pulled again unchanged is unchanged.
var recompileSeen = time.Now().Truncate(time.Second)

// seedRecompile stores n indicators from four sources, in chunks of 50,000.
func seedRecompile(b *testing.B, s *store.Store, n int) {
	const chunk = 50_000
	for from := 0; from < n; from += chunk {
		source := fmt.Sprint("feed-", from/chunk%4)
		if _, err := s.UpsertSourceIndicators(b.Context(), source, recompileFeed(from, min(from+chunk, n))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecompile measures rebuilding (RecompileAll) the live matcher from the store: reading every
// stored indicator with its claims and compiling the snapshot, on SQLite and PostgreSQL,
// in three states of the store's kept ranges (store.EachMatchableKept):
//
//   - cold: none kept, as for the first rebuild after the seed: every range is read from
//     its rows, encoded, and written back after the swap (timed);
//   - warm: nothing changed since the last rebuild: every range is read from its blob;
//   - changed: 10,000 claims changed (their confidence) spread over every range before
//     each rebuild, untimed: those ranges are read from rows and written back;
//   - repulled: every source pulled again whole and unchanged before each rebuild
//     (ReplaceSourceIndicators, untimed), as a list feed's routine re-pull is.
//
// s/1M-indicators scales the time of one rebuild to a million stored indicators.
func BenchmarkRecompile(b *testing.B) {
	n := recompileBenchSize(b)
	storetest.EachBench(b, func(b *testing.B, s *store.Store) { seedRecompile(b, s, n) },
		func(b *testing.B, s *store.Store) {
			took := &tookHandler{}
			svc := threatintel.New(threatintel.Deps{Store: s, Logger: slog.New(took)})
			rebuild := func(b *testing.B, before func(round int)) {
				round := 0
				cpu := time.Duration(0)
				took.sum = 0
				for b.Loop() {
					b.StopTimer()
					round++
					before(round)
					cpu0 := processCPU()
					b.StartTimer()
					if err := svc.RecompileAll(b.Context()); err != nil {
						b.Fatal(err)
					}
					cpu += processCPU() - cpu0
				}
				if got := svc.Matcher().Len(); got != n {
					b.Fatalf("matcher holds %d indicators, stored %d", got, n)
				}
				per := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(per*1e6/float64(n), "s/1M-indicators")
				b.ReportMetric(float64(n)/per, "indicators/s")
				// CPU of this process (reading, decoding, compiling; not PostgreSQL's), which on
				// a shared machine says more than the wall time.
				b.ReportMetric(cpu.Seconds()/float64(b.N)*1e6/float64(n), "cpu-s/1M-indicators")
				// Until the new snapshot is swapped in: what a rebuild keeps the matcher
				// waiting, before the ranges read from rows are written back.
				b.ReportMetric(took.sum.Seconds()/float64(b.N)*1e6/float64(n), "swap-s/1M-indicators")
				kept, err := s.KeptMatchableBytes(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(kept)/float64(n), "kept-bytes/indicator")
			}
			b.Run("cold", func(b *testing.B) {
				rebuild(b, func(int) {
					if err := s.ForgetKeptMatchable(b.Context()); err != nil {
						b.Fatal(err)
					}
				})
			})
			b.Run("warm", func(b *testing.B) {
				if err := svc.RecompileAll(b.Context()); err != nil { // whatever cold left, kept
					b.Fatal(err)
				}
				rebuild(b, func(int) {})
			})
			b.Run("changed", func(b *testing.B) {
				rebuild(b, func(round int) { changeSpread(b, s, n, round) })
			})
			b.Run("repulled", func(b *testing.B) {
				rebuild(b, func(int) { repullAll(b, s, n) })
			})
		})
}

// changeSpread stores again 10,000 of the n seeded indicators, evenly spread, with a
// confidence that differs from the last round's, each from the source that holds it.
func changeSpread(b *testing.B, s *store.Store, n, round int) {
	step := max(1, n/10_000)
	bySource := map[string][]vigil.Indicator{}
	for i := round % step; i < n; i += step {
		ind := recompileFeed(i, i+1)[0]
		ind.Provenance.Confidence = 50 + round%2
		source := fmt.Sprint("feed-", i/50_000%4)
		bySource[source] = append(bySource[source], ind)
	}
	for source, inds := range bySource {
		if _, err := s.UpsertSourceIndicators(b.Context(), source, inds); err != nil {
			b.Fatal(err)
		}
	}
}

// repullAll stores each source's whole set again, unchanged, as a complete pull.
func repullAll(b *testing.B, s *store.Store, n int) {
	const chunk = 50_000
	bySource := map[string][]vigil.Indicator{}
	for from := 0; from < n; from += chunk {
		source := fmt.Sprint("feed-", from/chunk%4)
		bySource[source] = append(bySource[source], recompileFeed(from, min(from+chunk, n))...)
	}
	for source, inds := range bySource {
		if _, err := s.ReplaceSourceIndicators(b.Context(), source, inds); err != nil {
			b.Fatal(err)
		}
	}
}

// tookHandler adds up the "took" of the "matcher recompiled" log lines: how long each
// rebuild took until its snapshot was swapped in.
type tookHandler struct{ sum time.Duration }

func (h *tookHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *tookHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *tookHandler) WithGroup(string) slog.Handler            { return h }
func (h *tookHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "matcher recompiled" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "took" {
				h.sum += a.Value.Duration()
			}
			return true
		})
	}
	return nil
}

// processCPU returns the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecompileChanges measures what another server does after an intel change is
// announced (Recompile): reading the indicators logged as changed and applying them on
// top of its snapshot, for a change of 100 new and 100 changed indicators against the
// benchmark's stored indicators. The store write itself is not timed.
func BenchmarkRecompileChanges(b *testing.B) {
	n := recompileBenchSize(b)
	storetest.EachBench(b, func(b *testing.B, s *store.Store) { seedRecompile(b, s, n) },
		func(b *testing.B, s *store.Store) {
			svc := threatintel.New(threatintel.Deps{Store: s})
			if err := svc.RecompileAll(b.Context()); err != nil {
				b.Fatal(err)
			}
			round := 0
			for b.Loop() {
				b.StopTimer()
				round++
				change := recompileFeed(n+round*100, n+round*100+100) // new
				changed := recompileFeed(round*100, round*100+100)    // already stored: relabelled
				for i := range changed {
					changed[i].Provenance.Labels = []string{"round", strconv.Itoa(round)}
				}
				if _, err := s.UpsertSourceIndicators(b.Context(), "feed-0", append(change, changed...)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := svc.Recompile(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			if svc.Matcher().OverlayLen() == 0 {
				b.Fatal("the changes were not applied on top: Recompile rebuilt in full")
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/change")
		})
}
