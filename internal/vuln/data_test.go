package vuln

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData is shared/data beside the repository, or a skip when it is absent (a fresh
// clone); under CI its absence is a failure.
func sharedData(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "vuln")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test data missing under CI: %v", err)
		}
		t.Skipf("shared test data not found at %s; skipping (it sits beside the project, not in it)", dir)
	}
	return dir
}
