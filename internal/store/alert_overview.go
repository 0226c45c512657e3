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

// createdDay is the SQL expression for an alert's UTC day of creation, written as the
// alerts_day index is (migration 00015), so that the planner uses the index.
func (s *Store) createdDay() string {
	if s.isPG() {
		return `((created_at AT TIME ZONE 'UTC')::date)`
	}
	return `substr(created_at, 1, 10)` // the text is UTC, fixed width (timeLayout)
}

// AlertsRaised tallies the alerts raised on the UTC days from (inclusive) to to
// (exclusive) by day, severity and kind, in day order. It groups in the alerts_day
// index's order, so its cost follows the alerts in the window, not the table.
func (s *Store) AlertsRaised(ctx context.Context, from, to time.Time) ([]AlertTally, error) {
	day := s.createdDay()
	rows, err := s.rdb().query(ctx, `SELECT `+day+`, severity, kind, count(*) FROM alerts
		WHERE `+day+` >= ? AND `+day+` < ? GROUP BY `+day+`, severity, kind ORDER BY 1`, dayText(from), dayText(to))
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
