package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// SightedIndicator is how often one indicator was sighted over some days.
type SightedIndicator struct {
	// Indicator is the matched indicator's value, and Type its type.
	Indicator string
	Type      vigil.IndicatorType
	// Events is how many telemetry events held it.
	Events int64
	// Orgs is how many organisations' telemetry held it.
	Orgs int
	// LastSeen is the latest event time that held it.
	LastSeen time.Time
}

// TopSightedIndicators returns the limit indicators sighted in the most events on UTC
// days from since on, most first (ties in value order).
func (s *Store) TopSightedIndicators(ctx context.Context, since time.Time, limit int) ([]SightedIndicator, error) {
	rows, err := s.rdb().query(ctx, `SELECT indicator, indicator_type, CAST(sum(count) AS BIGINT), count(DISTINCT org), max(last_seen)
		FROM sightings WHERE day >= ? GROUP BY indicator, indicator_type ORDER BY 3 DESC, 1 LIMIT ?`,
		dayText(since), vigil.PageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("top sighted indicators: %w", err)
	}
	defer rows.Close()
	var out []SightedIndicator
	for rows.Next() {
		var t SightedIndicator
		if err := rows.Scan(&t.Indicator, &t.Type, &t.Events, &t.Orgs, scanTime(&t.LastSeen)); err != nil {
			return nil, fmt.Errorf("top sighted indicators: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("top sighted indicators: %w", err)
	}
	return out, nil
}
