package vuln

import (
	"cmp"
	"fmt"
	"slices"

	vigil "github.com/vigil-health/vigil"
)

// Upgrade is the advice for one component: the lowest version that fixes every
// finding that has a fix, and the findings no version fixes yet.
type Upgrade struct {
	Input     string `json:"input"`
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	// To is the version to upgrade to; empty when no finding has a fix.
	To string `json:"to,omitempty"`
	// Unfixed lists findings with no fixed version published.
	Unfixed []string `json:"unfixed,omitempty"`
}

// String says what to do, in a sentence: "upgrade log4j-core 2.14.1 to 2.17.1 or later".
func (u Upgrade) String() string {
	s := ""
	if u.To != "" {
		s = fmt.Sprintf("upgrade %s %s to %s or later", u.Name, u.Version, u.To)
	}
	if len(u.Unfixed) > 0 {
		if s != "" {
			s += "; "
		}
		s += fmt.Sprintf("no fix published for %s in %s %s: ask the supplier or remove it", joinIDs(u.Unfixed), u.Name, u.Version)
	}
	return s
}

func joinIDs(ids []string) string {
	if len(ids) > 3 {
		return fmt.Sprintf("%s, %s, %s and %d more", ids[0], ids[1], ids[2], len(ids)-3)
	}
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ", "
		}
		s += id
	}
	return s
}

// Upgrades gives one piece of advice per affected component: for each finding the
// lowest fixed version above the component's, and of those the highest, since it
// fixes them all (the range rules make a finding's fixes the upper ends of the
// affected intervals holding the version). Findings of a policy (products of concern)
// are left out: no version fixes them, and their steps say what to do.
func Upgrades(findings []Finding) []Upgrade {
	byComponent := map[[4]string]*Upgrade{}
	var order [][4]string
	for _, f := range findings {
		if f.Kind == "policy" {
			continue
		}
		key := [4]string{f.Input, f.Ecosystem, f.Name, f.Version}
		u, ok := byComponent[key]
		if !ok {
			u = &Upgrade{Input: f.Input, Ecosystem: f.Ecosystem, Name: f.Name, Version: f.Version}
			byComponent[key] = u
			order = append(order, key)
		}
		if len(f.Fixed) == 0 {
			u.Unfixed = append(u.Unfixed, f.ID)
			continue
		}
		if c, ok := compareFixed(f.Ecosystem, f.Fixed[0], u.To); u.To == "" || ok && c > 0 {
			u.To = f.Fixed[0]
		}
	}
	out := make([]Upgrade, 0, len(order))
	for _, k := range order {
		u := byComponent[k]
		slices.Sort(u.Unfixed)
		u.Unfixed = slices.Compact(u.Unfixed)
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b Upgrade) int {
		return cmp.Or(cmp.Compare(a.Input, b.Input), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out
}

// compareFixed orders fixed versions: by the ecosystem's rules, or as dotted numbers for
// a product outside package ecosystems.
func compareFixed(ecosystem, a, b string) (int, bool) {
	if ecosystem == "" {
		return vigil.CompareProductVersions(a, b), true
	}
	return CompareVersions(ecosystem, a, b)
}
