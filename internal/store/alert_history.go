package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigil-health/vigil"
)

// AddAlertHistory writes an entry of an alert's timeline; call it on the transaction of
// the change it records. A repeat right after a repeat does not add an entry: it moves
// the last one's time and count on, so that an alert seen a million times has one
// "repeated" entry per run of repeats, not a million.
func (s *Store) AddAlertHistory(ctx context.Context, e vigil.HistoryEntry) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		if e.Kind == vigil.HistoryRepeated {
			var lastID int64
			var lastKind string
			err := c.row(ctx, `SELECT id, kind FROM alert_history WHERE alert_id = ? ORDER BY id DESC LIMIT 1`, e.Alert).
				Scan(&lastID, &lastKind)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("history of alert %d: %w", e.Alert, err)
			}
			if lastKind == string(vigil.HistoryRepeated) {
				_, err = c.exec(ctx, `UPDATE alert_history SET at = ?, count = ? WHERE id = ?`, dbTime(e.At), e.Count, lastID)
				if err != nil {
					return fmt.Errorf("history of alert %d: %w", e.Alert, err)
				}
				return nil
			}
		}
		to, _ := json.Marshal(nonNil(e.To))
		_, err := c.exec(ctx, `INSERT INTO alert_history (alert_id, at, kind, actor, note, count, severity, tlp, due_at, recipients)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Alert, dbTime(e.At), string(e.Kind), e.By, e.Note, e.Count,
			string(e.Severity), string(e.TLP), dbTime(e.DueAt), string(to))
		if err != nil {
			return fmt.Errorf("history of alert %d: %w", e.Alert, err)
		}
		return nil
	})
}

// maxHistory bounds the entries AlertHistory reads. Repeats in a row fold into one entry
// and the other kinds happen a few times at most, so no real alert comes near it.
const maxHistory = 1000

// AlertHistory returns alert id's timeline, oldest first. Whether the caller may see the
// alert is the caller's check.
func (s *Store) AlertHistory(ctx context.Context, id int64) ([]vigil.HistoryEntry, error) {
	rows, err := s.rdb().query(ctx, `SELECT id, alert_id, at, kind, actor, note, count, severity, tlp, due_at, recipients
		FROM alert_history WHERE alert_id = ? ORDER BY id LIMIT ?`, id, maxHistory)
	if err != nil {
		return nil, fmt.Errorf("history of alert %d: %w", id, err)
	}
	defer rows.Close()
	out := []vigil.HistoryEntry{}
	for rows.Next() {
		var e vigil.HistoryEntry
		var to string
		err := rows.Scan(&e.ID, &e.Alert, scanTime(&e.At), &e.Kind, &e.By, &e.Note, &e.Count, &e.Severity, &e.TLP,
			scanTime(&e.DueAt), &to)
		if err != nil {
			return nil, fmt.Errorf("history of alert %d: %w", id, err)
		}
		if err := json.Unmarshal([]byte(to), &e.To); err != nil {
			return nil, fmt.Errorf("history of alert %d: %w", id, err)
		}
		if len(e.To) == 0 {
			e.To = nil
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history of alert %d: %w", id, err)
	}
	return out, nil
}
