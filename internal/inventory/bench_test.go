package inventory

import (
	"bytes"
	"os"
	"testing"

	"github.com/vigil-health/vigil/internal/shareddata"
)

// BenchmarkParseLargestSBOM parses the largest real SBOM in shared/data (keycloak's
// CycloneDX, 2.2 MB, 903 Maven components).
func BenchmarkParseLargestSBOM(b *testing.B) {
	benchmarkParse(b, "cyclonedx/SBOM__keycloak-10.0.2__bom.json")
}

// BenchmarkParsePackageLock parses the largest real lockfile (Chart.js, 1,675 packages).
func BenchmarkParsePackageLock(b *testing.B) {
	benchmarkParse(b, "lockfiles/npm-chartjs-v3.9.1/package-lock.json")
}

// benchmarkParse parses one file of the real SBOMs and lockfiles, skipping when the
// shared data is absent (failing under CI, where it must be present).
func benchmarkParse(b *testing.B, rel string) {
	path := shareddata.Dir(b, "vuln", "sbom", rel)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		inv, err := Parse(path, bytes.NewReader(data))
		if err != nil || len(inv.Components) == 0 {
			b.Fatalf("%v, %d components", err, len(inv.Components))
		}
	}
}
