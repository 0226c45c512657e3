package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
)

// SourceChange is what storing a source's indicators did.
type SourceChange struct {
	// Added counts values the source did not hold before; Refreshed those it held and
	// published again (whether or not their provenance changed).
	Added, Refreshed int
	// Withdrawn counts values the source no longer holds (ReplaceSourceIndicators only).
	Withdrawn int
	// Changed are the indicators that are new to the source or whose provenance changed:
	// what Early Warning and retro-hunts look at.
	Changed []vigil.Indicator
}

// batchRows is how many rows one multi-row statement writes: under PostgreSQL's 65535
// parameters and SQLite's 32766 with the widest row (15 columns).
const batchRows = 1000

// ReplaceSourceIndicators makes inds the whole set source holds, for a complete pull: values
// it held that inds lacks are withdrawn, and indicators no source holds any more are
// removed. Every indicator is credited to source whatever its Provenance.Source says.
func (s *Store) ReplaceSourceIndicators(ctx context.Context, source string, inds []vigil.Indicator) (SourceChange, error) {
	return s.storeSource(ctx, source, inds, true)
}

// UpsertSourceIndicators adds inds to what source holds and refreshes those it holds
// already, for delta pulls and uploads; nothing is withdrawn.
func (s *Store) UpsertSourceIndicators(ctx context.Context, source string, inds []vigil.Indicator) (SourceChange, error) {
	return s.storeSource(ctx, source, inds, false)
}

func (s *Store) storeSource(ctx context.Context, source string, inds []vigil.Indicator, replace bool) (SourceChange, error) {
	source, err := vigil.SourceName(source)
	if err != nil {
		return SourceChange{}, err
	}
	rows := mergeRows(source, inds)
	var ch SourceChange
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		if err := tx.lockTable(ctx, c, "indicator_sources"); err != nil {
			return err
		}
		old, err := tx.sourceClaims(ctx, c, source)
		if err != nil {
			return err
		}
		if err := tx.upsertIndicators(ctx, c, rows); err != nil {
			return err
		}
		if err := tx.upsertClaims(ctx, c, rows); err != nil {
			return err
		}
		ch = diffClaims(old, rows)
		if replace {
			if ch.Withdrawn, err = tx.withdrawSource(ctx, c, source, rows); err != nil {
				return err
			}
		}
		if ch.Added == 0 && ch.Withdrawn == 0 && len(ch.Changed) == 0 {
			return nil
		}
		return tx.bumpVersion(ctx, c, ScopeIntel)
	})
	if err != nil {
		return SourceChange{}, fmt.Errorf("store indicators of %q: %w", source, err)
	}
	return ch, nil
}

// sourceRow is one source's claim on one indicator, ready to write.
type sourceRow struct {
	id     int64 // the indicator's id, once known
	ind    vigil.Indicator
	labels string // JSON array
}

// key is the claim's identity within a source.
func (r *sourceRow) key() indicatorKey { return indicatorKey{r.ind.Type, r.ind.Value} }

type indicatorKey struct {
	t vigil.IndicatorType
	v string
}

// fingerprint is the part of a claim whose change makes the indicator "changed".
func (r *sourceRow) fingerprint() string {
	p := &r.ind.Provenance
	return fmt.Sprintf("%s|%s|%d|%s|%v|%v", p.TLP, vigil.AdmiraltyCode(p.Reliability, p.Credibility), p.Confidence,
		r.labels, dbTime(p.ValidFrom), dbTime(p.ValidUntil))
}

// mergeRows credits inds to source, merges repeats of a value (the last claim wins, with
// every label) and sorts them by type and value, so that concurrent writers take row
// locks in the same order.
func mergeRows(source string, inds []vigil.Indicator) []sourceRow {
	idx := make(map[indicatorKey]int, len(inds))
	rows := make([]sourceRow, 0, len(inds))
	for _, ind := range inds {
		if !storable(ind.Value) {
			continue // a parser bug if it ever happens: normalised values are UTF-8 without NUL
		}
		ind.Provenance.Source = source
		cleanProvenance(&ind.Provenance)
		k := indicatorKey{ind.Type, ind.Value}
		i, seen := idx[k]
		if !seen {
			idx[k] = len(rows)
			rows = append(rows, sourceRow{ind: ind})
			continue
		}
		labels := append(slices.Clone(rows[i].ind.Provenance.Labels), ind.Provenance.Labels...)
		rows[i].ind = ind
		rows[i].ind.Provenance.Labels = labels
	}
	for i := range rows {
		rows[i].labels = labelsJSON(rows[i].ind.Provenance.Labels)
	}
	slices.SortFunc(rows, func(a, b sourceRow) int {
		return cmp.Or(cmp.Compare(a.ind.Type, b.ind.Type), cmp.Compare(a.ind.Value, b.ind.Value))
	})
	return rows
}

// storable reports whether both engines can hold v as text: PostgreSQL refuses NUL
// bytes and invalid UTF-8.
func storable(v string) bool {
	return v != "" && utf8.ValidString(v) && !strings.ContainsRune(v, 0)
}

// cleanProvenance makes the free text of p storable.
func cleanProvenance(p *vigil.Provenance) {
	clean := func(s string) string { return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD") }
	p.Ref = clean(p.Ref)
	if len(p.Labels) > 0 {
		labels := make([]string, len(p.Labels))
		for i, l := range p.Labels {
			labels[i] = clean(l)
		}
		p.Labels = labels
	}
}

// labelsJSON returns the labels, deduplicated and sorted, as a JSON array.
func labelsJSON(labels []string) string {
	l := slices.Clone(labels)
	slices.Sort(l)
	b, _ := json.Marshal(nonNil(slices.Compact(l)))
	return string(b)
}

// oldClaim is what the store held of a source's claim before a write.
type oldClaim struct {
	id          int64
	fingerprint string
}

// sourceClaims reads every claim source holds, keyed by indicator.
func (s *Store) sourceClaims(ctx context.Context, c conn, source string) (map[indicatorKey]oldClaim, error) {
	rows, err := c.query(ctx, `SELECT i.id, i.type, i.value, s.tlp, s.reliability, s.credibility, s.confidence,
		s.labels, s.valid_from, s.valid_until FROM indicator_sources s JOIN indicators i ON i.id = s.indicator_id
		WHERE s.source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("read claims: %w", err)
	}
	defer rows.Close()
	out := map[indicatorKey]oldClaim{}
	for rows.Next() {
		var r sourceRow
		var rel string
		var cred int
		p := &r.ind.Provenance
		if err := rows.Scan(&r.id, &r.ind.Type, &r.ind.Value, &p.TLP, &rel, &cred, &p.Confidence, &r.labels,
			scanTime(&p.ValidFrom), scanTime(&p.ValidUntil)); err != nil {
			return nil, fmt.Errorf("read claims: %w", err)
		}
		p.Reliability, p.Credibility = gradeOf(rel, cred)
		out[r.key()] = oldClaim{id: r.id, fingerprint: r.fingerprint()}
	}
	return out, rows.Err()
}

func gradeOf(rel string, cred int) (byte, uint8) {
	var r byte
	if rel != "" {
		r = rel[0]
	}
	return r, uint8(cred)
}

// upsertIndicators inserts the indicators rows name that are new and sets each row's id.
func (s *Store) upsertIndicators(ctx context.Context, c conn, rows []sourceRow) error {
	for chunk := range slices.Chunk(rows, batchRows) {
		args := make([]any, 0, 2*len(chunk))
		for i := range chunk {
			args = append(args, string(chunk[i].ind.Type), chunk[i].ind.Value)
		}
		q := `INSERT INTO indicators (type, value) VALUES ` + valuesList(len(chunk), 2) +
			` ON CONFLICT (type, value) DO UPDATE SET type = excluded.type RETURNING id, type, value`
		res, err := c.query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("insert indicators: %w", err)
		}
		ids := make(map[indicatorKey]int64, len(chunk))
		for res.Next() {
			var k indicatorKey
			var id int64
			if err := res.Scan(&id, &k.t, &k.v); err != nil {
				res.Close()
				return fmt.Errorf("insert indicators: %w", err)
			}
			ids[k] = id
		}
		if err := res.Close(); err != nil {
			return fmt.Errorf("insert indicators: %w", err)
		}
		for i := range chunk {
			chunk[i].id = ids[chunk[i].key()]
		}
	}
	return nil
}

// upsertClaims writes each row's claim, refreshing published_at and keeping added_at.
func (s *Store) upsertClaims(ctx context.Context, c conn, rows []sourceRow) error {
	now := dbTime(s.now())
	const cols = 15
	for chunk := range slices.Chunk(rows, batchRows) {
		args := make([]any, 0, cols*len(chunk))
		for i := range chunk {
			p := &chunk[i].ind.Provenance
			args = append(args, chunk[i].id, p.Source, string(p.TLP), vigil.AdmiraltyCode(p.Reliability, 0), int(p.Credibility),
				p.Confidence, chunk[i].labels, p.Ref, dbTime(p.ValidFrom), dbTime(p.ValidUntil), dbTime(p.FirstSeen),
				dbTime(p.LastSeen), now, now, p.Publisher)
		}
		q := `INSERT INTO indicator_sources (indicator_id, source, tlp, reliability, credibility, confidence, labels,
			ref, valid_from, valid_until, first_seen, last_seen, added_at, published_at, publisher) VALUES ` + valuesList(len(chunk), cols) +
			` ON CONFLICT (indicator_id, source) DO UPDATE SET tlp = excluded.tlp, reliability = excluded.reliability,
			credibility = excluded.credibility, confidence = excluded.confidence, labels = excluded.labels,
			ref = excluded.ref, valid_from = excluded.valid_from, valid_until = excluded.valid_until,
			first_seen = excluded.first_seen, last_seen = excluded.last_seen, published_at = excluded.published_at,
			publisher = excluded.publisher,
			not_for_matching = ''`
		if _, err := c.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("insert claims: %w", err)
		}
	}
	return nil
}

// valuesList returns n rows of width placeholders: "(?, ?), (?, ?)".
func valuesList(n, width int) string {
	row := "(" + placeholders(width) + ")"
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// diffClaims counts what rows added to and refreshed in old, and lists the changed ones.
func diffClaims(old map[indicatorKey]oldClaim, rows []sourceRow) SourceChange {
	var ch SourceChange
	for i := range rows {
		o, held := old[rows[i].key()]
		if held {
			ch.Refreshed++
		} else {
			ch.Added++
		}
		if !held || o.fingerprint != rows[i].fingerprint() {
			ch.Changed = append(ch.Changed, rows[i].ind)
		}
	}
	return ch
}

// withdrawSource deletes the claims of source on indicators that keep (sorted as
// mergeRows sorts) does not hold, then the indicators left with no source. keep nil
// withdraws everything.
func (s *Store) withdrawSource(ctx context.Context, c conn, source string, keep []sourceRow) (int, error) {
	held, err := s.sourceIDs(ctx, c, source)
	if err != nil {
		return 0, err
	}
	kept := make(map[int64]bool, len(keep))
	for i := range keep {
		kept[keep[i].id] = true
	}
	gone := slices.DeleteFunc(held, func(id int64) bool { return kept[id] })
	for chunk := range slices.Chunk(gone, batchRows) {
		args := make([]any, 0, len(chunk)+1)
		args = append(args, source)
		for _, id := range chunk {
			args = append(args, id)
		}
		if _, err := c.exec(ctx, `DELETE FROM indicator_sources WHERE source = ? AND indicator_id IN (`+placeholders(len(chunk))+`)`, args...); err != nil {
			return 0, fmt.Errorf("withdraw claims: %w", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM indicators WHERE id IN (`+placeholders(len(chunk))+`)
			AND NOT EXISTS (SELECT 1 FROM indicator_sources s WHERE s.indicator_id = indicators.id)`, args[1:]...); err != nil {
			return 0, fmt.Errorf("remove unsourced indicators: %w", err)
		}
	}
	return len(gone), nil
}

// sourceIDs returns the ids of the indicators source holds.
func (s *Store) sourceIDs(ctx context.Context, c conn, source string) ([]int64, error) {
	rows, err := c.query(ctx, `SELECT indicator_id FROM indicator_sources WHERE source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("read source %q: %w", source, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read source %q: %w", source, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MarkSighted records that telemetry matched the indicator at at, resetting its decay.
// It writes only when the recorded sighting is an hour or more older, so that a value
// seen in every event costs a cheap read-mostly statement.
func (s *Store) MarkSighted(ctx context.Context, t vigil.IndicatorType, value string, at time.Time) error {
	_, err := s.wdb().exec(ctx, `UPDATE indicators SET last_sighted = ? WHERE type = ? AND value = ?
		AND (last_sighted IS NULL OR last_sighted < ?)`, dbTime(at), string(t), value, dbTime(at.Add(-time.Hour)))
	if err != nil {
		return fmt.Errorf("mark %s %s sighted: %w", t, value, err)
	}
	return nil
}
