package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vigil-health/vigil"
)

// IndicatorReceipt tallies the claims (an indicator received from one source) of one
// indicator type received on one UTC day whose indicator's previous claim, in the order
// they were received, was received on the day Prev.
type IndicatorReceipt struct {
	// Type is the indicators' type.
	Type vigil.IndicatorType
	// Day is the UTC day the claims were received (their added_at), at midnight.
	Day time.Time
	// Prev is the UTC day of the indicator's previous claim; zero when these claims
	// were their indicators' first.
	Prev time.Time
	// Count is how many claims.
	Count int
}

// IndicatorReceipts are the store's claims tallied by type, day and previous day: a few
// hundred rows however many indicators the store holds, from which the indicators
// received in any period of whole days are counted without reading the store again.
type IndicatorReceipts []IndicatorReceipt

// IndicatorReceipts tallies every claim the store holds (see IndicatorReceipt). It reads
// all of them, once: the sector report keeps the tally until the intelligence changes
// (Versions.Intel), instead of counting distinct indicators over the claims of every
// period asked for.
func (s *Store) IndicatorReceipts(ctx context.Context) (IndicatorReceipts, error) {
	day := `substr(src.added_at, 1, 10)`
	if s.isPG() {
		day = `to_char(src.added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
	}
	// The window is over the claims alone, which the primary key already orders by
	// indicator; the join to the indicators' type comes after, one lookup a claim.
	rows, err := s.rdb().query(ctx, `SELECT i.type, c.day, COALESCE(c.prev, ''), count(*) FROM
		(SELECT src.indicator_id, `+day+` AS day,
		 lag(`+day+`) OVER (PARTITION BY src.indicator_id ORDER BY src.added_at) AS prev
		 FROM indicator_sources src) AS c
		JOIN indicators i ON i.id = c.indicator_id GROUP BY i.type, c.day, c.prev`)
	return collect(rows, err, "tally indicators received", func(rows *sql.Rows) (r IndicatorReceipt, err error) {
		var day, prev string
		if err := rows.Scan(&r.Type, &day, &prev, &r.Count); err != nil {
			return r, err
		}
		if r.Day, err = time.Parse(time.DateOnly, day); err != nil {
			return r, err
		}
		if prev != "" {
			r.Prev, err = time.Parse(time.DateOnly, prev)
		}
		return r, err
	})
}

// Received counts, by type, the indicators received from a source on the UTC days from
// first (inclusive) to end (exclusive), both midnights: each indicator counts once
// however many sources sent it in the period — as IndicatorsReceived counts them. An
// indicator's claims in the period are counted by the first of them, the one whose
// previous claim came before the period (or that has none): every later claim in the
// period follows one in it.
func (rs IndicatorReceipts) Received(first, end time.Time) map[vigil.IndicatorType]int {
	out := map[vigil.IndicatorType]int{}
	for _, r := range rs {
		if r.Day.Before(first) || !r.Day.Before(end) || !r.Prev.IsZero() && !r.Prev.Before(first) {
			continue
		}
		out[r.Type] += r.Count
	}
	return out
}
