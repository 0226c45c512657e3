package vuln

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/google/osv-scalibr/semantic"
)

// DB is a loaded advisory database, indexed for matching. It is immutable.
type DB struct {
	index    map[string][]*entry // by indexKey(ecosystem, name)
	roots    map[string]string   // advisory or alias ID → its alias set's representative
	stats    Stats
	loadTime time.Duration
}

// Stats describes what a DB holds.
type Stats struct {
	// Advisories counts the records kept (not withdrawn, latest of duplicates).
	Advisories int `json:"advisories"`
	// ByEcosystem counts records per ecosystem they affect a package in.
	ByEcosystem map[string]int `json:"by_ecosystem"`
	// Withdrawn counts records skipped because they were withdrawn.
	Withdrawn int `json:"withdrawn"`
	// Duplicates counts records dropped because a newer record had the same ID.
	Duplicates int `json:"duplicates"`
	// GitRangesIgnored counts GIT ranges: they name commits, which inventories do not
	// carry, so matching ignores them (the record's versions list still applies).
	GitRangesIgnored int `json:"git_ranges_ignored"`
	// UnorderedRanges counts ranges skipped because an event's version could not be read
	// in its ecosystem (or the ecosystem has no ordering).
	UnorderedRanges int `json:"unordered_ranges"`
	// LoadTime is how long Load took, when the DB came from Load.
	LoadTime time.Duration `json:"load_time_ns"`
}

// record is an advisory as matching reports it.
type record struct {
	id       string
	aliases  []string
	summary  string
	severity Severity
}

// entry is one affected package of one record, with its ranges read in advance.
type entry struct {
	rec       *record
	ecosystem string // as the record writes it, with any release suffix
	name      string // as the record writes it
	ranges    [][]event
	versions  map[string]bool
}

// event is a range event with its version parsed once at load time.
type event struct {
	kind byte // 'i' introduced, 'f' fixed, 'l' last_affected
	raw  string
	v    semantic.Version // nil for introduced "0"
}

// indexKey is the key an advisory's package is indexed under (PackageKey).
func indexKey(ecosystem, name string) string {
	return PackageKey(ecosystem, name)
}

// NewDB indexes advisories: withdrawn records are skipped, and of two records with
// one ID the later modified is kept.
func NewDB(advisories []Advisory) *DB {
	db := &DB{index: map[string][]*entry{}, stats: Stats{ByEcosystem: map[string]int{}}}
	sets := newAliasSets()
	for _, a := range latestByID(advisories, &db.stats) {
		if a.Withdrawn != "" {
			db.stats.Withdrawn++
			continue
		}
		db.add(a, sets)
	}
	db.roots = sets.freeze()
	return db
}

// latestByID keeps, for each ID, the record modified last.
func latestByID(advisories []Advisory, st *Stats) []Advisory {
	byID := make(map[string]int, len(advisories))
	var out []Advisory
	for _, a := range advisories {
		i, seen := byID[a.ID]
		switch {
		case !seen:
			byID[a.ID] = len(out)
			out = append(out, a)
		case a.Modified > out[i].Modified:
			out[i] = a
			st.Duplicates++
		default:
			st.Duplicates++
		}
	}
	return out
}

func (db *DB) add(a Advisory, sets *aliasSets) {
	rec := &record{id: a.ID, aliases: otherIDs(a), summary: a.Summary, severity: advisorySeverity(a)}
	sets.join(a.ID, a.ID)
	for _, alias := range a.Aliases {
		sets.join(a.ID, alias)
	}
	db.stats.Advisories++
	ecosystems := map[string]bool{}
	for _, af := range a.Affected {
		if af.Package.Ecosystem == "" {
			continue
		}
		e := db.newEntry(rec, af)
		key := indexKey(af.Package.Ecosystem, af.Package.Name)
		db.index[key] = append(db.index[key], e)
		ecosystems[baseEcosystem(af.Package.Ecosystem)] = true
	}
	for eco := range ecosystems {
		db.stats.ByEcosystem[eco]++
	}
}

// otherIDs is the record's aliases, sorted, without its own ID: what a finding from
// this record alone reports.
func otherIDs(a Advisory) []string {
	out := []string{}
	for _, alias := range a.Aliases {
		if alias != a.ID && !slices.Contains(out, alias) {
			out = append(out, alias)
		}
	}
	slices.Sort(out)
	return out
}

func (db *DB) newEntry(rec *record, af Affected) *entry {
	eco := af.Package.Ecosystem
	e := &entry{rec: rec, ecosystem: eco, name: af.Package.Name}
	if len(af.Versions) > 0 {
		e.versions = make(map[string]bool, len(af.Versions))
		for _, v := range af.Versions {
			e.versions[cleanVersion(eco, v)] = true
		}
	}
	for _, r := range af.Ranges {
		if r.Type != "ECOSYSTEM" && r.Type != "SEMVER" {
			db.stats.GitRangesIgnored++
			continue
		}
		events, ok := parseEvents(eco, r.Events)
		if !ok {
			db.stats.UnorderedRanges++
			continue
		}
		e.ranges = append(e.ranges, events)
	}
	return e
}

// parseEvents reads a range's versions and sorts its events by version, introduced "0"
// first, as OSV's matching rules require. ok is false when a version cannot be read.
func parseEvents(ecosystem string, raw []Event) ([]event, bool) {
	events := make([]event, 0, len(raw))
	for _, r := range raw {
		ev := event{kind: 'i', raw: r.Introduced}
		switch {
		case r.Fixed != "":
			ev = event{kind: 'f', raw: r.Fixed}
		case r.LastAffected != "":
			ev = event{kind: 'l', raw: r.LastAffected}
		case r.Limit != "":
			continue // limit only bounds GIT ranges
		}
		if ev.kind != 'i' || ev.raw != "0" {
			v, err := parseVersion(ecosystem, ev.raw)
			if err != nil {
				return nil, false
			}
			ev.v = v
		}
		events = append(events, ev)
	}
	slices.SortStableFunc(events, compareEvents)
	return events, true
}

func compareEvents(a, b event) int {
	switch {
	case a.v == nil && b.v == nil:
		return 0
	case a.v == nil:
		return -1
	case b.v == nil:
		return 1
	}
	c, _ := a.v.Compare(b.v)
	return c
}

// Stats reports what the DB holds and how long it took to load.
func (db *DB) Stats() Stats {
	st := db.stats
	st.ByEcosystem = make(map[string]int, len(db.stats.ByEcosystem))
	for k, v := range db.stats.ByEcosystem {
		st.ByEcosystem[k] = v
	}
	st.LoadTime = db.loadTime
	return st
}

// Ecosystems lists the ecosystems the DB has advisories for, sorted.
func (db *DB) Ecosystems() []string {
	out := make([]string, 0, len(db.stats.ByEcosystem))
	for k := range db.stats.ByEcosystem {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}
