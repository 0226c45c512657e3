package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// The escalation's scans and marks spell out their conditions literally, as the partial
// indexes of migration 00014 are written, so that both planners can use them.

// AckMissedAlerts returns up to limit ids of the alerts that at now are still open past
// their acknowledge deadline and not yet escalated (vigil.Alert.AckMissed), earliest
// deadline first.
func (s *Store) AckMissedAlerts(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return s.alertIDs(ctx, `SELECT id FROM alerts
		WHERE status = 'open' AND ack_escalated_at IS NULL AND ack_due_at IS NOT NULL AND ack_due_at <= ?
		ORDER BY ack_due_at, id LIMIT ?`, dbTime(now), limit)
}

// FixMissedAlerts returns up to limit ids of the alerts that at now are unresolved past
// their remediation deadline and not yet marked overdue (vigil.Alert.FixMissed),
// earliest deadline first.
func (s *Store) FixMissedAlerts(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return s.alertIDs(ctx, `SELECT id FROM alerts
		WHERE status <> 'resolved' AND fix_overdue_at IS NULL AND fix_due_at IS NOT NULL AND fix_due_at <= ?
		ORDER BY fix_due_at, id LIMIT ?`, dbTime(now), limit)
}

func (s *Store) alertIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.rdb().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("alerts past a deadline: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("alerts past a deadline: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MarkAckEscalated records that at now alert id's missed acknowledge deadline is being
// escalated, when it still is missed and nobody has recorded it yet
// (vigil.Alert.AckMissed). It returns the alert and whether this call recorded it: the
// UPDATE's condition makes the second of two escalations at once change nothing, so
// that only one of them tells anyone.
func (s *Store) MarkAckEscalated(ctx context.Context, id int64, now time.Time) (vigil.Alert, bool, error) {
	return s.markAlert(ctx, id, now, `ack_escalated_at = ?
		WHERE id = ? AND status = 'open' AND ack_escalated_at IS NULL AND ack_due_at IS NOT NULL AND ack_due_at <= ?`)
}

// MarkFixOverdue records that at now alert id is overdue for remediation, when it is
// unresolved past its deadline and not marked yet (vigil.Alert.FixMissed), and returns
// the alert and whether this call marked it.
func (s *Store) MarkFixOverdue(ctx context.Context, id int64, now time.Time) (vigil.Alert, bool, error) {
	return s.markAlert(ctx, id, now, `fix_overdue_at = ?
		WHERE id = ? AND status <> 'resolved' AND fix_overdue_at IS NULL AND fix_due_at IS NOT NULL AND fix_due_at <= ?`)
}

// markAlert runs UPDATE alerts SET <setWhere> with the arguments now, id, now, and reads
// the alert back when it changed a row.
func (s *Store) markAlert(ctx context.Context, id int64, now time.Time, setWhere string) (vigil.Alert, bool, error) {
	var a vigil.Alert
	var changed bool
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		res, err := c.exec(ctx, `UPDATE alerts SET `+setWhere, dbTime(now), id, dbTime(now))
		if err != nil {
			return fmt.Errorf("mark alert %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		a, err = tx.getAlert(ctx, c, id)
		return err
	})
	return a, changed, err
}

// EscalationRecipients are the addresses of the people told when an alert of org misses
// its acknowledge deadline: org's administrators and the sector analysts, enabled
// accounts only, lower-case, sorted.
func (s *Store) EscalationRecipients(ctx context.Context, org string) ([]string, error) {
	rows, err := s.rdb().query(ctx, `SELECT email, disabled FROM users WHERE (role = ? AND org = ?) OR role = ?`,
		string(vigil.RoleOrgAdmin), org, string(vigil.RoleSectorAnalyst))
	if err != nil {
		return nil, fmt.Errorf("escalation recipients for %s: %w", org, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var email string
		var disabled bool
		if err := rows.Scan(&email, &disabled); err != nil {
			return nil, fmt.Errorf("escalation recipients for %s: %w", org, err)
		}
		if !disabled {
			out = append(out, strings.ToLower(email))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("escalation recipients for %s: %w", org, err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// AckTimes returns, for the alerts raised at or after from and before to, per severity
// (most urgent first, every severity even with no alerts): how many were raised and
// acknowledged, the median and 90th percentile time to acknowledge, how many were
// acknowledged by their deadline, and how many are overdue now. An alert resolved
// without an acknowledgement counts as acknowledged when resolved. Everything is
// computed in the database: the percentiles read one row each (nearest rank, ORDER BY
// … LIMIT 1 OFFSET k), so no window is ever read into memory.
func (s *Store) AckTimes(ctx context.Context, from, to time.Time) ([]vigil.AckTimes, error) {
	by := map[vigil.Severity]*vigil.AckTimes{}
	out := make([]vigil.AckTimes, len(vigil.Severities))
	for i, sev := range vigil.Severities {
		out[i].Severity = sev
		by[sev] = &out[i]
	}
	rows, err := s.rdb().query(ctx, `SELECT severity, COUNT(*),
		SUM(CASE WHEN COALESCE(acked_at, resolved_at) IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN ack_due_at IS NOT NULL AND COALESCE(acked_at, resolved_at) <= ack_due_at THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'open' AND ack_escalated_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN status <> 'resolved' AND fix_overdue_at IS NOT NULL THEN 1 ELSE 0 END)
		FROM alerts WHERE created_at >= ? AND created_at < ? GROUP BY severity`, dbTime(from), dbTime(to))
	if err != nil {
		return nil, fmt.Errorf("time to acknowledge: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sev vigil.Severity
		var raised, acked, within, ackLate, fixLate int64
		if err := rows.Scan(&sev, &raised, &acked, &within, &ackLate, &fixLate); err != nil {
			return nil, fmt.Errorf("time to acknowledge: %w", err)
		}
		if f := by[sev]; f != nil {
			f.Raised, f.Acknowledged, f.WithinDeadline = int(raised), int(acked), int(within)
			f.AckOverdue, f.FixOverdue = int(ackLate), int(fixLate)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("time to acknowledge: %w", err)
	}
	rows.Close()
	for i := range out {
		f := &out[i]
		if f.Acknowledged == 0 {
			continue
		}
		if f.Median, err = s.ackPercentile(ctx, f.Severity, from, to, f.Acknowledged, 0.5); err != nil {
			return nil, err
		}
		if f.P90, err = s.ackPercentile(ctx, f.Severity, from, to, f.Acknowledged, 0.9); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ackPercentile is the p-th percentile (nearest rank) of the n times to acknowledge of
// the alerts of severity sev raised in [from, to).
func (s *Store) ackPercentile(ctx context.Context, sev vigil.Severity, from, to time.Time, n int, p float64) (time.Duration, error) {
	d, err := s.percentileUntil(ctx, "COALESCE(acked_at, resolved_at)", sev, from, to, n, p)
	if err != nil {
		return 0, fmt.Errorf("time to acknowledge %s alerts: %w", sev, err)
	}
	return d, nil
}

// percentileUntil is the p-th percentile (nearest rank) of the times from raising to
// the time column done of the n alerts of severity sev raised in [from, to) that have
// one. done is a constant SQL expression, never user input.
func (s *Store) percentileUntil(ctx context.Context, done string, sev vigil.Severity, from, to time.Time, n int, p float64) (time.Duration, error) {
	rank := max(int(math.Ceil(p*float64(n))), 1)
	// Milliseconds between raising and done, in each engine's date arithmetic.
	ms := `CAST(ROUND((julianday(` + done + `) - julianday(created_at)) * 86400000) AS INTEGER)`
	if s.isPG() {
		ms = `CAST(ROUND(EXTRACT(EPOCH FROM (` + done + ` - created_at)) * 1000) AS BIGINT)`
	}
	var v int64
	err := s.rdb().row(ctx, `SELECT `+ms+` AS ms FROM alerts
		WHERE severity = ? AND created_at >= ? AND created_at < ? AND `+done+` IS NOT NULL
		ORDER BY ms LIMIT 1 OFFSET ?`, string(sev), dbTime(from), dbTime(to), rank-1).Scan(&v)
	if err != nil {
		return 0, err
	}
	return time.Duration(v) * time.Millisecond, nil
}
