package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// SectorAdvisoryRow is an analyst's sector advisory as stored: its JSON record (the
// exposure service reads and writes it; the store does not look inside) and its history.
type SectorAdvisoryRow struct {
	ID                   string
	Record               []byte
	CreatedBy            string
	CreatedAt, UpdatedAt time.Time
	// WithdrawnAt is when it was withdrawn; zero while it applies.
	WithdrawnAt time.Time
}

const sectorAdvisoryColumns = `id, record, created_by, created_at, updated_at, withdrawn_at`

func scanSectorAdvisory(sc scanner) (SectorAdvisoryRow, error) {
	var r SectorAdvisoryRow
	var rec string
	err := sc.Scan(&r.ID, &rec, &r.CreatedBy, scanTime(&r.CreatedAt), scanTime(&r.UpdatedAt), scanTime(&r.WithdrawnAt))
	r.Record = []byte(rec)
	return r, err
}

// PutSectorAdvisory creates or replaces the advisory with r's ID (a withdrawn one comes
// back into force) and counts the change, so that every server rebuilds its matcher. It
// returns the advisory as it was before (ok false when it is new).
func (s *Store) PutSectorAdvisory(ctx context.Context, r SectorAdvisoryRow) (was SectorAdvisoryRow, ok bool, err error) {
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		was, err = tx.GetSectorAdvisory(ctx, r.ID)
		ok = err == nil
		if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
			return err
		}
		now := dbTime(s.now())
		if ok {
			_, err = c.exec(ctx, `UPDATE sector_advisories SET record = ?, updated_at = ?, withdrawn_at = NULL WHERE id = ?`,
				string(r.Record), now, r.ID)
		} else {
			_, err = c.exec(ctx, `INSERT INTO sector_advisories (id, record, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				r.ID, string(r.Record), r.CreatedBy, now, now)
		}
		if err != nil {
			return fmt.Errorf("write sector advisory %s: %w", r.ID, err)
		}
		return tx.bumpVersion(ctx, c, ScopeAdvisories)
	})
	return was, ok, err
}

// GetSectorAdvisory returns the advisory with the given ID, withdrawn or not.
func (s *Store) GetSectorAdvisory(ctx context.Context, id string) (SectorAdvisoryRow, error) {
	return queryOne(ctx, s, fmt.Sprintf("get sector advisory %s", id), vigil.Errorf(vigil.ENOTFOUND, "no sector advisory %q: list them with GET /api/v1/sector-advisories", id), scanSectorAdvisory, `SELECT `+sectorAdvisoryColumns+` FROM sector_advisories WHERE id = ?`, id)
}

// ListSectorAdvisories returns the advisories by ID; withdrawn ones only when asked.
func (s *Store) ListSectorAdvisories(ctx context.Context, withdrawn bool) ([]SectorAdvisoryRow, error) {
	q := `SELECT ` + sectorAdvisoryColumns + ` FROM sector_advisories`
	if !withdrawn {
		q += ` WHERE withdrawn_at IS NULL`
	}
	rows, err := s.rdb().query(ctx, q+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list sector advisories: %w", err)
	}
	defer rows.Close()
	var out []SectorAdvisoryRow
	for rows.Next() {
		r, err := scanSectorAdvisory(rows)
		if err != nil {
			return nil, fmt.Errorf("list sector advisories: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// WithdrawSectorAdvisory marks the advisory withdrawn (kept for its history) and counts
// the change; withdrawing one already withdrawn changes nothing.
func (s *Store) WithdrawSectorAdvisory(ctx context.Context, id string) (SectorAdvisoryRow, error) {
	var r SectorAdvisoryRow
	err := s.inTx(ctx, func(tx *Store, c conn) (err error) {
		if r, err = tx.GetSectorAdvisory(ctx, id); err != nil || !r.WithdrawnAt.IsZero() {
			return err
		}
		r.WithdrawnAt = s.now()
		if _, err := c.exec(ctx, `UPDATE sector_advisories SET withdrawn_at = ? WHERE id = ?`, dbTime(r.WithdrawnAt), id); err != nil {
			return fmt.Errorf("withdraw sector advisory %s: %w", id, err)
		}
		return tx.bumpVersion(ctx, c, ScopeAdvisories)
	})
	return r, err
}
