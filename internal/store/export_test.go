package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// SetNow replaces the store's clock; the *Store values Tx passes out share it.
func (s *Store) SetNow(f func() time.Time) { *s.clock = f }

// ExecRaw runs a statement written with ? placeholders, for tests that tamper with rows
// behind the store's back. It returns the number of rows affected.
func (s *Store) ExecRaw(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := s.wdb().exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueryInt runs a query returning one integer, for tests.
func (s *Store) QueryInt(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	err := s.rdb().row(ctx, q, args...).Scan(&n)
	return n, err
}

// TableContains reports whether any column of any row of table holds needle, as text or
// bytes, for tests that check a secret was not stored.
func (s *Store) TableContains(ctx context.Context, table, needle string) (bool, error) {
	rows, err := s.rdb().query(ctx, `SELECT * FROM `+table)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return false, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return false, err
		}
		for _, v := range vals {
			var text string
			switch v := v.(type) {
			case string:
				text = v
			case []byte:
				text = string(v)
			}
			if strings.Contains(text, needle) {
				return true, nil
			}
		}
	}
	return false, rows.Err()
}

// AuditHash is the audit chain's hash function.
var AuditHash = auditHash

// RedoMigrationsAfter rolls the schema back to version and applies every later migration
// again, for tests of migrations that rewrite existing rows.
func (s *Store) RedoMigrationsAfter(ctx context.Context, version int64) error {
	p, err := s.provider(ctx)
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// IndicatorListPlan returns the query plan of the first page of the indicator list in
// sort's order, one line per step, with PostgreSQL told to avoid sorting where it can
// (on a test's few rows it would rather sort than walk an index).
func (s *Store) IndicatorListPlan(ctx context.Context, sort vigil.IndicatorSort) (string, error) {
	w := indicatorWhere(vigil.IndicatorFilter{})
	explain := "EXPLAIN QUERY PLAN "
	c := s.rdb()
	if s.isPG() {
		explain = "EXPLAIN "
		tx, err := s.r.BeginTx(ctx, nil)
		if err != nil {
			return "", err
		}
		defer tx.Rollback() //nolint:errcheck // read only
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_sort = off"); err != nil {
			return "", err
		}
		c = conn{q: tx, s: s}
	}
	rows, err := c.query(ctx, explain+indicatorKeysQuery(w, sort), append(w.args, 50)...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return "", err
		}
		plan = append(plan, fmt.Sprint(*vals[len(vals)-1].(*any)))
	}
	return strings.Join(plan, "\n"), rows.Err()
}

// EachMatchableSpan is EachMatchable reading about span indicators per statement, so
// that a test of a few indicators reads several ranges.
func (s *Store) EachMatchableSpan(ctx context.Context, span int64, fn func(*vigil.StoredIndicator) error) error {
	return s.eachMatchableRanges(ctx, span, fn)
}

// SetKeptHook sets the hook EachMatchableKept and its write-back call at "read" (a
// claimed range's rows read) and "write" (before its blob is written back); nil removes it.
func (s *Store) SetKeptHook(f func(ctx context.Context, stage string, k int64)) {
	if f == nil {
		s.keptTestHook = nil
		return
	}
	s.keptTestHook = &f
}

// KeptWriter is the write-back of kept ranges, for tests.
type KeptWriter struct{ kw *keptWriter }

// StartKeptWriter starts a write-back with queue ranges waiting at most.
func (s *Store) StartKeptWriter(ctx context.Context, queue int) KeptWriter {
	return KeptWriter{s.startKeptWriter(ctx, queue, false)}
}

// Offer queues range k's blob as claimed at gen; false when the queue is full.
func (w KeptWriter) Offer(k, gen int64, blob []byte) bool {
	return w.kw.offer(keptBlob{k: k, gen: gen, blob: blob})
}

// CloseAndWait ends the offers and waits for the queue to be written.
func (w KeptWriter) CloseAndWait(ctx context.Context) error {
	w.kw.close()
	return w.kw.wait(ctx)
}

// WriterCacheSize is the SQLite writer's cache_size now (negative: KiB).
func (s *Store) WriterCacheSize(ctx context.Context) (int, error) {
	var n int
	err := s.wdb().row(ctx, `PRAGMA cache_size`).Scan(&n)
	return n, err
}
