package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// tlpRank is a SQL expression ranking the TLP marking in col as vigil.TLP.Rank does,
// for keeping the stricter of two markings in an upsert.
func tlpRank(col string) string {
	return `CASE ` + col + ` WHEN 'CLEAR' THEN 1 WHEN 'GREEN' THEN 2 WHEN 'AMBER' THEN 3 WHEN 'AMBER+STRICT' THEN 4 WHEN 'RED' THEN 5 ELSE 0 END`
}

// GetUnrouted returns one unrouted event, assigned or waiting, with its assignment.
// Inside a transaction on PostgreSQL it locks the row, so that two analysts assigning
// the same event at once take turns and the second sees the first's assignment.
func (s *Store) GetUnrouted(ctx context.Context, id int64) (vigil.UnroutedEvent, error) {
	lock := ""
	if s.tx != nil {
		lock = s.forUpdate()
	}
	var org sql.NullString
	var alert sql.NullInt64
	row := s.rdb().row(ctx, `SELECT `+unroutedColumns+`, assigned_org, assigned_by, assigned_at, alert_id
		FROM unrouted_events WHERE id = ?`+lock, id)
	var assignedBy string
	var assignedAt time.Time
	u, err := scanUnrouted(extraScanner{row, []any{&org, &assignedBy, scanTime(&assignedAt), &alert}})
	if errors.Is(err, sql.ErrNoRows) {
		return u, vigil.Errorf(vigil.ENOTFOUND, "no unrouted event %d", id)
	}
	if err != nil {
		return u, fmt.Errorf("get unrouted event %d: %w", id, err)
	}
	u.AssignedOrg, u.AssignedBy, u.AssignedAt, u.AlertID = org.String, assignedBy, assignedAt, alert.Int64
	return u, nil
}

// extraScanner scans a row of a scan function's columns followed by more columns,
// which go to extra.
type extraScanner struct {
	sc    scanner
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }

// AssignUnrouted records that by (an analyst) gave waiting unrouted event id to
// organisation org, whose alert alertID it raised: the event leaves the waiting list.
// An event already assigned is a conflict that names who assigned it where.
func (s *Store) AssignUnrouted(ctx context.Context, id int64, org, by string, alertID int64) error {
	res, err := s.wdb().exec(ctx, `UPDATE unrouted_events SET assigned_org = ?, assigned_by = ?, assigned_at = ?, alert_id = ?
		WHERE id = ? AND assigned_at IS NULL`, org, by, dbTime(s.now()), alertID, id)
	if err != nil {
		return fmt.Errorf("assign unrouted event %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	u, err := s.GetUnrouted(ctx, id)
	if err != nil {
		return err
	}
	return alreadyAssigned(u)
}

// alreadyAssigned is the conflict of assigning an event that has been.
func alreadyAssigned(u vigil.UnroutedEvent) error {
	return vigil.Errorf(vigil.ECONFLICT, "unrouted event %d was assigned to %s by %s already", u.ID, u.AssignedOrg, u.AssignedBy)
}

// CountUnrouted counts the unrouted events waiting for an analyst, up to limit: it
// stops counting there, so that a long backlog costs no more than a short one.
func (s *Store) CountUnrouted(ctx context.Context, limit int) (int, error) {
	var n int
	err := s.rdb().row(ctx, `SELECT count(*) FROM (SELECT 1 FROM unrouted_events WHERE assigned_at IS NULL LIMIT ?) AS waiting`,
		limit).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unrouted events: %w", err)
	}
	return n, nil
}
