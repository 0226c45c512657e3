package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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

// AddAlertHistories writes many timeline entries at once, with the same outcome as
// AddAlertHistory on each in order (a repeat right after a repeat of the same alert moves
// that entry on rather than adding one), in a few statements for the whole batch: one
// reading the last entry of each alert whose first entry here is a repeat, one inserting
// the new entries and one moving the stored ones on.
func (s *Store) AddAlertHistories(ctx context.Context, es []vigil.HistoryEntry) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		last, err := tx.lastHistory(ctx, c, repeatsFirst(es))
		if err != nil {
			return err
		}
		add, move := foldHistory(es, last)
		if err := tx.insertHistory(ctx, c, add); err != nil {
			return err
		}
		return tx.moveHistory(ctx, c, move)
	})
}

// repeatsFirst lists the alerts whose first entry in es is a repeat: only theirs may
// fold into a stored entry.
func repeatsFirst(es []vigil.HistoryEntry) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, e := range es {
		if !seen[e.Alert] {
			seen[e.Alert] = true
			if e.Kind == vigil.HistoryRepeated {
				out = append(out, e.Alert)
			}
		}
	}
	return out
}

// storedEntry is the last stored timeline entry of an alert.
type storedEntry struct {
	id   int64
	kind vigil.HistoryKind
}

// lastHistory reads the last stored entry of each of alerts that has one.
func (s *Store) lastHistory(ctx context.Context, c conn, alerts []int64) (map[int64]storedEntry, error) {
	out := make(map[int64]storedEntry, len(alerts))
	if s.isPG() {
		if len(alerts) == 0 {
			return out, nil
		}
		return out, s.lastHistoryPG(ctx, c, alerts, out)
	}
	for part := range slices.Chunk(alerts, writeRows) {
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := c.query(ctx, `SELECT alert_id, id, kind FROM alert_history WHERE id IN
			(SELECT MAX(id) FROM alert_history WHERE alert_id IN (`+placeholders(len(part))+`) GROUP BY alert_id)`, args...)
		if err == nil {
			err = eachRow(rows, func(sc scanner) error {
				var alert int64
				var e storedEntry
				err := sc.Scan(&alert, &e.id, &e.kind)
				out[alert] = e
				return err
			})
		}
		if err != nil {
			return nil, fmt.Errorf("history of alerts: %w", err)
		}
	}
	return out, nil
}

// movedEntry is a stored "repeated" entry moved on to a later time and count.
type movedEntry struct {
	id    int64
	at    time.Time
	count int
}

// foldHistory applies AddAlertHistory's rule to es in order: the entries to insert, and
// the stored entries to move on (at most one each, the last move winning).
func foldHistory(es []vigil.HistoryEntry, stored map[int64]storedEntry) (add []vigil.HistoryEntry, move []movedEntry) {
	lastNew := map[int64]int{} // alert → index in add of its last new entry
	movedAt := map[int64]int{} // stored entry id → index in move
	for _, e := range es {
		if e.Kind == vigil.HistoryRepeated {
			if i, ok := lastNew[e.Alert]; ok && add[i].Kind == vigil.HistoryRepeated {
				add[i].At, add[i].Count = e.At, e.Count
				continue
			}
			if st, ok := stored[e.Alert]; ok && st.kind == vigil.HistoryRepeated {
				if _, isNew := lastNew[e.Alert]; !isNew {
					if j, ok := movedAt[st.id]; ok {
						move[j] = movedEntry{st.id, e.At, e.Count}
					} else {
						movedAt[st.id] = len(move)
						move = append(move, movedEntry{st.id, e.At, e.Count})
					}
					continue
				}
			}
		}
		lastNew[e.Alert] = len(add)
		add = append(add, e)
	}
	return add, move
}

// insertHistory inserts timeline entries, multi-row.
func (s *Store) insertHistory(ctx context.Context, c conn, es []vigil.HistoryEntry) error {
	if s.isPG() {
		if len(es) == 0 {
			return nil
		}
		return s.insertHistoryPG(ctx, c, es)
	}
	for part := range slices.Chunk(es, writeRows) {
		args := make([]any, 0, 10*len(part))
		for _, e := range part {
			to, _ := json.Marshal(nonNil(e.To))
			args = append(args, e.Alert, dbTime(e.At), string(e.Kind), e.By, e.Note, e.Count, string(e.Severity),
				string(e.TLP), dbTime(e.DueAt), string(to))
		}
		_, err := c.exec(ctx, `INSERT INTO alert_history (alert_id, at, kind, actor, note, count, severity, tlp, due_at, recipients)
			VALUES `+valuesList(len(part), 10), args...)
		if err != nil {
			return fmt.Errorf("history of alerts: %w", err)
		}
	}
	return nil
}

// moveHistory moves stored "repeated" entries on, one statement per chunk: a CASE on the
// id picks each row's new time and count (ELSE keeps the column's own, which also gives
// PostgreSQL the parameters' types).
func (s *Store) moveHistory(ctx context.Context, c conn, move []movedEntry) error {
	if s.isPG() {
		if len(move) == 0 {
			return nil
		}
		return s.moveHistoryPG(ctx, c, move)
	}
	for part := range slices.Chunk(move, 100) {
		var at, count strings.Builder
		var atArgs, countArgs, ids []any
		for _, m := range part {
			at.WriteString(" WHEN ? THEN ?")
			count.WriteString(" WHEN ? THEN ?")
			atArgs = append(atArgs, m.id, dbTime(m.at))
			countArgs = append(countArgs, m.id, m.count)
			ids = append(ids, m.id)
		}
		_, err := c.exec(ctx, `UPDATE alert_history SET at = CASE id`+at.String()+` ELSE at END, count = CASE id`+
			count.String()+` ELSE count END WHERE id IN (`+placeholders(len(part))+`)`, slices.Concat(atArgs, countArgs, ids)...)
		if err != nil {
			return fmt.Errorf("history of alerts: %w", err)
		}
	}
	return nil
}
