package vuln

import (
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil/internal/shareddata"
)

// sharedData is the shared test data's root (with its vuln folder), or a skip when it is
// absent (a fresh clone); under CI its absence is a failure.
func sharedData(t testing.TB) string {
	t.Helper()
	return filepath.Dir(shareddata.Dir(t, "vuln"))
}
