package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// conn runs SQL written with ? placeholders on either engine. Callers read every row of
// one query before starting the next: a transaction (and SQLite's writer) is a single
// connection, which cannot interleave two result sets.
type conn struct {
	q querier
	s *Store
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.s.bind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.s.bind(query), args...)
}

// prepare prepares query for repeated use on c; the caller closes the statement.
func (c conn) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.q.PrepareContext(ctx, c.s.bind(query))
}

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.s.bind(query), args...)
}

// bind returns query as the engine wants it: unchanged on SQLite, with each ? turned
// into $1, $2… on PostgreSQL. Results are cached; queries are a bounded set of strings.
func (s *Store) bind(query string) string {
	if !s.isPG() {
		return query
	}
	return s.binds.get(query)
}

// bindCache memoises rebind.
type bindCache struct{ m sync.Map }

func (b *bindCache) get(query string) string {
	if v, ok := b.m.Load(query); ok {
		return v.(string)
	}
	out := rebind(query)
	b.m.Store(query, out)
	return out
}

// rebind turns ? placeholders into $n, leaving quoted strings and identifiers alone.
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// placeholders returns "?, ?, ?" with n marks, for IN lists.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// withPgx runs fn on the pgx connection beneath c, for what database/sql cannot do
// cheaply (COPY, rows in binary); what names the work in the error when c is not pgx's.
func withPgx(c *sql.Conn, what string, fn func(*pgx.Conn) error) error {
	return c.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%s: the driver connection is %T, not pgx", what, dc)
		}
		return fn(pc.Conn())
	})
}
