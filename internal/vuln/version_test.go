package vuln

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureEcosystems names the ecosystem each version-ordering fixture file is for.
var fixtureEcosystems = map[string][]string{
	"alpine":    {"Alpine"},
	"cran":      {"CRAN"},
	"debian":    {"Debian"},
	"hackage":   {"Hackage"},
	"maven":     {"Maven"},
	"nuget":     {"NuGet"},
	"packagist": {"Packagist"},
	"pub":       {"Pub"},
	"pypi":      {"PyPI"},
	"redhat":    {"Red Hat"},
	"rubygems":  {"RubyGems"},
	"semver":    {"npm", "Go", "crates.io"},
}

// TestVersionFixtures runs every comparison in the shared versions fixtures, both ways
// round, for each ecosystem the file is for.
func TestVersionFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedData(t), "vuln", "versions", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no version fixtures found")
	}
	total := 0
	for _, f := range files {
		kind, _, _ := strings.Cut(filepath.Base(f), "-")
		ecosystems, ok := fixtureEcosystems[kind]
		if !ok {
			t.Errorf("%s: no ecosystem known for this fixture", f)
			continue
		}
		for _, eco := range ecosystems {
			total += runVersionFixture(t, f, eco)
		}
	}
	t.Logf("%d comparisons", total)
}

func runVersionFixture(t *testing.T, path, ecosystem string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, line := 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "//") {
			continue
		}
		parts := strings.Fields(text)
		if len(parts) != 3 {
			t.Errorf("%s:%d: want 'A op B', got %q", path, line, text)
			continue
		}
		want := map[string]int{"<": -1, "=": 0, ">": 1}[parts[1]]
		checkOrder(t, ecosystem, parts[0], parts[2], want, path, line)
		checkOrder(t, ecosystem, parts[2], parts[0], -want, path, line)
		n++
	}
	return n
}

func checkOrder(t *testing.T, ecosystem, a, b string, want int, path string, line int) {
	t.Helper()
	got, ok := CompareVersions(ecosystem, a, b)
	if !ok {
		t.Errorf("%s:%d %s: cannot compare %q with %q", filepath.Base(path), line, ecosystem, a, b)
	} else if got != want {
		t.Errorf("%s:%d %s: compare(%q, %q) = %d, want %d", filepath.Base(path), line, ecosystem, a, b, got, want)
	}
}
