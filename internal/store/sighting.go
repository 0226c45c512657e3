package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
)

// Stored text is clipped: index entries have a size limit on PostgreSQL, and a longer
// URL or field path says nothing more to a person.
const (
	maxSightingValue = 1024
	maxSightingField = 256
)

// dayText is a day as both engines take it: YYYY-MM-DD (a DATE on PostgreSQL).
func dayText(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// dayCol scans a day column of either engine.
type dayCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c dayCol) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*c.t = vigil.DayOf(v)
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("scan day: unexpected %T", v)
}

func (c dayCol) parse(s string) error {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("scan day: %w", err)
	}
	*c.t = t
	return nil
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// AddSightings records sightings: a row that matches a stored one (organisation, day,
// field, observable, indicator) adds its Count to it, widens its seen times and takes
// its sources, publishers, labels and TLP (the indicator's current provenance). Called on the
// *Store that Tx passes, the rows commit with the rest of the transaction.
func (s *Store) AddSightings(ctx context.Context, rows []vigil.Sighting) error {
	// Upsert in key order, so that concurrent uploads touching the same rows lock them
	// in the same order rather than deadlocking.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareSightingKeys(&rows[a], &rows[b]) })
	return s.inTx(ctx, func(tx *Store, c conn) error {
		for _, i := range order {
			if err := tx.addSighting(ctx, c, &rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) addSighting(ctx context.Context, c conn, r *vigil.Sighting) error {
	org, err := vigil.NormalizeODS(r.Org)
	if err != nil {
		return err
	}
	now := s.now()
	first, last := timeOr(r.FirstSeen, now), timeOr(r.LastSeen, now)
	sources, _ := json.Marshal(nonNil(r.Sources))
	publishers, _ := json.Marshal(nonNil(r.Publishers))
	labels, _ := json.Marshal(nonNil(r.Labels))
	_, err = c.exec(ctx, `INSERT INTO sightings (org, day, field, observable, observable_type, indicator,
		indicator_type, sources, publishers, labels, tlp, count, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, day, observable, indicator_type, indicator, field) DO UPDATE SET
		count = sightings.count + excluded.count, sources = excluded.sources, publishers = excluded.publishers,
		labels = excluded.labels, tlp = excluded.tlp, first_seen = CASE WHEN excluded.first_seen < sightings.first_seen
		THEN excluded.first_seen ELSE sightings.first_seen END,
		last_seen = CASE WHEN excluded.last_seen > sightings.last_seen
		THEN excluded.last_seen ELSE sightings.last_seen END`,
		org, dayText(r.Day), clip(r.Field, maxSightingField), clip(r.Observable, maxSightingValue),
		string(r.ObservableType), clip(r.Indicator, maxSightingValue), string(r.IndicatorType),
		string(sources), string(publishers), string(labels), string(r.TLP), max(r.Count, 1), dbTime(first), dbTime(last))
	if isForeignKeyViolation(err) {
		return vigil.Errorf(vigil.EINVALID, "organisation %s is not registered", org)
	}
	if err != nil {
		return fmt.Errorf("add sighting: %w", err)
	}
	return nil
}

const sightingColumns = `id, org, day, field, observable, observable_type, indicator, indicator_type,
	sources, publishers, labels, tlp, count, first_seen, last_seen`

func scanSighting(sc scanner) (vigil.Sighting, error) {
	var r vigil.Sighting
	var sources, publishers, labels string
	err := sc.Scan(&r.ID, &r.Org, dayCol{&r.Day}, &r.Field, &r.Observable, &r.ObservableType, &r.Indicator,
		&r.IndicatorType, &sources, &publishers, &labels, &r.TLP, &r.Count, scanTime(&r.FirstSeen), scanTime(&r.LastSeen))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(sources), &r.Sources); err != nil {
		return r, fmt.Errorf("sighting %d sources: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(publishers), &r.Publishers); err != nil {
		return r, fmt.Errorf("sighting %d publishers: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(labels), &r.Labels); err != nil {
		return r, fmt.Errorf("sighting %d labels: %w", r.ID, err)
	}
	return r, nil
}

// sightingOrders are the orders of the sighting list (vigil.SightingSort).
var sightingOrders = sortedList[vigil.SightingSort, vigil.Sighting]{kind: "sighting", tie: "id", tieArg: idArg,
	tieKey: func(r vigil.Sighting) string { return idText(r.ID) },
	orders: map[vigil.SightingSort]keyOrder[vigil.Sighting]{
		vigil.SightingByNewest: {col: "id", key: func(r vigil.Sighting) string { return idText(r.ID) }, arg: idArg},
		vigil.SightingByLatest: {col: "last_seen", key: func(r vigil.Sighting) string { return timeKey(r.LastSeen) }, arg: timeArg},
		vigil.SightingByCount:  {col: "count", key: func(r vigil.Sighting) string { return strconv.FormatInt(r.Count, 10) }, arg: intArg},
		vigil.SightingByOrg:    {col: "org", keyAsc: true, key: func(r vigil.Sighting) string { return r.Org }, arg: textArg},
		vigil.SightingByIndicator: {col: "indicator", keyAsc: true, key: func(r vigil.Sighting) string { return r.Indicator },
			arg: textArg},
	}}

// ListSightings returns the sightings f selects in f.Sort's order, and the cursor of
// the next page ("" on the last page). Pages follow the order's key and the sighting id,
// so rows added while paging do not shift later pages.
func (s *Store) ListSightings(ctx context.Context, f vigil.SightingFilter) ([]vigil.Sighting, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	var w where
	if err := sightingOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Indicator != "", "indicator = ?", f.Indicator)
	w.add(f.Type != "", "indicator_type = ?", string(f.Type))
	w.add(!f.Since.IsZero(), "day >= ?", dayText(f.Since))
	w.audience(f.Audience, "org", "tlp")
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+sightingColumns+` FROM sightings`+w.String()+sightingOrders.orderBy(sort)+` LIMIT ?`,
		append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list sightings: %w", err)
	}
	defer rows.Close()
	var out []vigil.Sighting
	for rows.Next() {
		r, err := scanSighting(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list sightings: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list sightings: %w", err)
	}
	out, next := sightingOrders.page(sort, out, limit)
	return out, next, nil
}

// SightedSince reports whether the organisation has a sighting of the indicator (type
// and value) on the UTC day of since or later: live hunting has already told it.
func (s *Store) SightedSince(ctx context.Context, org string, t vigil.IndicatorType, indicator string, since time.Time) (bool, error) {
	var n int64
	err := s.rdb().row(ctx, `SELECT COUNT(*) FROM sightings WHERE indicator = ? AND org = ? AND indicator_type = ? AND day >= ?`,
		clip(indicator, maxSightingValue), strings.ToUpper(org), string(t), dayText(since)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sighted since: %w", err)
	}
	return n > 0, nil
}

// PurgeSightings deletes sightings of days before the UTC day of before, and returns how
// many went. Housekeeping keeps them as long as the observable index: a sighting names
// what an organisation's computer contacted, which is itself personal to its staff.
func (s *Store) PurgeSightings(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.wdb().exec(ctx, `DELETE FROM sightings WHERE day < ?`, dayText(before))
	if err != nil {
		return 0, fmt.Errorf("purge sightings: %w", err)
	}
	return res.RowsAffected()
}

// compareSightingKeys orders sightings by their unique key.
func compareSightingKeys(a, b *vigil.Sighting) int {
	return cmp.Or(strings.Compare(a.Org, b.Org), a.Day.Compare(b.Day), strings.Compare(a.Observable, b.Observable),
		strings.Compare(string(a.IndicatorType), string(b.IndicatorType)), strings.Compare(a.Indicator, b.Indicator),
		strings.Compare(a.Field, b.Field))
}
