// Package shareddata finds the public test data set (threat intel, telemetry, SBOMs,
// advisories, the purl suite, medallion's TAXII data) that the tests and benchmarks read.
// The data is kept outside the repository: by default in shared/data beside the
// repository root, or wherever $VIGIL_SHARED_DATA points. Every test finds it through
// Dir, so a clone anywhere runs them all once the variable is set.
package shareddata

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Env names the variable that points at the shared data root. A relative value is
// taken from the repository root, where `go test ./...` is typed.
const Env = "VIGIL_SHARED_DATA"

// Dir returns the directory (or file) parts under the shared data root. When it is
// missing, the test is skipped, or fails under CI=true, where the data must be present;
// the message says where it looked and how to point the tests elsewhere.
func Dir(tb testing.TB, parts ...string) string {
	tb.Helper()
	path, err := Find(parts...)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v (CI=true requires the shared test data)", err)
		}
		tb.Skipf("skipping: %v", err)
	}
	return path
}

// Find returns the path of parts under the shared data root, or an error saying where it
// looked when that path does not exist. Fuzz seeds, and benchmarks that skip without the
// data even under CI, call it rather than Dir.
func Find(parts ...string) (string, error) {
	root, from, err := root()
	if err != nil {
		return "", err
	}
	path := filepath.Join(append([]string{root}, parts...)...)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("shared test data not found at %s (%s); set %s to the directory of the public test data set", path, from, Env)
	}
	return path, nil
}

// root returns the absolute shared data root and, for messages, how it was chosen:
// $VIGIL_SHARED_DATA when set, else shared/data beside the repository root.
func root() (dir, from string, err error) {
	env := os.Getenv(Env)
	if filepath.IsAbs(env) {
		return filepath.Clean(env), "from " + Env, nil
	}
	repo, err := repoRoot()
	if err != nil {
		return "", "", err
	}
	if env != "" {
		return filepath.Join(repo, env), fmt.Sprintf("from %s, relative to the repository %s", Env, repo), nil
	}
	return filepath.Join(filepath.Dir(repo), "shared", "data"), fmt.Sprintf("beside the repository %s, as %s is unset", repo, Env), nil
}

// repoRoot walks up from the working directory (a test's is its package directory) to
// the directory holding go.mod.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the repository root: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("shared test data: no go.mod above %s to find the repository by; set %s", wd, Env)
		}
	}
}
