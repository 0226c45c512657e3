package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// AlertTally is how many alerts of one severity and kind were raised on one UTC day.
type AlertTally struct {
	// Day is the UTC day, at midnight.
	Day time.Time
	// Severity and Kind are the alerts' severity and what raised them.
	Severity vigil.Severity
	Kind     vigil.AlertKind
	// Count is how many were raised.
	Count int
}

// StatusTally is how many alerts of one severity are in one state.
type StatusTally struct {
	// Status is where the alerts are in their life.
	Status vigil.AlertStatus
	// Severity is how urgent they are.
	Severity vigil.Severity
	// Count is how many there are.
	Count int
}

// dayOf is a SQL expression for the UTC day (YYYY-MM-DD) of the time column col.
func (s *Store) dayOf(col string) string {
	if s.isPG() {
		return `to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
	}
	return `substr(` + col + `, 1, 10)` // the text is UTC, fixed width (timeLayout)
}

// AlertsRaised tallies the alerts raised in [from, to) by UTC day, severity and kind,
// in day order. It reads the window from the alerts_created index alone, so its cost
// follows the alerts in the window, not the table.
func (s *Store) AlertsRaised(ctx context.Context, from, to time.Time) ([]AlertTally, error) {
	day := s.dayOf("created_at")
	rows, err := s.rdb().query(ctx, `SELECT `+day+`, severity, kind, count(*) FROM alerts
		WHERE created_at >= ? AND created_at < ? GROUP BY `+day+`, severity, kind ORDER BY 1`, dbTime(from), dbTime(to))
	if err != nil {
		return nil, fmt.Errorf("tally alerts raised: %w", err)
	}
	defer rows.Close()
	var out []AlertTally
	for rows.Next() {
		var t AlertTally
		if err := rows.Scan(dayCol{&t.Day}, &t.Severity, &t.Kind, &t.Count); err != nil {
			return nil, fmt.Errorf("tally alerts raised: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tally alerts raised: %w", err)
	}
	return out, nil
}

// UnresolvedAlerts tallies the alerts not yet resolved (open and acknowledged) by status
// and severity, from the alerts_status_severity index.
func (s *Store) UnresolvedAlerts(ctx context.Context) ([]StatusTally, error) {
	rows, err := s.rdb().query(ctx, `SELECT status, severity, count(*) FROM alerts WHERE status IN (?, ?)
		GROUP BY status, severity`, string(vigil.AlertOpen), string(vigil.AlertAcknowledged))
	if err != nil {
		return nil, fmt.Errorf("tally unresolved alerts: %w", err)
	}
	defer rows.Close()
	var out []StatusTally
	for rows.Next() {
		var t StatusTally
		if err := rows.Scan(&t.Status, &t.Severity, &t.Count); err != nil {
			return nil, fmt.Errorf("tally unresolved alerts: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tally unresolved alerts: %w", err)
	}
	return out, nil
}

// OldestOpenAlerts returns up to limit open alerts, oldest first: the ones that have
// waited longest for someone to act.
func (s *Store) OldestOpenAlerts(ctx context.Context, limit int) ([]vigil.Alert, error) {
	rows, err := s.rdb().query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE status = ? ORDER BY id LIMIT ?`,
		string(vigil.AlertOpen), vigil.PageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("oldest open alerts: %w", err)
	}
	defer rows.Close()
	var out []vigil.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("oldest open alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("oldest open alerts: %w", err)
	}
	return out, nil
}
