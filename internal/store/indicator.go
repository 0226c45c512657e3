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

// storeSource stores inds as one batch of an import of source, withdrawing after it, for
// a complete set (replace), the claims the batch did not hold.
func (s *Store) storeSource(ctx context.Context, source string, inds []vigil.Indicator, replace bool) (SourceChange, error) {
	imp, err := s.BeginSourceImport(source)
	if err != nil {
		return SourceChange{}, err
	}
	if replace {
		imp.WholeSet(time.Time{})
	}
	ch, err := imp.Store(ctx, inds)
	if err != nil {
		return SourceChange{}, err
	}
	total, err := imp.Finish(ctx, replace)
	ch.Withdrawn = total.Withdrawn
	return ch, err
}

// sourceRow is one source's claim on one indicator, ready to write.
type sourceRow struct {
	ind    vigil.Indicator
	labels string // JSON array
}

// indicatorKey is a claim's identity within a source.
type indicatorKey struct {
	t vigil.IndicatorType
	v string
}

// mergeRows credits inds to source, merges repeats of a value (the last claim wins, with
// every label) and sorts them by type and value.
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
	var labels []string
	for i := range rows { // a feed's rows mostly share their labels: encoded once for a run of them
		if l := rows[i].ind.Provenance.Labels; i == 0 || !slices.Equal(l, labels) {
			labels, rows[i].labels = l, labelsJSON(l)
		} else {
			rows[i].labels = rows[i-1].labels
		}
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

// cleanProvenance makes the free text of p storable (cleanText). The parsers clean a
// publisher's name as it enters (intel.cleanPublisher); this keeps any other caller's from
// failing a whole import on PostgreSQL.
func cleanProvenance(p *vigil.Provenance) {
	p.Ref, p.Publisher = cleanText(p.Ref), cleanText(p.Publisher)
	if len(p.Labels) > 0 {
		labels := make([]string, len(p.Labels))
		for i, l := range p.Labels {
			labels[i] = cleanText(l)
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

func gradeOf(rel string, cred int) (byte, uint8) {
	var r byte
	if rel != "" {
		r = rel[0]
	}
	return r, uint8(cred)
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
