package intel

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// BenchmarkLoadParallel reads every intel file of shared/data (about 1.7M indicators)
// as `vigil hunt` does, on one worker (Load, as hunts did before) and on one per core:
// indicators/s of the whole load, matcher compile excluded.
func BenchmarkLoadParallel(b *testing.B) {
	// Every real intel file, as a hunt over all of it reads.
	intelDataDir, err := shareddata.Find("intel")
	if err != nil {
		b.Skip(err)
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
