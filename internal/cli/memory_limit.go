package cli

import (
	"context"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// defaultMemoryLimit is the server's soft limit on the Go runtime's memory when neither
// --memory-limit nor GOMEMLIMIT says otherwise. Without one, Go lets the heap grow to
// twice what is live, and a matcher rebuild after a 2M-line pull (about 100 MB live)
// then held 260 MB of heap (docs/intel-import.md, "A pull's memory"). At 128MiB that
// pull peaked at 180–201 MB resident, at 150MiB at 201–228 MB. Since the matcher's
// Builder holds 52 MB of that pull rather than 64 and its Build no more than the
// Snapshot it returns, the live heap peaks at 80–82 MiB by gctrace (the end of the
// rebuild's read; 91–93 before), under the 89.6 MiB past which the guard lifts 112MiB:
// the pull then peaked at 164–167 MB resident (Go 107–110 MiB) against 193 MB for the
// build before, with 2–3% of the server's CPU in collections (641 against 569 at 128MiB).
const defaultMemoryLimit = 112 << 20

// memoryLimitPoll is how often the guard reads the live heap.
const memoryLimitPoll = time.Second

// parseMemoryLimit reads a size as GOMEMLIMIT writes it (150MiB, 1GiB, 2000000000 bytes
// with no unit); 0 or off turns the limit off.
func parseMemoryLimit(setting string) (int64, error) {
	s := strings.TrimSpace(setting)
	if s == "" {
		return defaultMemoryLimit, nil
	}
	if s == "off" || s == "0" {
		return 0, nil
	}
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, usageErrorf("memory limit %q: want a size such as 150MiB or 2GiB, or off", setting)
	}
	if n*mult < 32<<20 {
		return 0, usageErrorf("memory limit %q: at least 32MiB (the server alone needs that), or off", setting)
	}
	return n * mult, nil
}

// guardedLimit is the limit to apply for a live heap of live bytes: the configured one,
// or the live heap and a quarter more when that is larger (rounded up to 16 MiB, so
// that it moves in steps). A limit at or under the live heap would have Go collect
// without pause (up to half the CPU, its own cap) for as long as the data stays that
// large; with the guard it never collects more often than GOGC=25 would, and a store
// that outgrew the configured limit is not slowed by it.
func guardedLimit(configured, live int64) int64 {
	const step = 16 << 20
	return max(configured, (live+live/4+step-1)/step*step)
}

// applyMemoryLimit sets Go's soft memory limit to limit unless GOMEMLIMIT is set (Go's
// own setting wins), and keeps it guarded (guardedLimit) until ctx ends. It is soft:
// Go collects more often near it, never fails an allocation because of it.
func applyMemoryLimit(ctx context.Context, log *slog.Logger, limit int64) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || limit == 0 {
		return
	}
	prev := debug.SetMemoryLimit(limit)
	log.InfoContext(ctx, "go memory limit", slog.String("limit", mib(limit)))
	go func() {
		guardMemoryLimit(ctx, log, limit)
		debug.SetMemoryLimit(prev) // the server has stopped (in tests, the process goes on)
	}()
}

// mib writes a size in MiB as the flag takes it, rounded up.
func mib(n int64) string { return strconv.FormatInt((n+1<<20-1)>>20, 10) + "MiB" }

// guardMemoryLimit moves the limit with the live heap (guardedLimit) until ctx ends.
func guardMemoryLimit(ctx context.Context, log *slog.Logger, limit int64) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	applied := limit
	t := time.NewTicker(memoryLimitPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		want := guardedLimit(limit, int64(sample[0].Value.Uint64()))
		if want != applied {
			debug.SetMemoryLimit(want)
			log.DebugContext(ctx, "go memory limit moved with the live heap", slog.String("limit", mib(want)),
				slog.String("configured", mib(limit)), slog.String("live", mib(int64(sample[0].Value.Uint64()))))
			applied = want
		}
	}
}
