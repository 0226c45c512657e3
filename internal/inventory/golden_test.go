package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/shareddata"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// goldenComponent is a component as a golden file shows it, empty fields left out.
type goldenComponent struct {
	Ecosystem     string `json:"ecosystem,omitempty"`
	Name          string `json:"name"`
	Version       string `json:"version,omitempty"`
	SourcePackage string `json:"source_package,omitempty"`
	PURL          string `json:"purl,omitempty"`
	Vendor        string `json:"vendor,omitempty"`
	Product       string `json:"product,omitempty"`
	Supplier      string `json:"supplier,omitempty"`
	Location      string `json:"location"`
}

func golden(c vigil.Component) goldenComponent {
	return goldenComponent{c.Ecosystem, c.Name, c.Version, c.SourcePackage, c.PURL, c.Vendor, c.Product, c.Supplier, c.Location}
}

// fixtureResult is everything ReadPath says about one of the small fixtures.
type fixtureResult struct {
	Format     string            `json:"format,omitempty"`
	Error      string            `json:"error,omitempty"`
	Components []goldenComponent `json:"components,omitempty"`
	Problems   []string          `json:"problems,omitempty"`
}

// TestFixtures reads every small fixture under testdata/inputs (one or more per format,
// each with the mistakes an uploader makes) and compares all it understood and every
// problem to testdata/inputs.golden.json (rewrite it with -update).
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/inputs/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	got := map[string]fixtureResult{}
	for _, f := range files {
		got[filepath.Base(f)] = fixture(f)
	}
	checkGolden(t, "testdata/inputs.golden.json", got)
}

func fixture(path string) fixtureResult {
	invs, err := ReadPath(path)
	var r fixtureResult
	if err != nil {
		r.Error = err.Error()
	}
	for _, inv := range invs {
		r.Format = inv.Format
		for _, c := range inv.Components {
			r.Components = append(r.Components, golden(c))
		}
		for _, p := range inv.Problems {
			r.Problems = append(r.Problems, p.Location+": "+p.Reason)
		}
	}
	return r
}

// checkGolden compares got with the golden file, or rewrites it under -update.
func checkGolden(t *testing.T, path string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("%s differs (run with -update to rewrite it, then review the diff):\n%s", path, cmp.Diff(string(want), string(b)))
	}
}

// sbomDataDir holds the real SBOMs and lockfiles, under the shared test data: the test is
// skipped without them, and fails under CI, where they must be present.
func sbomDataDir(t testing.TB) string {
	t.Helper()
	return shareddata.Dir(t, "vuln", "sbom")
}

// goldenSBOMDir is how the golden file spells sbomDataDir in error messages (as this
// package sees it when the data sits beside the repository), wherever the data really is.
const goldenSBOMDir = "../../../shared/data/vuln/sbom"

// sbomSummary is what the golden file keeps of one real SBOM or lockfile: counts per
// ecosystem ("" for components no ecosystem holds) and the first components as a sample.
type sbomSummary struct {
	Format      string            `json:"format,omitempty"`
	Error       string            `json:"error,omitempty"`
	Components  int               `json:"components"`
	ByEcosystem map[string]int    `json:"by_ecosystem,omitempty"`
	Problems    int               `json:"problems"`
	Sample      []goldenComponent `json:"sample,omitempty"`
}

// sharedSBOMs reads every file under dir (sbomDataDir) ReadPath reads.
func sharedSBOMs(dir string) map[string]sbomSummary {
	invs, err := ReadPath(dir)
	out := map[string]sbomSummary{}
	for _, inv := range invs {
		s := sbomSummary{Format: inv.Format, Components: len(inv.Components), Problems: len(inv.Problems), ByEcosystem: map[string]int{}}
		for i, c := range inv.Components {
			s.ByEcosystem[c.Ecosystem]++
			if i < 5 {
				s.Sample = append(s.Sample, golden(c))
			}
		}
		out[relData(dir, inv.Source)] = s
	}
	for _, e := range unwrapJoined(err) {
		out[relData(dir, errorFile(e))] = sbomSummary{Error: strings.ReplaceAll(e.Error(), dir, goldenSBOMDir)}
	}
	return out
}

// TestSharedSBOMs reads every real SBOM and lockfile in shared/data and compares counts
// per ecosystem and a sample to testdata/sbom.golden.json (rewrite it with -update).
func TestSharedSBOMs(t *testing.T) {
	dir := sbomDataDir(t)
	got := sharedSBOMs(dir)
	if len(got) < 40 {
		t.Errorf("read %d files under %s, expected every SBOM and lockfile (over 40)", len(got), dir)
	}
	checkGolden(t, "testdata/sbom.golden.json", got)
}

// TestKnownComponents checks components people know are in the real SBOMs, so a
// golden file rewritten in error cannot hide their loss.
func TestKnownComponents(t *testing.T) {
	dir := sbomDataDir(t)
	cases := []struct {
		file, ecosystem, name, version string
	}{
		{"cyclonedx/SBOM__keycloak-10.0.2__bom.json", "Maven", "log4j:log4j", "1.2.17"},
		{"cyclonedx/SBOM__keycloak-10.0.2__bom.json", "Maven", "com.fasterxml.jackson.core:jackson-databind", "2.10.1"},
		{"cyclonedx/SBOM__keycloak-10.0.2__bom.json", "Maven", "org.apache.logging.log4j:log4j-api", "2.10.0"},
		{"cyclonedx/SBOM__dropwizard-1.3.15__bom.json", "Maven", "com.fasterxml.jackson.core:jackson-databind", "2.9.10"},
		{"cyclonedx/SBOM__laravel-7.12.0__bom.1.4.json", "Packagist", "laravel/framework", "v7.30.6"},
		{"lockfiles/go-vulndb-HEAD/go.mod", "Go", "stdlib", "1.26.2"},
		{"lockfiles/pypi-flask-3.0.0-requirements/dev.txt", "PyPI", "tox", "4.9.0"},
		{"spdx/software__example9__spdx2.2__appbomination.spdx.json", "Maven", "org.apache.commons:commons-lang3", "3.4"},
	}
	for _, c := range cases {
		invs, err := ReadPath(filepath.Join(dir, c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		found := slices.ContainsFunc(invs[0].Components, func(got vigil.Component) bool {
			return got.Ecosystem == c.ecosystem && got.Name == c.name && got.Version == c.version
		})
		if !found {
			t.Errorf("%s: no %s %s %s", c.file, c.ecosystem, c.name, c.version)
		}
	}
}

// relData is a path relative to dir, with forward slashes.
func relData(dir, p string) string {
	r, err := filepath.Rel(dir, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// unwrapJoined lists the errors errors.Join put together.
func unwrapJoined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func errorFile(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Path
	}
	return err.Error()
}
