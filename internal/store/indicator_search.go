package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// indicatorColumns are an indicator joined with one of its claims, in scanClaim's order.
const indicatorColumns = `i.id, i.type, i.value, i.last_sighted, s.source, s.tlp, s.reliability, s.credibility,
	s.confidence, s.labels, s.ref, s.valid_from, s.valid_until, s.first_seen, s.last_seen, s.not_for_matching,
	s.added_at, s.published_at, s.publisher`

// scanClaim reads one row of indicatorColumns.
func scanClaim(sc scanner) (vigil.StoredIndicator, vigil.IndicatorSource, error) {
	var si vigil.StoredIndicator
	var src vigil.IndicatorSource
	var rel, labels string
	var cred int
	p := &src.Provenance
	err := sc.Scan(&si.ID, &si.Type, &si.Value, scanTime(&si.LastSighted), &p.Source, &p.TLP, &rel, &cred,
		&p.Confidence, &labels, &p.Ref, scanTime(&p.ValidFrom), scanTime(&p.ValidUntil), scanTime(&p.FirstSeen),
		scanTime(&p.LastSeen), &src.NotForMatching, scanTime(&src.Added), scanTime(&src.Published), &p.Publisher)
	if err != nil {
		return si, src, err
	}
	p.Reliability, p.Credibility = gradeOf(rel, cred)
	if labels != "[]" {
		if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
			return si, src, fmt.Errorf("labels of indicator %d: %w", si.ID, err)
		}
	}
	return si, src, nil
}

// EachIndicator calls fn with every indicator that some source holds, with its claims,
// in id order, streaming: memory does not grow with the number of indicators. It stops
// at the first error fn returns and returns it. fn must not write to the store (on
// SQLite the read sees the state when it began either way).
func (s *Store) EachIndicator(ctx context.Context, fn func(vigil.StoredIndicator) error) error {
	l, err := readListings(ctx, s.rdb())
	if err != nil {
		return err
	}
	rows, err := s.rdb().query(ctx, `SELECT `+indicatorColumns+` FROM indicators i
		JOIN indicator_sources s ON s.indicator_id = i.id ORDER BY i.id, s.source`)
	if err != nil {
		return fmt.Errorf("read indicators: %w", err)
	}
	defer rows.Close()
	var cur vigil.StoredIndicator
	for rows.Next() {
		si, src, err := scanClaim(rows)
		if err != nil {
			return fmt.Errorf("read indicators: %w", err)
		}
		if si.ID != cur.ID && cur.ID != 0 {
			l.apply(&cur)
			if err := fn(cur); err != nil {
				return err
			}
		}
		if si.ID != cur.ID {
			cur = si
		}
		cur.Sources = append(cur.Sources, src)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read indicators: %w", err)
	}
	if cur.ID != 0 {
		l.apply(&cur)
		return fn(cur)
	}
	return nil
}

// sortKey is a row's id and the key of the order it was listed in, read as a cursor
// holds it, for lists that find the ids first and the rows after.
type sortKey struct {
	id  int64
	key string
}

// indicatorOrders are the orders of the indicator list (vigil.IndicatorSort). The
// confidence and last-seen orders take the most any source says, which no index holds:
// they read every indicator the filters keep.
var indicatorOrders = sortedList[vigil.IndicatorSort, sortKey]{kind: "indicator", tie: "i.id", tieArg: idArg,
	tieKey: func(k sortKey) string { return idText(k.id) },
	orders: map[vigil.IndicatorSort]keyOrder[sortKey]{
		vigil.IndicatorByNewest: {col: "i.id", key: sortKeyText, arg: idArg},
		vigil.IndicatorByOldest: {col: "i.id", keyAsc: true, tieAsc: true, key: sortKeyText, arg: idArg},
		vigil.IndicatorByValue:  {col: "i.value", keyAsc: true, key: sortKeyText, arg: textArg},
		vigil.IndicatorByType:   {col: "i.type", keyAsc: true, key: sortKeyText, arg: textArg},
		vigil.IndicatorByConfidence: {col: "COALESCE((SELECT MAX(c.confidence) FROM indicator_sources c WHERE c.indicator_id = i.id), -1)",
			key: sortKeyText, arg: intArg},
		vigil.IndicatorByLastSeen: {col: orNever("(SELECT MAX(c.last_seen) FROM indicator_sources c WHERE c.indicator_id = i.id)"),
			key: sortKeyText, arg: maybeTimeArg},
		vigil.IndicatorByLastSighted: {col: orNever("i.last_sighted"), key: sortKeyText, arg: maybeTimeArg},
	}}

func sortKeyText(k sortKey) string { return k.key }

// SearchIndicators returns the indicators f selects in f.Sort's order, each with every
// source's claim, and the cursor of the next page ("" on the last page).
func (s *Store) SearchIndicators(ctx context.Context, f vigil.IndicatorFilter) ([]vigil.StoredIndicator, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	if f.Type != "" && !f.Type.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "indicator type %q is not known: use one of %s", f.Type, typeNames())
	}
	if f.TLP != "" && f.TLP.Rank() == 0 {
		return nil, "", vigil.Errorf(vigil.EINVALID, "TLP %q is not a TLP 2.0 marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", f.TLP)
	}
	w := indicatorWhere(f)
	if err := indicatorOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	limit := vigil.PageLimit(f.Limit)
	c := s.rdb()
	keys, err := querySortKeys(ctx, c, indicatorKeysQuery(w, sort), append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("search indicators: %w", err)
	}
	keys, next := indicatorOrders.page(sort, keys, limit)
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = k.id
	}
	out, err := s.indicatorsByID(ctx, c, ids)
	if err != nil {
		return nil, "", fmt.Errorf("search indicators: %w", err)
	}
	return out, next, nil
}

// indicatorKeysQuery reads the ids and sort keys of a page of the indicators w keeps,
// in sort's order, up to a LIMIT given as its last argument.
func indicatorKeysQuery(w where, sort vigil.IndicatorSort) string {
	return `SELECT i.id, ` + indicatorOrders.orders[sort].col + ` FROM indicators i` + w.String() +
		indicatorOrders.orderBy(sort) + ` LIMIT ?`
}

// indicatorWhere turns f into conditions on indicators i.
func indicatorWhere(f vigil.IndicatorFilter) where {
	var w where
	w.add(f.Type != "", "i.type = ?", string(f.Type))
	v := strings.TrimSpace(f.Value)
	w.add(v != "" && f.Exact, "i.value = ?", v)
	w.add(v != "" && !f.Exact, `LOWER(i.value) LIKE ? ESCAPE '\'`, "%"+likeEscape(strings.ToLower(v))+"%")
	claim := "EXISTS (SELECT 1 FROM indicator_sources s WHERE s.indicator_id = i.id"
	var args []any
	if src := strings.TrimSpace(f.Source); src != "" {
		claim += " AND s.source = ?"
		args = append(args, src)
	}
	if f.TLP != "" {
		claim += " AND s.tlp = ?"
		args = append(args, string(f.TLP))
	}
	if l := strings.TrimSpace(f.Label); l != "" {
		b, _ := json.Marshal(strings.ToLower(l))
		claim += ` AND LOWER(s.labels) LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(string(b))+"%")
	}
	w.add(true, claim+")", args...)
	return w
}

func typeNames() string {
	names := make([]string, len(vigil.IndicatorTypes))
	for i, t := range vigil.IndicatorTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

func querySortKeys(ctx context.Context, c conn, q string, args ...any) ([]sortKey, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []sortKey
	for rows.Next() {
		var k sortKey
		if err := rows.Scan(&k.id, keyCol{&k.key}); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// indicatorsByID reads the indicators with the given ids and their claims, in the
// order of ids.
func (s *Store) indicatorsByID(ctx context.Context, c conn, ids []int64) ([]vigil.StoredIndicator, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := c.query(ctx, `SELECT `+indicatorColumns+` FROM indicators i JOIN indicator_sources s
		ON s.indicator_id = i.id WHERE i.id IN (`+placeholders(len(ids))+`) ORDER BY i.id, s.source`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vigil.StoredIndicator
	for rows.Next() {
		si, src, err := scanClaim(rows)
		if err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != si.ID {
			out = append(out, si)
		}
		last := &out[len(out)-1]
		last.Sources = append(last.Sources, src)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	l, err := readListings(ctx, c)
	if err != nil {
		return nil, err
	}
	for i := range out {
		l.apply(&out[i])
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(out, func(a, b vigil.StoredIndicator) int { return at[a.ID] - at[b.ID] })
	return out, nil
}

// GetIndicator returns the indicator of type t and value v with its claims.
func (s *Store) GetIndicator(ctx context.Context, t vigil.IndicatorType, v string) (vigil.StoredIndicator, error) {
	out, _, err := s.SearchIndicators(ctx, vigil.IndicatorFilter{Type: t, Value: v, Exact: true, Limit: 1})
	if err != nil {
		return vigil.StoredIndicator{}, err
	}
	if len(out) == 0 {
		return vigil.StoredIndicator{}, vigil.Errorf(vigil.ENOTFOUND, "no indicator %s %s", t, v)
	}
	return out[0], nil
}
