package vuln

import (
	"slices"
	"sync"

	vigil "github.com/vigil-health/vigil"
)

// Root returns the ID that names id's set of aliases: the first of all its IDs in sort
// order. A GHSA and its CVE have one root, so it keys one finding per vulnerability.
func (db *DB) Root(id string) string { return db.root(id) }

// PackageKeys returns the keys (base ecosystem and normalised name) of the packages an
// advisory affects, sorted and without repeats: what an inventory must hold for the
// advisory to concern it.
func PackageKeys(a Advisory) []string {
	var out []string
	for _, af := range a.Affected {
		if af.Package.Ecosystem != "" && af.Package.Name != "" {
			out = append(out, indexKey(af.Package.Ecosystem, af.Package.Name))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ComponentKey is the package key of a component (see PackageKeys); "" when it is not
// in a package ecosystem.
func ComponentKey(c vigil.Component) string {
	if c.Ecosystem == "" || c.Name == "" {
		return ""
	}
	return indexKey(c.Ecosystem, c.Name)
}

// Cache remembers what matching gave for each package version, so that checking many
// organisations' inventories, which hold the same packages again and again, matches each
// (ecosystem, name, version) once. It belongs to one DB; build a new one with each DB.
// Safe for concurrent use.
type Cache struct {
	db *DB
	mu sync.RWMutex
	m  map[cacheKey]cached
}

// cacheKey is what matching reads of a component.
type cacheKey struct{ ecosystem, name, version string }

// cached is what matching gave for one package version: its findings (without the
// component's source and location) or why it could not be checked.
type cached struct {
	findings []Finding
	reason   string
}

// NewCache returns an empty cache over db.
func NewCache(db *DB) *Cache { return &Cache{db: db, m: map[cacheKey]cached{}} }

// DB is the database the cache matches against.
func (c *Cache) DB() *DB { return c.db }

// Len is how many package versions the cache holds.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// Match is DB.Match through the cache: the same result, with each package version
// matched once. The findings' Aliases and Fixed slices are shared with the cache and
// with other results: read them, never modify them in place.
func (c *Cache) Match(components []vigil.Component) Result {
	var res Result
	for _, comp := range components {
		hit := c.one(comp)
		if hit.reason != "" {
			res.Unmatched = append(res.Unmatched, Unmatched{Component: comp, Reason: hit.reason})
			continue
		}
		res.Checked++
		for _, f := range hit.findings {
			f.Input, f.Location = comp.Source, comp.Location
			res.Findings = append(res.Findings, f)
		}
	}
	slices.SortFunc(res.Findings, compareFindings)
	return res
}

func (c *Cache) one(comp vigil.Component) cached {
	k := cacheKey{comp.Ecosystem, comp.Name, comp.Version}
	c.mu.RLock()
	hit, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return hit
	}
	bare := vigil.Component{Ecosystem: comp.Ecosystem, Name: comp.Name, Version: comp.Version}
	found, reason := c.db.matchOne(bare)
	hit = cached{findings: found, reason: reason}
	c.mu.Lock()
	c.m[k] = hit
	c.mu.Unlock()
	return hit
}
