package vigil

import (
	"fmt"
	"strings"
	"time"
)

// SectorAdvisory is an advisory about a product outside package ecosystems (a VPN
// appliance, an anti-virus, a care-plan app), written by the sector's analysts or built in
// as a policy, matched against inventories by vendor, product and version.
type SectorAdvisory struct {
	// ID names the advisory ("SECTOR-2026-0007"); unique among advisories.
	ID string
	// Aliases are other IDs of the same vulnerability: the CVE, when there is one.
	Aliases []string
	// Vendor is who makes the product ("Palo Alto Networks").
	Vendor string
	// VendorAliases are other names inventories give the vendor ("AO Kaspersky Lab").
	VendorAliases []string
	// Product is the product's name ("PAN-OS"); empty when Match is ProductAny.
	Product string
	// ProductAliases are other names of the product.
	ProductAliases []string
	// Match says how Product is compared with an inventory's product name.
	Match ProductMatch
	// AnyVersion says every version is affected; otherwise Ranges say which.
	AnyVersion bool
	// Ranges are the affected versions; a version in any range is affected.
	Ranges []VersionRange
	// Severity is how urgent acting on it is.
	Severity Severity
	// CVSS is the CVSS v3.x or v4.0 vector, when the analyst gives one.
	CVSS string
	// Summary says in plain language what is wrong, for a care manager.
	Summary string
	// Steps are what to do, in order.
	Steps []string
	// Published is when the advisory was issued.
	Published time.Time
	// Kind is "sector" for an analyst's advisory, "policy" for a built-in policy's.
	Kind string
}

// ProductMatch is how an advisory's product name is compared with an inventory's.
type ProductMatch string

// The ways of matching a product name.
const (
	// ProductExact: the names are the same, ignoring case, spaces and punctuation.
	ProductExact ProductMatch = "exact"
	// ProductPrefix: the inventory's name starts with the advisory's ("Endpoint Security"
	// covers "Endpoint Security for Windows").
	ProductPrefix ProductMatch = "prefix"
	// ProductAny: every product of the vendor.
	ProductAny ProductMatch = "any"
)

// VersionRange is one run of affected versions, ordered as dotted numbers: from
// Introduced (or the first version, when empty) up to Fixed (not included) or up to
// LastAffected (included); with neither, every version from Introduced on.
type VersionRange struct {
	// Introduced is the first affected version; empty for "from the first".
	Introduced string
	// Fixed is the first version with the fix; empty when none is published.
	Fixed string
	// LastAffected is the last affected version, when no fix is known; use Fixed or this.
	LastAffected string
}

// Validate says which field of the advisory is missing or wrong, as a FieldError naming it
// ("ranges[1].fixed").
func (a SectorAdvisory) Validate() error {
	switch {
	case strings.TrimSpace(a.ID) == "":
		return fieldInvalid("id", "an advisory needs an ID")
	case NormaliseProductName(a.Vendor) == "":
		return fieldInvalid("vendor", "an advisory needs the vendor of the product")
	case a.Match != ProductExact && a.Match != ProductPrefix && a.Match != ProductAny:
		return fieldInvalid("product_match", fmt.Sprintf("%q: use exact, prefix or any", a.Match))
	case a.Match != ProductAny && NormaliseProductName(a.Product) == "":
		return fieldInvalid("product", `an advisory needs the product, or product_match "any" for every product of the vendor`)
	case a.Severity.Rank() == 0:
		return fieldInvalid("severity", fmt.Sprintf("%q: use low, medium, high or critical", a.Severity))
	case strings.TrimSpace(a.Summary) == "":
		return fieldInvalid("summary", "an advisory needs a plain-language summary")
	case a.AnyVersion && len(a.Ranges) > 0:
		return fieldInvalid("ranges", "give either any_version or version ranges, not both")
	case !a.AnyVersion && len(a.Ranges) == 0:
		return fieldInvalid("ranges", "give the affected version ranges, or any_version for every version")
	}
	for i, r := range a.Ranges {
		if err := r.validate(fmt.Sprintf("ranges[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

func fieldInvalid(field, msg string) error {
	return OnField(field, Errorf(EINVALID, "%s: %s", field, msg))
}

func (r VersionRange) validate(at string) error {
	if r.Fixed != "" && r.LastAffected != "" {
		return fieldInvalid(at, "give fixed or last_affected, not both")
	}
	for _, f := range []struct{ name, v string }{{"introduced", r.Introduced}, {"fixed", r.Fixed}, {"last_affected", r.LastAffected}} {
		if f.v == "" {
			continue
		}
		if _, err := ParseProductVersion(f.v); err != nil {
			return fieldInvalid(at+"."+f.name, err.Error())
		}
	}
	if r.Introduced != "" && r.Fixed != "" && CompareProductVersions(r.Introduced, r.Fixed) >= 0 {
		return fieldInvalid(at+".fixed", fmt.Sprintf("%q is not after introduced %q", r.Fixed, r.Introduced))
	}
	return nil
}

// Contains reports whether the range holds version v.
func (r VersionRange) Contains(v ProductVersion) bool {
	c, _ := r.Compile()
	return c.Contains(v)
}

// ProductRange is a VersionRange with its bounds read, for checking many versions.
type ProductRange struct {
	introduced, fixed, lastAffected *ProductVersion
}

// Compile reads the range's bounds; err names a bound that is not a version.
func (r VersionRange) Compile() (ProductRange, error) {
	var c ProductRange
	for _, b := range []struct {
		s   string
		dst **ProductVersion
	}{{r.Introduced, &c.introduced}, {r.Fixed, &c.fixed}, {r.LastAffected, &c.lastAffected}} {
		if b.s == "" {
			continue
		}
		v, err := ParseProductVersion(b.s)
		if err != nil {
			return c, err
		}
		*b.dst = &v
	}
	return c, nil
}

// Contains reports whether the range holds version v: from introduced (or the first
// version) up to fixed, not included, or up to last_affected, included.
func (c ProductRange) Contains(v ProductVersion) bool {
	if c.introduced != nil && v.Compare(*c.introduced) < 0 {
		return false
	}
	switch {
	case c.fixed != nil:
		return v.Compare(*c.fixed) < 0
	case c.lastAffected != nil:
		return v.Compare(*c.lastAffected) <= 0
	}
	return true
}

// NormaliseProductName is the spelling vendor and product names are compared in: lower
// case, every run of spaces and punctuation one space, trademark signs dropped
// ("Kaspersky  Endpoint-Security®" → "kaspersky endpoint security").
func NormaliseProductName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '®' || r == '™' || r == '©':
			continue
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && !isSpaceRune(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

func isSpaceRune(r rune) bool { return r == '\u00a0' || r == '\u2000' || r == '\u3000' }

// MatchesProduct reports whether a product an inventory names (its vendor, possibly empty,
// and product name) is one the advisory is about. The vendor matches when it is the
// advisory's vendor or an alias, or starts with one ("Microsoft Corporation" is
// "Microsoft"); an inventory that gives no vendor, or another one, still matches when the
// product name starts with the vendor ("Kaspersky Endpoint Security"). The product name is
// compared with the vendor's name taken off its front, as Match says.
func (a SectorAdvisory) MatchesProduct(vendor, product string) bool {
	return a.Names().Matches(NormaliseProductName(vendor), NormaliseProductName(product))
}

// ProductNames are an advisory's vendor and product names normalised once, for matching
// many inventories against it.
type ProductNames struct {
	// Vendors are the vendor and its aliases, normalised.
	Vendors []string
	// Products are the product and its aliases, normalised.
	Products []string
	// Match is how product names are compared.
	Match ProductMatch
}

// Names returns the advisory's names normalised for matching.
func (a SectorAdvisory) Names() ProductNames {
	return ProductNames{Vendors: normalisedNames(a.Vendor, a.VendorAliases),
		Products: normalisedNames(a.Product, a.ProductAliases), Match: a.Match}
}

// Matches is MatchesProduct for a vendor and product already normalised with
// NormaliseProductName.
func (n ProductNames) Matches(vendor, product string) bool {
	rest, ok := product, false
	for _, name := range n.Vendors {
		if vendor == name || strings.HasPrefix(vendor, name+" ") {
			ok = true
		}
		if r, cut := cutWords(product, name); cut {
			ok, rest = true, r
		}
	}
	if !ok {
		return false
	}
	if n.Match == ProductAny {
		return true
	}
	for _, p := range n.Products {
		for _, have := range []string{rest, product} {
			if have == p {
				return true
			}
			if _, cut := cutWords(have, p); cut && n.Match == ProductPrefix {
				return true
			}
		}
	}
	return false
}

// cutWords takes prefix off the front of s when s starts with it as whole words.
func cutWords(s, prefix string) (string, bool) {
	if prefix == "" || !strings.HasPrefix(s, prefix+" ") {
		return s, false
	}
	return s[len(prefix)+1:], true
}

func normalisedNames(name string, aliases []string) []string {
	var out []string
	for _, n := range append([]string{name}, aliases...) {
		if n = NormaliseProductName(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// AffectsVersion reports whether the advisory covers a product version; err says the
// version cannot be read as dotted numbers (only when the advisory has ranges).
func (a SectorAdvisory) AffectsVersion(version string) (bool, error) {
	if a.AnyVersion {
		return true, nil
	}
	v, err := ParseProductVersion(version)
	if err != nil {
		return false, err
	}
	for _, r := range a.Ranges {
		if r.Contains(v) {
			return true, nil
		}
	}
	return false, nil
}

// FixedVersions are the versions that fix the advisory for a product version: the
// Fixed bound of each range holding it.
func (a SectorAdvisory) FixedVersions(version string) []string {
	v, err := ParseProductVersion(version)
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range a.Ranges {
		if r.Fixed != "" && r.Contains(v) {
			out = append(out, r.Fixed)
		}
	}
	return out
}
