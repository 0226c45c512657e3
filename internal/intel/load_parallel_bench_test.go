package intel

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/vigil-health/vigil"
)

// intelDataDir is every real intel file of shared/data, as a hunt over all of it reads.
const intelDataDir = "../../../shared/data/intel"

// BenchmarkLoadParallel reads every intel file of shared/data (about 1.7M indicators)
// as `vigil hunt` does, on one worker (Load, as hunts did before) and on one per core:
// indicators/s of the whole load, matcher compile excluded.
func BenchmarkLoadParallel(b *testing.B) {
	if _, err := os.Stat(intelDataDir); err != nil {
		b.Skipf("shared intel data not found at %s (%v)", intelDataDir, err)
	}
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = 0
				if _, err := LoadParallel([]string{intelDataDir}, Options{}, workers, func(vigil.Indicator) { n++ }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
		})
	}
}
