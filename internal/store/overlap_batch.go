package store

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// flagOverlapsAll records every overlap between the new assets (inserted, with ids) and
// other organisations' assets, the other new ones included, as flagOverlaps does for
// each asset in the order inserted: of two overlapping claims, the older (lower id) is
// the one found, and the later one's organisation is told (out[row].Overlaps). The
// candidates come from a few lookups for the whole batch, the matching is in memory.
func (s *Store) flagOverlapsAll(ctx context.Context, c conn, added []newAsset, out []OrgCreated) error {
	cands, err := s.overlapCandidates(ctx, c, added)
	if err != nil {
		return err
	}
	pairs := overlapPairs(added, cands)
	if len(pairs) == 0 {
		return nil
	}
	return s.insertOverlaps(ctx, c, pairs, added, out)
}

// overlapCandidates reads every stored asset that could overlap a new one: ranges
// starting inside a new range, networks that could contain one (by value), the same
// names, domains above a new name and names under a new domain. The new assets are
// among them.
func (s *Store) overlapCandidates(ctx context.Context, c conn, added []newAsset) ([]claimRow, error) {
	var ranges, names []any
	var values []string
	for _, n := range added {
		if n.a.Kind == vigil.AssetIPRange {
			family, start, end := rangeBounds(n.a.prefix)
			ranges = append(ranges, family, start, end)
			for bits := range n.a.prefix.Bits() + 1 {
				values = append(values, netip.PrefixFrom(n.a.prefix.Addr(), bits).Masked().String())
			}
			continue
		}
		values = append(values, n.a.Value)
		values = append(values, parentNames(n.a.Value)...)
		if n.a.Kind == vigil.AssetDomain {
			under := reverseLabels(n.a.Value)
			names = append(names, under, under[:len(under)-1]+"/")
		}
	}
	slices.Sort(values)
	values = slices.Compact(values)
	found := map[int64]claimRow{}
	lookups := []candidateLookup{
		{cols: "family, lo, hi", types: []string{"INTEGER", "BYTEA", "BYTEA"}, args: ranges,
			on: "a.kind = 'ip_range' AND a.family = n.family AND a.range_start BETWEEN n.lo AND n.hi"},
		{cols: "lo, hi", types: []string{"TEXT", "TEXT"}, args: names,
			on: "a.kind IN ('domain', 'hostname') AND a.rname > n.lo AND a.rname < n.hi"},
	}
	if err := s.refreshPlanStats(ctx, c); err != nil {
		return nil, err
	}
	for _, l := range lookups {
		per := len(l.types)
		for part := range slices.Chunk(l.args, writeRows*per) {
			if err := s.readClaims(ctx, c, l.query(s.isPG(), len(part)/per), part, found); err != nil {
				return nil, err
			}
		}
	}
	for part := range slices.Chunk(values, writeRows) {
		q := `SELECT id, org, kind, value FROM assets WHERE value IN (` + placeholders(len(part)) + `)`
		if err := s.readClaims(ctx, c, q, anys(part), found); err != nil {
			return nil, err
		}
	}
	out := make([]claimRow, 0, len(found))
	for _, r := range found {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b claimRow) int { return int(a.id - b.id) })
	return out, nil
}

// candidateLookup finds the stored assets that lie in any of a list of bounds (the
// rows of args, len(types) values each): an asset is a candidate when on holds for it,
// a, and one row of the list, n (whose columns are cols).
type candidateLookup struct {
	cols  string
	types []string
	on    string
	args  []any
}

// query is the lookup for rows rows. On PostgreSQL the list is a table whose rows are
// each looked up in the range or name index; on SQLite, whose
// planner handles OR'd index lookups well and a joined list less predictably, it is
// one OR'd condition per row.
func (l candidateLookup) query(pg bool, rows int) string {
	if !pg {
		cond := l.on
		for _, col := range strings.Split(l.cols, ", ") {
			cond = strings.ReplaceAll(cond, "n."+col, "?")
		}
		return `SELECT a.id, a.org, a.kind, a.value FROM assets a WHERE ` +
			strings.TrimSuffix(strings.Repeat("("+cond+") OR ", rows), " OR ")
	}
	casts := make([]string, len(l.types))
	for i, t := range l.types {
		casts[i] = "CAST(? AS " + t + ")"
	}
	list := strings.TrimSuffix(strings.Repeat("("+strings.Join(casts, ", ")+"), ", rows), ", ")
	// LATERAL … OFFSET 0 keeps the lookup a subquery run for each row of the list, with
	// the row's bounds as its index condition: flattened into a join, the planner
	// hashes on family and compares every range with every row of the list.
	return `WITH n (` + l.cols + `) AS (VALUES ` + list + `) SELECT a.id, a.org, a.kind, a.value FROM n
		CROSS JOIN LATERAL (SELECT id, org, kind, value FROM assets a WHERE ` + l.on + ` OFFSET 0) a`
}

// refreshPlanStats refreshes PostgreSQL's statistics of assets before the lookups. A
// bulk import fills the table faster than autovacuum analyses it, and a planner that
// still believes it holds a few rows compares every asset with every row of the list
// (1.5 million comparisons for 500 rows over 3,000 assets) instead of looking each up
// in its index. ANALYZE reads a bounded sample and takes no lock that writers or
// readers wait for.
func (s *Store) refreshPlanStats(ctx context.Context, c conn) error {
	if !s.isPG() {
		return nil
	}
	if _, err := c.exec(ctx, `ANALYZE assets`); err != nil {
		return fmt.Errorf("analyse assets: %w", err)
	}
	return nil
}

// readClaims adds the assets query q reads (id, org, kind, value) to found, by id.
func (s *Store) readClaims(ctx context.Context, c conn, q string, args []any, found map[int64]claimRow) error {
	rows, err := c.query(ctx, q, args...)
	if err == nil {
		err = eachRow(rows, func(sc scanner) error {
			var r claimRow
			if err := sc.Scan(&r.id, &r.claim.Org, &r.claim.Kind, &r.claim.Name); err != nil {
				return err
			}
			if r.claim.Kind == vigil.AssetIPRange {
				p, err := netip.ParsePrefix(r.claim.Name)
				if err != nil {
					return err
				}
				r.claim.Prefix, r.claim.Name = p, ""
			}
			found[r.id] = r
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("find overlaps of new assets: %w", err)
	}
	return nil
}

// parentNames are the names above name: "a.b.example" → "b.example", "example".
func parentNames(name string) []string {
	var out []string
	for d := name; ; {
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return out
		}
		d = d[i+1:]
		out = append(out, d)
	}
}

// overlapPair is two overlapping claims of different organisations: mine the later
// (higher id), other the older.
type overlapPair struct{ other, mine claimRow }

// overlapPairs matches the candidates against the new assets: each pair of claims of
// different organisations where one contains the other (or they are equal) and the
// later of the two is new, once.
func overlapPairs(added []newAsset, cands []claimRow) []overlapPair {
	byValue := map[string][]claimRow{} // candidates by stored value
	for _, c := range cands {
		byValue[claimValue(c.claim)] = append(byValue[claimValue(c.claim)], c)
	}
	isNew := make(map[int64]bool, len(added))
	for _, n := range added {
		isNew[n.id] = true
	}
	seen := map[[2]int64]bool{}
	var out []overlapPair
	add := func(a, b claimRow) {
		if a.claim.Org == b.claim.Org || a.id == b.id {
			return
		}
		if a.id > b.id {
			a, b = b, a
		}
		if !isNew[b.id] || seen[[2]int64{a.id, b.id}] {
			return
		}
		seen[[2]int64{a.id, b.id}] = true
		out = append(out, overlapPair{other: a, mine: b})
	}
	// Every overlap is a claim and one of its containers (itself included): look up each
	// claim's containers by value.
	for _, c := range cands {
		for _, v := range containers(c.claim) {
			for _, up := range byValue[v] {
				if contains(up.claim, c.claim, v == claimValue(c.claim)) {
					add(up, c)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b overlapPair) int {
		if a.mine.id != b.mine.id {
			return int(a.mine.id - b.mine.id)
		}
		return int(a.other.id - b.other.id)
	})
	return out
}

// contains reports whether up, a claim whose value is one of containers(c) (same says
// it is c's own), overlaps c as overlapping() finds it: a network contains the ranges
// inside it; a name overlaps the same name of either kind, and a domain the names below it.
func contains(up, c vigil.AssetClaim, same bool) bool {
	if (up.Kind == vigil.AssetIPRange) != (c.Kind == vigil.AssetIPRange) {
		return false
	}
	return up.Kind == vigil.AssetIPRange || same || up.Kind == vigil.AssetDomain
}

// claimValue is the claim as the assets table stores its value.
func claimValue(c vigil.AssetClaim) string {
	if c.Kind == vigil.AssetIPRange {
		return c.Prefix.String()
	}
	return c.Name
}

// containers are the values of the claims that contain c or equal it: its networks
// from /0 to its own, or its name and the names above it.
func containers(c vigil.AssetClaim) []string {
	if c.Kind == vigil.AssetIPRange {
		out := make([]string, 0, c.Prefix.Bits()+1)
		for bits := range c.Prefix.Bits() + 1 {
			out = append(out, netip.PrefixFrom(c.Prefix.Addr(), bits).Masked().String())
		}
		return out
	}
	return append([]string{c.Name}, parentNames(c.Name)...)
}

// insertOverlaps records the pairs as flagOverlaps does, multi-row, and gives each
// newly recorded one to the organisation of its later claim.
func (s *Store) insertOverlaps(ctx context.Context, c conn, pairs []overlapPair, added []newAsset, out []OrgCreated) error {
	rowOf := make(map[int64]int, len(added))
	for _, n := range added {
		rowOf[n.id] = n.row
	}
	now := s.now()
	for part := range slices.Chunk(pairs, writeRows) {
		made := make(map[[2]int64]vigil.Overlap, len(part))
		args := make([]any, 0, 5*len(part))
		for _, p := range part {
			o := vigil.Overlap{Status: vigil.OverlapOpen, DetectedAt: now}
			wide, narrow := p.other, p.mine // equal claims: the older comes first
			switch cmp := wider(p.other.claim, p.mine.claim); {
			case cmp == 0:
				o.Equal = true
			case cmp < 0:
				wide, narrow = p.mine, p.other
			}
			o.Wider, o.Narrower = wide.claim, narrow.claim
			made[[2]int64{wide.id, narrow.id}] = o
			args = append(args, wide.id, narrow.id, o.Equal, string(vigil.OverlapOpen), dbTime(now))
		}
		rows, err := c.query(ctx, `INSERT INTO asset_overlaps (wider, narrower, equal, status, detected_at)
			VALUES `+valuesList(len(part), 5)+` ON CONFLICT (wider, narrower) DO NOTHING RETURNING id, wider, narrower`, args...)
		if err == nil {
			err = eachRow(rows, func(sc scanner) error {
				var id, w, n int64
				if err := sc.Scan(&id, &w, &n); err != nil {
					return err
				}
				o := made[[2]int64{w, n}]
				o.ID = id
				row := rowOf[max(w, n)]
				out[row].Overlaps = append(out[row].Overlaps, o)
				return nil
			})
		}
		if err != nil {
			return fmt.Errorf("record overlaps: %w", err)
		}
	}
	return nil
}
