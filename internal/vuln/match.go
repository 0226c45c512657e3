package vuln

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/google/osv-scalibr/semantic"
	vigil "github.com/vigil-health/vigil"
)

// Match checks components against the advisories. Safe for concurrent use.
func (db *DB) Match(components []vigil.Component) Result {
	var res Result
	for _, c := range components {
		found, reason := db.matchOne(c)
		if reason != "" {
			res.Unmatched = append(res.Unmatched, Unmatched{Component: c, Reason: reason})
			continue
		}
		res.Checked++
		res.Findings = append(res.Findings, found...)
	}
	slices.SortFunc(res.Findings, compareFindings)
	return res
}

func compareFindings(a, b Finding) int {
	return cmp.Or(cmp.Compare(a.Input, b.Input), cmp.Compare(a.Ecosystem, b.Ecosystem),
		cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version),
		cmp.Compare(a.Location, b.Location), cmp.Compare(a.ID, b.ID))
}

// matchOne returns the findings for one component, or why it could not be checked.
func (db *DB) matchOne(c vigil.Component) ([]Finding, string) {
	switch {
	case c.Ecosystem == "":
		return nil, "not in a package ecosystem: only sector advisories (MatchSector) can match it, by vendor and product"
	case c.Version == "":
		return nil, "no version given"
	case db.stats.ByEcosystem[baseEcosystem(c.Ecosystem)] == 0:
		return nil, fmt.Sprintf("no advisories loaded for ecosystem %s", c.Ecosystem)
	}
	v, err := parseVersion(c.Ecosystem, c.Version)
	if err != nil {
		return nil, fmt.Sprintf("version %q cannot be read as a %s version: %v", c.Version, c.Ecosystem, err)
	}
	hits := db.hits(c, v)
	return db.findings(c, hits), ""
}

// hit is one record that affects a component, with the fixes that apply.
type hit struct {
	rec   *record
	fixed []event
}

func (db *DB) hits(c vigil.Component, v semantic.Version) []hit {
	version := cleanVersion(c.Ecosystem, c.Version)
	var out []hit
	for _, e := range db.index[indexKey(c.Ecosystem, c.Name)] {
		if !sameRelease(e.ecosystem, c.Ecosystem) {
			continue
		}
		if affected, fixed := e.affects(v, version); affected {
			out = append(out, hit{rec: e.rec, fixed: fixed})
		}
	}
	return out
}

// sameRelease keeps "Debian:11" advisories off a "Debian:12" component; a side that
// names no release matches any.
func sameRelease(a, b string) bool {
	return a == b || a == baseEcosystem(a) || b == baseEcosystem(b)
}

// affects applies OSV's rules: the version is in the versions list, or inside one of
// the ranges. fixed holds the fix of each range that contains it.
func (e *entry) affects(v semantic.Version, version string) (affected bool, fixed []event) {
	affected = e.versions[version]
	for _, r := range e.ranges {
		in, fix := rangeContains(r, v, version)
		if in {
			affected = true
			if fix.v != nil {
				fixed = append(fixed, fix)
			}
		}
	}
	return affected, fixed
}

// rangeContains walks a sorted range: introduced opens it, fixed closes it before the
// fixed version, last_affected closes it after. fix is the fixed event that closes the
// interval holding v.
func rangeContains(events []event, v semantic.Version, version string) (in bool, fix event) {
	for _, ev := range events {
		if in {
			switch ev.kind {
			case 'f':
				in = compare(v, ev.v) < 0
				if in && fix.v == nil {
					fix = ev
				}
			case 'l':
				in = ev.raw == version || compare(v, ev.v) <= 0
			}
		} else if ev.kind == 'i' {
			in = ev.v == nil || compare(v, ev.v) >= 0
		}
	}
	return in, fix
}

func compare(a, b semantic.Version) int {
	c, _ := a.Compare(b)
	return c
}

// findings merges the hits whose IDs are aliases of each other into one finding each.
func (db *DB) findings(c vigil.Component, hits []hit) []Finding {
	if len(hits) == 0 {
		return nil
	}
	groups := map[string][]hit{}
	var order []string
	for _, h := range hits {
		root := db.root(h.rec.id)
		if _, ok := groups[root]; !ok {
			order = append(order, root)
		}
		groups[root] = append(groups[root], h)
	}
	out := make([]Finding, 0, len(order))
	for _, root := range order {
		out = append(out, mergeHits(c, groups[root]))
	}
	return out
}

func (db *DB) root(id string) string {
	if r, ok := db.roots[id]; ok {
		return r
	}
	return id
}

// mergeHits makes one finding of records that name the same vulnerability.
func mergeHits(c vigil.Component, hits []hit) Finding {
	if len(hits) > 1 {
		slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.rec.id, b.rec.id) })
	}
	first := hits[0].rec
	f := Finding{Input: c.Source, Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version,
		Location: c.Location, ID: first.id, Summary: first.summary, Severity: first.severity,
		Aliases: slices.Clone(first.aliases), Fixed: []string{}}
	var fixed []event
	for _, h := range hits {
		fixed = append(fixed, h.fixed...)
		if h.rec.severity.Score > f.Severity.Score || f.Severity.Rating == "" {
			f.Severity = h.rec.severity
		}
	}
	if len(hits) > 1 {
		f.Aliases = mergedAliases(hits)
	}
	slices.SortFunc(fixed, compareEvents)
	for i, ev := range fixed {
		if i == 0 || ev.raw != fixed[i-1].raw {
			f.Fixed = append(f.Fixed, ev.raw)
		}
	}
	return f
}

// mergedAliases is every ID of the hits but the first, sorted.
func mergedAliases(hits []hit) []string {
	ids := map[string]bool{}
	for _, h := range hits {
		ids[h.rec.id] = true
		for _, a := range h.rec.aliases {
			ids[a] = true
		}
	}
	delete(ids, hits[0].rec.id)
	return sortedKeys(ids)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
