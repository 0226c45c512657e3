package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// claimRow is an asset row found while looking for overlaps.
type claimRow struct {
	id    int64
	claim vigil.AssetClaim
}

// flagOverlaps records every overlap between the new asset a (row id, of org) and the
// assets of other organisations.
func (s *Store) flagOverlaps(ctx context.Context, c conn, org string, id int64, a normAsset) ([]vigil.Overlap, error) {
	others, err := s.overlapping(ctx, c, org, a)
	if err != nil {
		return nil, err
	}
	mine := claimRow{id, claimOf(org, a)}
	var out []vigil.Overlap
	for _, other := range others {
		o := vigil.Overlap{Status: vigil.OverlapOpen, DetectedAt: s.now()}
		wide, narrow := other, mine // equal claims: the older (other) comes first
		switch cmp := wider(other.claim, mine.claim); {
		case cmp == 0:
			o.Equal = true
		case cmp < 0:
			wide, narrow = mine, other
		}
		o.Wider, o.Narrower = wide.claim, narrow.claim
		rows, err := c.query(ctx, `INSERT INTO asset_overlaps (wider, narrower, equal, status, detected_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (wider, narrower) DO NOTHING RETURNING id`,
			wide.id, narrow.id, o.Equal, string(vigil.OverlapOpen), dbTime(o.DetectedAt))
		if err != nil {
			return nil, fmt.Errorf("record overlap: %w", err)
		}
		if o.ID, err = scanOptionalID(rows); err != nil {
			return nil, fmt.Errorf("record overlap: %w", err)
		}
		if o.ID != 0 {
			out = append(out, o)
		}
	}
	return out, nil
}

func claimOf(org string, a normAsset) vigil.AssetClaim {
	if a.Kind == vigil.AssetIPRange {
		return vigil.AssetClaim{Org: org, Kind: a.Kind, Prefix: a.prefix}
	}
	return vigil.AssetClaim{Org: org, Kind: a.Kind, Name: a.Value}
}

// wider returns 1 when a contains b, -1 when b contains a and 0 when they are equal.
// The claims are known to overlap.
func wider(a, b vigil.AssetClaim) int {
	if a.Kind == vigil.AssetIPRange {
		switch {
		case a.Prefix.Bits() < b.Prefix.Bits():
			return 1
		case a.Prefix.Bits() > b.Prefix.Bits():
			return -1
		}
		return 0
	}
	switch {
	case a.Name == b.Name:
		return 0
	case strings.HasSuffix(b.Name, "."+a.Name):
		return 1
	}
	return -1
}

// overlapping returns other organisations' assets that overlap a: ranges that contain it
// or lie inside it; domains it lies under, equal names, and names under a domain.
func (s *Store) overlapping(ctx context.Context, c conn, org string, a normAsset) ([]claimRow, error) {
	var rows *sql.Rows
	var err error
	if a.Kind == vigil.AssetIPRange {
		q, args := rangeOverlapQuery(org, a.prefix)
		rows, err = c.query(ctx, q, args...)
	} else {
		q, args := nameOverlapQuery(org, a)
		rows, err = c.query(ctx, q, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("find overlaps of %s: %w", a.Value, err)
	}
	defer rows.Close()
	var out []claimRow
	for rows.Next() {
		var r claimRow
		if err := rows.Scan(&r.id, &r.claim.Org, &r.claim.Kind, &r.claim.Name); err != nil {
			return nil, fmt.Errorf("find overlaps of %s: %w", a.Value, err)
		}
		if r.claim.Kind == vigil.AssetIPRange {
			r.claim.Prefix, r.claim.Name = netip.MustParsePrefix(r.claim.Name), ""
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// rangeOverlapQuery builds the query for an IP range. Two CIDR ranges overlap only when
// one contains the other, so there are two cheap lookups instead of an interval scan
// that reads every range below this one: ranges that start inside it (index on
// range_start), and the few networks that could contain it, by value.
func rangeOverlapQuery(org string, p netip.Prefix) (string, []any) {
	family, start, end := rangeBounds(p)
	q := `SELECT id, org, kind, value FROM assets
		WHERE kind = 'ip_range' AND family = ? AND org <> ? AND range_start BETWEEN ? AND ?`
	args := []any{family, org, start, end}
	var supernets []any
	for bits := range p.Bits() {
		supernets = append(supernets, netip.PrefixFrom(p.Addr(), bits).Masked().String())
	}
	if len(supernets) > 0 {
		// Only IP ranges have values like "10.0.0.0/8", so the value index alone answers;
		// adding kind = 'ip_range' lets PostgreSQL pick the partial range index instead,
		// which reads every range.
		q += ` UNION SELECT id, org, kind, value FROM assets
		WHERE org <> ? AND value IN (` + placeholders(len(supernets)) + `)`
		args = append(append(args, org), supernets...)
	}
	return q, args
}

// nameOverlapQuery builds the query for a domain or hostname: the same name, a domain
// above it, and (for a domain) any name below it.
func nameOverlapQuery(org string, a normAsset) (string, []any) {
	args := []any{org, a.Value}
	conds := []string{"value = ?"}
	var parents []string
	for d := a.Value; ; {
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
		parents = append(parents, d)
		args = append(args, d)
	}
	if len(parents) > 0 {
		conds = append(conds, "(kind = 'domain' AND value IN ("+placeholders(len(parents))+"))")
	}
	if a.Kind == vigil.AssetDomain {
		// Names under the domain: an index range on the reversed labels (migrate_rname.go).
		under := reverseLabels(a.Value)
		conds = append(conds, `(rname > ? AND rname < ?)`)
		args = append(args, under, under[:len(under)-1]+"/")
	}
	return `SELECT id, org, kind, value FROM assets WHERE kind IN ('domain', 'hostname') AND org <> ? AND (` +
		strings.Join(conds, " OR ") + `)`, args
}

// likeEscape escapes LIKE's wildcards; domain names may hold '_'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

const overlapSelect = `SELECT o.id, o.equal, o.status, o.detected_at, o.reviewed_by, o.reviewed_at, o.note,
	w.org, w.kind, w.value, n.org, n.kind, n.value
	FROM asset_overlaps o JOIN assets w ON w.id = o.wider JOIN assets n ON n.id = o.narrower`

// ListOverlaps returns flagged overlaps, oldest first, and the cursor of the next page
// ("" on the last page).
func (s *Store) ListOverlaps(ctx context.Context, f vigil.OverlapFilter) ([]vigil.Overlap, string, error) {
	after, err := decodeIDCursor("overlap", f.Cursor)
	if err != nil {
		return nil, "", err
	}
	var w where
	w.add(after > 0, "o.id > ?", after)
	if f.Org != "" {
		w.add(true, "(w.org = ? OR n.org = ?)", strings.ToUpper(strings.TrimSpace(f.Org)), strings.ToUpper(strings.TrimSpace(f.Org)))
	}
	w.add(f.Status != "", "o.status = ?", string(f.Status))
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, overlapSelect+w.String()+" ORDER BY o.id LIMIT ?", append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list overlaps: %w", err)
	}
	defer rows.Close()
	var out []vigil.Overlap
	for rows.Next() {
		o, err := scanOverlap(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list overlaps: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list overlaps: %w", err)
	}
	out, next := page(out, limit, func(o vigil.Overlap) string { return strconv.FormatInt(o.ID, 10) })
	return out, cursorOf("overlap", next), nil
}

func scanOverlap(sc scanner) (vigil.Overlap, error) {
	var o vigil.Overlap
	var wv, nv string
	err := sc.Scan(&o.ID, &o.Equal, &o.Status, scanTime(&o.DetectedAt), &o.ReviewedBy, scanTime(&o.ReviewedAt), &o.Note,
		&o.Wider.Org, &o.Wider.Kind, &wv, &o.Narrower.Org, &o.Narrower.Kind, &nv)
	if err != nil {
		return vigil.Overlap{}, err
	}
	if err := setClaimValue(&o.Wider, wv); err != nil {
		return vigil.Overlap{}, err
	}
	return o, setClaimValue(&o.Narrower, nv)
}

func setClaimValue(c *vigil.AssetClaim, v string) error {
	if c.Kind != vigil.AssetIPRange {
		c.Name = v
		return nil
	}
	var err error
	c.Prefix, err = netip.ParsePrefix(v)
	return err
}

// AcceptOverlap records that an analyst (by) has confirmed an overlap, with a note
// saying why. Accepting an accepted overlap is a conflict.
func (s *Store) AcceptOverlap(ctx context.Context, id int64, by, note string) (vigil.Overlap, error) {
	note, err := vigil.Text("note", note, 2000, true)
	if err != nil {
		return vigil.Overlap{}, err
	}
	var out vigil.Overlap
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		res, err := c.exec(ctx, `UPDATE asset_overlaps SET status = ?, reviewed_by = ?, reviewed_at = ?, note = ?
			WHERE id = ? AND status = ?`, string(vigil.OverlapAccepted), by, dbTime(tx.now()), note, id, string(vigil.OverlapOpen))
		if err != nil {
			return fmt.Errorf("accept overlap %d: %w", id, err)
		}
		out, err = scanOverlap(c.row(ctx, overlapSelect+" WHERE o.id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no overlap %d", id)
		}
		if err != nil {
			return fmt.Errorf("accept overlap %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vigil.Errorf(vigil.ECONFLICT, "overlap %d was already accepted by %s", id, out.ReviewedBy)
		}
		return nil
	})
	return out, err
}
