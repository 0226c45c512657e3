package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

const orgAssetSelect = `SELECT id, org, kind, value, status, claimed_by, created_at, reviewed_by, reviewed_at FROM assets`

func scanOrgAsset(sc scanner) (vigil.OrgAsset, error) {
	var a vigil.OrgAsset
	err := sc.Scan(&a.ID, &a.Org, &a.Kind, &a.Value, &a.Status, &a.ClaimedBy, scanTime(&a.ClaimedAt), &a.ReviewedBy, scanTime(&a.ReviewedAt))
	return a, err
}

// ListAssets returns organisations' assets in the order they were claimed, each with
// the overlaps it has with other organisations' claims, and the cursor of the next page
// ("" on the last page).
func (s *Store) ListAssets(ctx context.Context, f vigil.AssetFilter) ([]vigil.OrgAsset, string, error) {
	after, err := decodeIDCursor("asset", f.Cursor)
	if err != nil {
		return nil, "", err
	}
	switch f.Status {
	case "", vigil.AssetPending, vigil.AssetApproved:
	default:
		return nil, "", vigil.Errorf(vigil.EINVALID, "asset status %q is not one of pending, approved", f.Status)
	}
	var w where
	w.add(after > 0, "id > ?", after)
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	limit := vigil.PageLimit(f.Limit)
	c := s.rdb()
	rows, err := c.query(ctx, orgAssetSelect+w.String()+" ORDER BY id LIMIT ?", append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list assets: %w", err)
	}
	var out []vigil.OrgAsset
	for rows.Next() {
		a, err := scanOrgAsset(rows)
		if err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("list assets: %w", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list assets: %w", err)
	}
	out, next := page(out, limit, func(a vigil.OrgAsset) string { return strconv.FormatInt(a.ID, 10) })
	if err := s.fillAssetOverlaps(ctx, c, out); err != nil {
		return nil, "", err
	}
	return out, cursorOf("asset", next), nil
}

// fillAssetOverlaps loads the overlaps each asset in as is a side of.
func (s *Store) fillAssetOverlaps(ctx context.Context, c conn, as []vigil.OrgAsset) error {
	if len(as) == 0 {
		return nil
	}
	index := make(map[int64]*vigil.OrgAsset, len(as))
	ids := make([]any, len(as))
	for i := range as {
		index[as[i].ID], ids[i] = &as[i], as[i].ID
	}
	in := placeholders(len(ids))
	rows, err := c.query(ctx, `SELECT o.wider, o.narrower, `+strings.TrimPrefix(overlapSelect, "SELECT ")+`
		WHERE o.wider IN (`+in+`) OR o.narrower IN (`+in+`) ORDER BY o.id`,
		append(append([]any{}, ids...), ids...)...)
	if err != nil {
		return fmt.Errorf("load asset overlaps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var wider, narrower int64
		o, err := scanOverlap(prefixScanner{rows, []any{&wider, &narrower}})
		if err != nil {
			return fmt.Errorf("load asset overlaps: %w", err)
		}
		for _, id := range []int64{wider, narrower} {
			if a := index[id]; a != nil {
				a.Overlaps = append(a.Overlaps, o)
			}
		}
	}
	return rows.Err()
}

// prefixScanner scans some leading columns into first, then the rest as scanOverlap asks.
type prefixScanner struct {
	rows  *sql.Rows
	first []any
}

// Scan implements scanner.
func (p prefixScanner) Scan(dest ...any) error { return p.rows.Scan(append(p.first, dest...)...) }

// getOrgAsset reads one asset with its overlaps; a missing one is not found.
func (s *Store) getOrgAsset(ctx context.Context, c conn, id int64) (vigil.OrgAsset, error) {
	a, err := scanOrgAsset(c.row(ctx, orgAssetSelect+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, vigil.Errorf(vigil.ENOTFOUND, "no asset %d", id)
	}
	if err != nil {
		return a, fmt.Errorf("get asset %d: %w", id, err)
	}
	as := []vigil.OrgAsset{a}
	err = s.fillAssetOverlaps(ctx, c, as)
	return as[0], err
}

// ApproveAsset approves a pending asset (by is the analyst), so that it routes from now
// on. Approving one that is not pending is a conflict; a missing one (or one rejected,
// which is removed) is not found.
func (s *Store) ApproveAsset(ctx context.Context, id int64, by string) (vigil.OrgAsset, error) {
	var out vigil.OrgAsset
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		res, err := c.exec(ctx, `UPDATE assets SET status = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ? AND status = ?`,
			string(vigil.AssetApproved), by, dbTime(tx.now()), id, string(vigil.AssetPending))
		if err != nil {
			return fmt.Errorf("approve asset %d: %w", id, err)
		}
		if out, err = tx.getOrgAsset(ctx, c, id); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return alreadyReviewed(out)
		}
		return tx.bumpVersion(ctx, c, ScopeAssets)
	})
	return out, err
}

// RejectAsset refuses a pending asset (by is the analyst) and removes it with its
// overlaps; the organisation may claim it again, pending again. It returns the asset as
// it was, with status rejected. Rejecting one that is not pending is a conflict.
func (s *Store) RejectAsset(ctx context.Context, id int64, by string) (vigil.OrgAsset, error) {
	var out vigil.OrgAsset
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		var err error
		if out, err = tx.getOrgAsset(ctx, c, id); err != nil {
			return err
		}
		res, err := c.exec(ctx, `DELETE FROM assets WHERE id = ? AND status = ?`, id, string(vigil.AssetPending))
		if err != nil {
			return fmt.Errorf("reject asset %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if out, err = tx.getOrgAsset(ctx, c, id); err != nil {
				return err
			}
			return alreadyReviewed(out)
		}
		out.Status, out.ReviewedBy, out.ReviewedAt = vigil.AssetRejected, by, tx.now()
		return tx.bumpVersion(ctx, c, ScopeAssets)
	})
	return out, err
}

func alreadyReviewed(a vigil.OrgAsset) error {
	if a.ReviewedBy == "" {
		return vigil.Errorf(vigil.ECONFLICT, "%s is not pending: it is %s", a, a.Status)
	}
	return vigil.Errorf(vigil.ECONFLICT, "%s is not pending: %s has %s it", a, a.ReviewedBy, a.Status)
}
