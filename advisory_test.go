package vigil_test

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"pgregory.net/rapid"
)

// TestProductVersionOrder is the dotted-numeric ordering, case by case.
func TestProductVersionOrder(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2", "1.10", -1},
		{"21.3.10.391", "21.3.10.391", 0},
		{"1.2.0", "1.2", 0},
		{"v2.0", "2.0.0", 0},
		{"10.0.19045", "10.0.9999", 1},
		{"11.0.1 MR2", "11.0.1", 1},
		{"11.0.1 MR2", "11.0.1 mr2", 0},
		{"2024-01", "2024.1", 0},
		{"007", "7", 0},
		{"99999999999999999999999", "1", 1},
		{"1.0beta", "1.0", 1},
	}
	for _, tt := range tests {
		if got := vigil.CompareProductVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareProductVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := vigil.CompareProductVersions(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareProductVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
	for _, bad := range []string{"", "latest", "v", "x1.2"} {
		if _, err := vigil.ParseProductVersion(bad); err == nil {
			t.Errorf("ParseProductVersion(%q) read it; want an error", bad)
		}
	}
}

// TestProductVersionLaws checks the ordering is one: antisymmetric and transitive over
// generated dotted versions with suffixes.
func TestProductVersionLaws(t *testing.T) {
	gen := rapid.StringMatching(`v?[0-9]{1,3}([.\-_][0-9]{1,3}){0,4}( ?[a-z]{0,3}[0-9]?)?`)
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := gen.Draw(t, "a"), gen.Draw(t, "b"), gen.Draw(t, "c")
		ab, ba := vigil.CompareProductVersions(a, b), vigil.CompareProductVersions(b, a)
		if ab != -ba {
			t.Fatalf("%q vs %q: %d but reversed %d", a, b, ab, ba)
		}
		if ab <= 0 && vigil.CompareProductVersions(b, c) <= 0 && vigil.CompareProductVersions(a, c) > 0 {
			t.Fatalf("%q <= %q <= %q but %q > %q", a, b, c, a, c)
		}
	})
}

func kaspersky(match vigil.ProductMatch, product string) vigil.SectorAdvisory {
	return vigil.SectorAdvisory{ID: "P-1", Vendor: "Kaspersky", VendorAliases: []string{"AO Kaspersky Lab"},
		Product: product, Match: match, AnyVersion: true, Severity: vigil.SeverityMedium, Summary: "review"}
}

// TestMatchesProduct is the vendor and product rule, case by case.
func TestMatchesProduct(t *testing.T) {
	tests := []struct {
		name            string
		adv             vigil.SectorAdvisory
		vendor, product string
		want            bool
	}{
		{"any product of the vendor", kaspersky(vigil.ProductAny, ""), "AO Kaspersky Lab", "Kaspersky Endpoint Security for Windows", true},
		{"vendor named only in the product", kaspersky(vigil.ProductAny, ""), "", "Kaspersky Endpoint Security", true},
		{"vendor with a company suffix", kaspersky(vigil.ProductAny, ""), "Kaspersky Ltd.", "Small Office Security", true},
		{"another vendor", kaspersky(vigil.ProductAny, ""), "Microsoft Corporation", "Microsoft Defender", false},
		{"a word that only starts like the vendor", kaspersky(vigil.ProductAny, ""), "Kasperskyish Ltd", "Kasperskyish Tools", false},
		{"prefix covers a longer name", kaspersky(vigil.ProductPrefix, "Endpoint Security"), "AO Kaspersky Lab", "Kaspersky Endpoint Security for Windows", true},
		{"exact does not", kaspersky(vigil.ProductExact, "Endpoint Security"), "AO Kaspersky Lab", "Kaspersky Endpoint Security for Windows", false},
		{"exact, vendor name taken off the front, case and spaces ignored", kaspersky(vigil.ProductExact, "Endpoint Security for Windows"), "", "KASPERSKY  endpoint-security for Windows®", true},
		{"prefix is by whole words", kaspersky(vigil.ProductPrefix, "Endpoint"), "Kaspersky", "Endpointer", false},
		{"a product alias", func() vigil.SectorAdvisory {
			a := kaspersky(vigil.ProductExact, "Endpoint Security for Windows")
			a.ProductAliases = []string{"KES"}
			return a
		}(), "Kaspersky", "KES", true},
	}
	for _, tt := range tests {
		if got := tt.adv.MatchesProduct(tt.vendor, tt.product); got != tt.want {
			t.Errorf("%s: MatchesProduct(%q, %q) = %v, want %v", tt.name, tt.vendor, tt.product, got, tt.want)
		}
	}
}

// TestSectorAdvisoryValidate names the field to fix.
func TestSectorAdvisoryValidate(t *testing.T) {
	ok := vigil.SectorAdvisory{ID: "S-1", Vendor: "Fortinet", Product: "FortiOS", Match: vigil.ProductExact,
		Ranges: []vigil.VersionRange{{Introduced: "7.0.0", Fixed: "7.0.14"}}, Severity: vigil.SeverityCritical, Summary: "patch"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid advisory refused: %v", err)
	}
	tests := []struct {
		field string
		edit  func(*vigil.SectorAdvisory)
	}{
		{"id", func(a *vigil.SectorAdvisory) { a.ID = " " }},
		{"vendor", func(a *vigil.SectorAdvisory) { a.Vendor = "--" }},
		{"product", func(a *vigil.SectorAdvisory) { a.Product = "" }},
		{"product_match", func(a *vigil.SectorAdvisory) { a.Match = "fuzzy" }},
		{"severity", func(a *vigil.SectorAdvisory) { a.Severity = "urgent" }},
		{"summary", func(a *vigil.SectorAdvisory) { a.Summary = "" }},
		{"ranges", func(a *vigil.SectorAdvisory) { a.Ranges = nil }},
		{"ranges", func(a *vigil.SectorAdvisory) { a.AnyVersion = true }},
		{"ranges[0].fixed", func(a *vigil.SectorAdvisory) { a.Ranges[0].Fixed = "latest" }},
		{"ranges[0].fixed", func(a *vigil.SectorAdvisory) { a.Ranges[0].Fixed = "6.4" }},
		{"ranges[1]", func(a *vigil.SectorAdvisory) {
			a.Ranges = append(a.Ranges, vigil.VersionRange{Fixed: "1", LastAffected: "2"})
		}},
	}
	for _, tt := range tests {
		a := ok
		a.Ranges = append([]vigil.VersionRange(nil), ok.Ranges...)
		tt.edit(&a)
		err := a.Validate()
		var fe *vigil.FieldError
		if !asFieldError(err, &fe) || fe.Field != tt.field || !strings.HasPrefix(vigil.ErrorMessage(err), tt.field) {
			t.Errorf("%s: got %v, want a FieldError on %s", tt.field, err, tt.field)
		}
	}
}

func asFieldError(err error, fe **vigil.FieldError) bool {
	f, ok := err.(*vigil.FieldError)
	*fe = f
	return ok
}

// TestAffectsVersion checks ranges: introduced included, fixed excluded, last_affected
// included, no introduced from the first version.
func TestAffectsVersion(t *testing.T) {
	a := vigil.SectorAdvisory{Ranges: []vigil.VersionRange{{Introduced: "7.0.0", Fixed: "7.0.14"}, {Introduced: "7.2", LastAffected: "7.2.6"}, {Fixed: "6.0"}}}
	for v, want := range map[string]bool{"7.0.0": true, "7.0.13": true, "7.0.14": false, "7.1": false, "7.2.0": true, "7.2.6": true, "7.2.7": false, "5.9": true, "6.0": false} {
		got, err := a.AffectsVersion(v)
		if err != nil || got != want {
			t.Errorf("AffectsVersion(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	if _, err := a.AffectsVersion("unknown"); err == nil {
		t.Error("an unreadable version was ordered")
	}
	if got := a.FixedVersions("7.0.3"); len(got) != 1 || got[0] != "7.0.14" {
		t.Errorf("FixedVersions(7.0.3) = %v", got)
	}
}

// FuzzProductVersion reads any text as a product version: no panic, and a version that
// reads compares equal to itself and the same both ways round with another.
func FuzzProductVersion(f *testing.F) {
	for _, s := range []string{"21.3.10.391", "v2.0", "11.0.1 MR2", "007", "1..2", "1.-2", "x"} {
		f.Add(s, "1.2")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		va, err := vigil.ParseProductVersion(a)
		if err != nil {
			return
		}
		if va.Compare(va) != 0 {
			t.Fatalf("%q is not equal to itself", a)
		}
		if vb, err := vigil.ParseProductVersion(b); err == nil && va.Compare(vb) != -vb.Compare(va) {
			t.Fatalf("%q and %q compare differently each way round", a, b)
		}
	})
}
