package vuln

import (
	"fmt"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"pgregory.net/rapid"
)

// orderedEcosystems are the ecosystems whose ordering laws are checked.
var orderedEcosystems = []string{"Go", "npm", "PyPI", "Maven", "RubyGems", "NuGet", "Packagist",
	"Debian", "Alpine", "crates.io", "Pub", "Hackage", "CRAN", "Red Hat"}

// versionGen makes versions of the shapes ecosystems use: dotted numbers, sometimes a
// pre-release or build suffix, sometimes a Debian/Alpine revision.
func versionGen(ecosystem string) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		parts := rapid.SliceOfN(rapid.IntRange(0, 12), 1, 4).Draw(t, "parts")
		s := make([]string, len(parts))
		for i, p := range parts {
			s[i] = fmt.Sprint(p)
		}
		v := strings.Join(s, ".")
		sep := "-"
		switch ecosystem {
		case "PyPI":
			sep = ""
		case "Alpine":
			return v + rapid.SampledFrom([]string{"", "-r0", "-r1", "_rc1-r0", "_p2-r3"}).Draw(t, "suffix")
		case "Debian":
			return v + rapid.SampledFrom([]string{"", "-1", "-2", "~rc1-1", "+deb11u1-1"}).Draw(t, "suffix")
		case "Hackage", "CRAN":
			return v
		}
		if rapid.Bool().Draw(t, "pre") {
			v += sep + rapid.SampledFrom([]string{"alpha", "beta", "rc", "a", "b"}).Draw(t, "label") +
				fmt.Sprint(rapid.IntRange(0, 3).Draw(t, "n"))
		}
		return v
	})
}

// TestOrderingLaws checks every ecosystem's comparison is a total order on the versions
// it accepts: reflexive, antisymmetric and transitive.
func TestOrderingLaws(t *testing.T) {
	for _, eco := range orderedEcosystems {
		t.Run(eco, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				gen := versionGen(eco)
				a, b, c := gen.Draw(t, "a"), gen.Draw(t, "b"), gen.Draw(t, "c")
				ab, ok1 := CompareVersions(eco, a, b)
				ba, ok2 := CompareVersions(eco, b, a)
				if !ok1 || !ok2 {
					t.Skip("not a version in this ecosystem")
				}
				if aa, _ := CompareVersions(eco, a, a); aa != 0 {
					t.Fatalf("%s: compare(%q, itself) = %d", eco, a, aa)
				}
				if ab != -ba {
					t.Fatalf("%s: compare(%q,%q)=%d but compare(%q,%q)=%d", eco, a, b, ab, b, a, ba)
				}
				bc, _ := CompareVersions(eco, b, c)
				ac, ok := CompareVersions(eco, a, c)
				if ok && ab <= 0 && bc <= 0 && ac > 0 {
					t.Fatalf("%s: %q <= %q <= %q but %q > %q", eco, a, b, c, a, c)
				}
			})
		})
	}
}

// TestRangeProperty checks a single introduced/fixed range affects exactly the
// versions from introduced (inclusive) to fixed (exclusive), and reports that fix.
// Introduced "0" means every version before the fix, pre-releases of 0 included.
func TestRangeProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		eco := rapid.SampledFrom([]string{"Go", "npm", "PyPI", "Maven"}).Draw(t, "eco")
		gen := versionGen(eco)
		intro, fixed, v := gen.Draw(t, "introduced"), gen.Draw(t, "fixed"), gen.Draw(t, "version")
		c1, ok1 := CompareVersions(eco, v, intro)
		c2, ok2 := CompareVersions(eco, v, fixed)
		if order, ok := CompareVersions(eco, intro, fixed); !ok1 || !ok2 || !ok || order >= 0 {
			t.Skip("not comparable, or not a well-formed range")
		}
		db := NewDB([]Advisory{{ID: "TEST-1", Affected: []Affected{{
			Package: Package{Ecosystem: eco, Name: "pkg"},
			Ranges:  []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: intro}, {Fixed: fixed}}}}}}}})
		res := db.Match([]vigil.Component{{Ecosystem: eco, Name: "pkg", Version: v}})
		want := (intro == "0" || c1 >= 0) && c2 < 0 // OSV: introduced "0" is before every version
		if got := len(res.Findings) == 1; got != want {
			t.Fatalf("%s %q in [%q, %q): got affected=%v, want %v", eco, v, intro, fixed, got, want)
		}
		if want && (len(res.Findings[0].Fixed) != 1 || res.Findings[0].Fixed[0] != fixed) {
			t.Fatalf("fixed %v, want [%s]", res.Findings[0].Fixed, fixed)
		}
	})
}
