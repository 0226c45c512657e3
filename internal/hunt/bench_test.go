package hunt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// benchTelemetry is ~64 MB of the real samples, read once.
func benchTelemetry(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	inputs := sampleInputs(telemetryDir(b))
	for buf.Len() < 64<<20 {
		for _, in := range inputs {
			rc, err := in.Open()
			if err != nil {
				b.Fatal(err)
			}
			lr, err := telemetry.NewLineReader(rc, telemetry.ReaderOptions{})
			if err != nil {
				b.Fatal(err)
			}
			for {
				line, _, err := lr.Next()
				if err != nil {
					break
				}
				buf.Write(line)
				buf.WriteByte('\n')
			}
			rc.Close()
		}
	}
	return buf.Bytes()
}

// benchSnapshot is 1M random indicators (no private ranges) plus the conformance set.
func benchSnapshot(n int) *match.Snapshot {
	rng := rand.New(rand.NewPCG(3, 4))
	bld := match.NewBuilder()
	p := vigil.Provenance{Source: "bench", Confidence: -1}
	for i := range n {
		var ind vigil.Indicator
		switch i % 4 {
		case 0:
			ind = vigil.Indicator{Type: vigil.TypeIPv4, Value: fmt.Sprintf("%d.%d.%d.%d", 11+rng.IntN(150), rng.IntN(256), rng.IntN(256), rng.IntN(256))}
		case 1:
			ind = vigil.Indicator{Type: vigil.TypeDomain, Value: fmt.Sprintf("x%08x.example", rng.Uint32())}
		case 2:
			ind = vigil.Indicator{Type: vigil.TypeSHA256, Value: fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())}
		default:
			ind = vigil.Indicator{Type: vigil.TypeCIDR, Value: fmt.Sprintf("%d.%d.%d.0/24", 11+rng.IntN(150), rng.IntN(256), rng.IntN(256))}
		}
		ind.Provenance = p
		bld.Add(ind)
	}
	return bld.Build()
}

// BenchmarkHunt measures scanning alone (no intel loading) over the real samples with a
// 1M-indicator snapshot: MB/s per core with -cpu 1. Target: ≥ 300 MB/s per core.
func BenchmarkHunt(b *testing.B) {
	data := benchTelemetry(b)
	snap := benchSnapshot(1_000_000)
	in := Input{Name: "bench", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		st, err := Run(context.Background(), snap, []Input{in}, io.Discard, Options{})
		if err != nil || st.Events == 0 {
			b.Fatal(err, st)
		}
	}
}
