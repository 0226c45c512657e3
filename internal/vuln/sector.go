package vuln

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// MatchSector checks the components outside package ecosystems (those with no Ecosystem)
// against sector advisories, by vendor, product and dotted-numeric version. Its findings
// have the shape OSV findings have (Kind "sector" or "policy"), so alerts treat both
// alike. Components in a package ecosystem are left to DB.Match and not counted here.
// A product that an advisory covers only in some versions, and whose version is missing
// or cannot be ordered, is listed as unmatched with the reason (it may still have
// findings from advisories covering every version). err names an advisory that fails
// Validate and the field to fix; none is matched then.
func MatchSector(components []vigil.Component, advisories []vigil.SectorAdvisory) (Result, error) {
	set, err := compileSector(advisories)
	if err != nil {
		return Result{}, err
	}
	var res Result
	for _, c := range components {
		if c.Ecosystem != "" {
			continue
		}
		if len(advisories) == 0 {
			res.Unmatched = append(res.Unmatched, Unmatched{Component: c,
				Reason: "not in a package ecosystem, and no sector advisories loaded to match it by vendor and product"})
			continue
		}
		found, reason := set.match(c)
		res.Findings = append(res.Findings, found...)
		if reason != "" {
			res.Unmatched = append(res.Unmatched, Unmatched{Component: c, Reason: reason})
			continue
		}
		res.Checked++
	}
	slices.SortFunc(res.Findings, compareFindings)
	return res, nil
}

// sectorSet is a list of advisories with their names normalised and ranges read once,
// and indexed by each vendor name, so a product is compared only with the advisories of
// a vendor its names start with.
type sectorSet struct {
	advisories []sectorEntry
	byVendor   map[string][]int
}

type sectorEntry struct {
	adv    vigil.SectorAdvisory
	names  vigil.ProductNames
	ranges []vigil.ProductRange
}

func compileSector(advisories []vigil.SectorAdvisory) (*sectorSet, error) {
	set := &sectorSet{byVendor: map[string][]int{}}
	for i, a := range advisories {
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("sector advisory %d (%s): %w", i+1, cmp.Or(a.ID, "no ID"), err)
		}
		e := sectorEntry{adv: a, names: a.Names()}
		for _, r := range a.Ranges {
			c, _ := r.Compile() // Validate read every bound
			e.ranges = append(e.ranges, c)
		}
		for _, v := range e.names.Vendors {
			set.byVendor[v] = append(set.byVendor[v], i)
		}
		set.advisories = append(set.advisories, e)
	}
	return set, nil
}

// candidates are the advisories whose vendor name is the front of the product's vendor
// or product name, by whole words, in the advisories' order.
func (s *sectorSet) candidates(vendor, product string) []int {
	var out []int
	for _, name := range []string{vendor, product} {
		for i := 0; i <= len(name); i++ {
			if i == len(name) || name[i] == ' ' {
				out = append(out, s.byVendor[name[:i]]...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// productName is the product an inventory names: Product, else Name.
func productName(c vigil.Component) string { return cmp.Or(c.Product, c.Name) }

// match returns the findings for one product, and why its version could not be checked
// against an advisory that names it, if so. A product can have both: an any-version
// advisory (a product of concern) matches it while another advisory needs a version it
// does not give.
func (s *sectorSet) match(c vigil.Component) ([]Finding, string) {
	vendor, product := vigil.NormaliseProductName(c.Vendor), vigil.NormaliseProductName(productName(c))
	var out []Finding
	var reasons []string
	var version *vigil.ProductVersion
	var versionErr error
	for _, i := range s.candidates(vendor, product) {
		e := s.advisories[i]
		if !e.names.Matches(vendor, product) {
			continue
		}
		if e.adv.AnyVersion {
			out = append(out, sectorFinding(c, e.adv))
			continue
		}
		if strings.TrimSpace(c.Version) == "" {
			reasons = append(reasons, fmt.Sprintf("no version given, and sector advisory %s covers only some versions of this product", e.adv.ID))
			continue
		}
		if version == nil && versionErr == nil {
			v, err := vigil.ParseProductVersion(c.Version)
			version, versionErr = &v, err
		}
		if versionErr != nil {
			reasons = append(reasons, fmt.Sprintf("sector advisory %s: version %q cannot be ordered: %v", e.adv.ID, c.Version, versionErr))
			continue
		}
		if slices.ContainsFunc(e.ranges, func(r vigil.ProductRange) bool { return r.Contains(*version) }) {
			out = append(out, sectorFinding(c, e.adv))
		}
	}
	return out, strings.Join(reasons, "; ")
}

func sectorFinding(c vigil.Component, a vigil.SectorAdvisory) Finding {
	fixed := a.FixedVersions(c.Version)
	slices.SortFunc(fixed, vigil.CompareProductVersions)
	return Finding{Input: c.Source, Vendor: c.Vendor, Name: productName(c), Version: c.Version,
		Location: c.Location, ID: a.ID, Aliases: orEmpty(slices.Clone(a.Aliases)),
		Summary: a.Summary, Fixed: orEmpty(slices.Compact(fixed)),
		Severity: sectorSeverity(a), Kind: cmp.Or(a.Kind, "sector"), Steps: a.Steps}
}

// sectorSeverity is the CVSS score when the analyst gave a vector that can be scored,
// else the analyst's rating.
func sectorSeverity(a vigil.SectorAdvisory) Severity {
	if a.CVSS != "" {
		if score, err := ScoreCVSS(a.CVSS); err == nil {
			return Severity{Score: score, Rating: Rating(score), Vector: a.CVSS}
		}
	}
	return Severity{Rating: string(a.Severity)}
}

// MergeResults joins the results of DB.Match over the package components and MatchSector
// over the products of one inventory: findings sorted together, counts added. The
// products DB.Match lists as not in a package ecosystem are dropped from its unmatched,
// since MatchSector checked them or listed them itself.
func MergeResults(osv, sector Result) Result {
	out := Result{Checked: osv.Checked + sector.Checked}
	out.Findings = append(slices.Clone(osv.Findings), sector.Findings...)
	slices.SortFunc(out.Findings, compareFindings)
	for _, u := range osv.Unmatched {
		if u.Component.Ecosystem != "" {
			out.Unmatched = append(out.Unmatched, u)
		}
	}
	out.Unmatched = append(out.Unmatched, sector.Unmatched...)
	return out
}

// orEmpty keeps JSON output an empty list rather than null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
