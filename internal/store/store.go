package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// Engine names, as Engine returns them.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// Config says which database to open.
type Config struct {
	// DSN selects the engine: empty or "sqlite:PATH" for SQLite (empty means
	// DataDir/vigil.db), "postgres://…" or "postgresql://…" for PostgreSQL.
	DSN string
	// DataDir holds the SQLite database when DSN is empty. It is created if missing.
	DataDir string
	// Logger receives migration progress and slow-path warnings; nil discards them.
	Logger *slog.Logger
	// Secret is the server secret; the audit chain is keyed with a key derived from it
	// (see SetAuditKey). Nil leaves the chain unkeyed.
	Secret []byte
}

// Store is vigil's database: one concrete type over SQLite or PostgreSQL.
type Store struct {
	engine string
	path   string    // the SQLite file; empty for PostgreSQL
	dsn    string    // the PostgreSQL DSN, for the change listener's own connection
	w      *sql.DB   // the writer: one connection on SQLite, the pool on PostgreSQL
	r      *sql.DB   // readers; the same pool as w on PostgreSQL
	tx     *sql.Tx   // set on the *Store that Tx passes to its function
	raw    *sql.Conn // the connection tx runs on, on PostgreSQL: COPY goes through it
	log    *slog.Logger
	binds  *bindCache
	clock  *func() time.Time
	creds  *credentialKey
	audit  *auditKey
	parts  *partitionDays

	keptTestHook *func(ctx context.Context, stage string, k int64) // tests only: see keptHook
}

// Open opens the database cfg names and applies any pending migrations.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	s := &Store{log: log, binds: &bindCache{}, clock: &now, creds: &credentialKey{}, audit: &auditKey{}, parts: &partitionDays{}}
	if cfg.Secret != nil {
		s.SetAuditKey(cfg.Secret) // before Migrate, which audits what it applies
	}
	var err error
	switch {
	case cfg.DSN == "" || strings.HasPrefix(cfg.DSN, "sqlite:"):
		err = s.openSQLite(ctx, cfg)
	case strings.HasPrefix(cfg.DSN, "postgres://") || strings.HasPrefix(cfg.DSN, "postgresql://"):
		err = s.openPostgres(ctx, cfg.DSN)
	default:
		return nil, vigil.Errorf(vigil.EINVALID, "database %q is not understood: use sqlite:PATH or postgres://…", redactDSN(cfg.DSN))
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.Migrate(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.optimize(ctx, `PRAGMA optimize=0x10002`); err != nil {
		s.log.WarnContext(ctx, "sqlite optimize", slog.Any("error", err))
	}
	return s, nil
}

// Close closes the database. It must not be called on the *Store passed to a Tx function.
func (s *Store) Close() error {
	if s.tx != nil {
		return errors.New("close store: called inside a transaction")
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Engine returns EngineSQLite or EnginePostgres.
func (s *Store) Engine() string { return s.engine }

// Optimize refreshes the SQLite query planner's statistics where they are stale, as
// SQLite recommends for long-lived connections: call it hourly or daily, with
// PurgeExpired. It is quick when nothing changed. On PostgreSQL autovacuum does this,
// and Optimize does nothing.
func (s *Store) Optimize(ctx context.Context) error {
	return s.optimize(ctx, `PRAGMA optimize`)
}

func (s *Store) optimize(ctx context.Context, pragma string) error {
	if s.isPG() {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, pragma); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

// Ping checks that the database answers a query, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.rdb().row(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping %s: %w", s.engine, err)
	}
	return nil
}

// Tx runs fn in one transaction on a *Store bound to it: every method called on tx sees
// and joins the transaction, which commits when fn returns nil and rolls back otherwise.
// Use it to change state and write its audit row atomically. tx is only valid inside fn;
// Close, Migrate and Backup refuse to run on it. Calling Tx on tx runs fn in the same
// transaction. On SQLite the transaction holds the single writer, so keep fn short and
// never use the outer *Store inside fn: it would wait for the writer fn holds.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.inTx(ctx, func(tx *Store, _ conn) error { return fn(tx) })
}

// txAttempts bounds how often a transaction PostgreSQL aborted as a deadlock victim (or
// a serialisation failure) is run again: concurrent uploads upsert overlapping keys, and
// the victim succeeds once the winner commits.
const txAttempts = 5

// inTx runs fn in a transaction on the writer, or in the current one when s is bound to a
// transaction. fn gets the bound *Store and its connection. An outermost transaction
// that PostgreSQL aborts to break a deadlock is rolled back and run again, so fn must
// keep its effects inside the transaction (or reset them when it starts).
func (s *Store) inTx(ctx context.Context, fn func(tx *Store, c conn) error) error {
	if s.tx != nil {
		return fn(s, s.wdb())
	}
	for attempt := 1; ; attempt++ {
		err := s.runTx(ctx, fn)
		if err == nil || attempt == txAttempts || !isRetryable(err) {
			return err
		}
		s.log.DebugContext(ctx, "transaction retried after a deadlock", slog.Int("attempt", attempt), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

// runTx runs fn in one new transaction.
func (s *Store) runTx(ctx context.Context, fn func(tx *Store, c conn) error) error {
	sc, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sc.Close()
	tx, err := sc.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	bound := *s
	bound.tx = tx
	if s.isPG() {
		bound.raw = sc
	}
	if err := fn(&bound, bound.wdb()); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// now returns the store's clock reading in UTC, truncated to the microsecond that both
// engines keep, so that a time written and read back compares equal.
func (s *Store) now() time.Time {
	return (*s.clock)().UTC().Truncate(time.Microsecond)
}

// wdb returns the connection for writes: the transaction when bound to one.
func (s *Store) wdb() conn {
	if s.tx != nil {
		return conn{q: s.tx, s: s}
	}
	return conn{q: s.w, s: s}
}

// rdb returns the connection for reads: the transaction when bound to one, so that reads
// see its own writes (and, on SQLite, do not wait for the writer it holds).
func (s *Store) rdb() conn {
	if s.tx != nil {
		return conn{q: s.tx, s: s}
	}
	return conn{q: s.r, s: s}
}

// isPG reports whether the store runs on PostgreSQL.
func (s *Store) isPG() bool { return s.engine == EnginePostgres }

// forUpdate returns " FOR UPDATE" on PostgreSQL, where row locks exist; SQLite's single
// writer already serialises the transactions that would need one.
func (s *Store) forUpdate() string {
	if s.isPG() {
		return " FOR UPDATE"
	}
	return ""
}

// lockTable takes a lock on table that serialises writers of it for the rest of the
// transaction while letting readers through. It is a no-op on SQLite, whose transactions
// already take the one write lock when they begin (BEGIN IMMEDIATE).
func (s *Store) lockTable(ctx context.Context, c conn, table string) error {
	if !s.isPG() {
		return nil
	}
	if _, err := c.exec(ctx, "LOCK TABLE "+table+" IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return fmt.Errorf("lock %s: %w", table, err)
	}
	return nil
}
