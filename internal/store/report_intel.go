package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
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
// period asked for. The claims come in the primary key's order, an indicator's together,
// and are paired here: in SQL a window over them (lag) sorted every claim again and cost
// three times as much.
func (s *Store) IndicatorReceipts(ctx context.Context) (IndicatorReceipts, error) {
	day := `substr(src.added_at, 1, 10)`
	if s.isPG() {
		day = `to_char(src.added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
	}
	rows, err := s.rdb().query(ctx, `SELECT src.indicator_id, i.type, `+day+` FROM indicator_sources src
		JOIN indicators i ON i.id = src.indicator_id ORDER BY src.indicator_id`)
	if err != nil {
		return nil, fmt.Errorf("tally indicators received: %w", err)
	}
	defer rows.Close()
	var t receiptTally
	for rows.Next() {
		var id int64
		var typ, day sql.RawBytes
		if err := rows.Scan(&id, &typ, &day); err != nil {
			return nil, fmt.Errorf("tally indicators received: %w", err)
		}
		if err := t.add(id, typ, day); err != nil {
			return nil, fmt.Errorf("tally indicators received: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tally indicators received: %w", err)
	}
	return t.receipts()
}

// dayKey is a UTC day as the database writes it, YYYY-MM-DD; zero for none.
type dayKey [len(time.DateOnly)]byte

// receiptKey is one row of the tally.
type receiptKey struct {
	typ       string
	day, prev dayKey
}

// receiptTally pairs the claims of one indicator at a time, in the order of their days.
type receiptTally struct {
	counts map[receiptKey]int
	types  map[string]string // each type's name once, not once a claim
	id     int64             // the indicator whose claims are in days
	typ    string
	days   []dayKey
}

// add takes the claim of indicator id, of type typ, received on day.
func (t *receiptTally) add(id int64, typ, day []byte) error {
	if len(day) != len(dayKey{}) {
		return fmt.Errorf("indicator %d: received on %q, not a day", id, day)
	}
	if t.counts == nil || id != t.id {
		t.flush()
		t.id, t.typ = id, t.typeName(typ)
	}
	t.days = append(t.days, dayKey(day))
	return nil
}

func (t *receiptTally) typeName(typ []byte) string {
	if name, ok := t.types[string(typ)]; ok {
		return name
	}
	if t.types == nil {
		t.types = map[string]string{}
	}
	name := string(typ)
	t.types[name] = name
	return name
}

// flush counts the claims of the indicator held, each with the day of the one before.
func (t *receiptTally) flush() {
	if t.counts == nil {
		t.counts = map[receiptKey]int{}
	}
	slices.SortFunc(t.days, func(a, b dayKey) int { return bytes.Compare(a[:], b[:]) })
	prev := dayKey{}
	for _, d := range t.days {
		t.counts[receiptKey{t.typ, d, prev}]++
		prev = d
	}
	t.days = t.days[:0]
}

// receipts is the tally, once every claim is added.
func (t *receiptTally) receipts() (IndicatorReceipts, error) {
	t.flush()
	out := make(IndicatorReceipts, 0, len(t.counts))
	for k, n := range t.counts {
		r := IndicatorReceipt{Type: vigil.IndicatorType(k.typ), Count: n}
		var err error
		if r.Day, err = time.Parse(time.DateOnly, string(k.day[:])); err != nil {
			return nil, fmt.Errorf("tally indicators received: %w", err)
		}
		if k.prev != (dayKey{}) {
			if r.Prev, err = time.Parse(time.DateOnly, string(k.prev[:])); err != nil {
				return nil, fmt.Errorf("tally indicators received: %w", err)
			}
		}
		out = append(out, r)
	}
	return out, nil
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
