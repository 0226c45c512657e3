package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/vigil-health/vigil/internal/store"
)

// Bulk sizes: SQLite binds at most 32,766 parameters a statement, so 1,000 rows of 20
// columns fit; a transaction of 50,000 rows keeps the WAL from growing without bound.
const (
	sqliteRowsPerInsert = 1000
	sqliteRowsPerTx     = 50_000
)

// seedAlerts writes o.alerts generated alerts with the engine's bulk path, refreshes the
// planner statistics (as a server that has run a while would have them) and returns the
// highest alert id.
func seedAlerts(ctx context.Context, o options, sc *sector) (int64, error) {
	gen := newAlertGen(sc, o.alerts, o.seed, time.Now())
	if o.db != "" {
		return seedPostgres(ctx, o.db, gen)
	}
	return seedSQLite(ctx, filepath.Join(o.dataDir, store.DBFile), gen)
}

// seedSQLite inserts the alerts through a connection of its own, with synchronous off:
// a crash mid-seed means seeding again, not a lost alert.
func seedSQLite(ctx context.Context, path string, gen *alertGen) (int64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(OFF)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	full := insertSQL(sqliteRowsPerInsert)
	for done := 0; done < gen.n; {
		n := min(sqliteRowsPerTx, gen.n-done)
		if err := sqliteTx(ctx, db, gen, done, n, full); err != nil {
			return 0, err
		}
		done += n
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return 0, fmt.Errorf("analyze: %w", err)
	}
	return maxAlertID(ctx, db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM alerts`))
}

// sqliteTx inserts alerts [from, from+n) in one transaction.
func sqliteTx(ctx context.Context, db *sql.DB, gen *alertGen, from, n int, full string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, full)
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, sqliteRowsPerInsert*len(alertColumns))
	for i := from; i < from+n; i += sqliteRowsPerInsert {
		rows := min(sqliteRowsPerInsert, from+n-i)
		args = args[:0]
		for j := range rows {
			args = append(args, gen.row(i+j).sqliteArgs()...)
		}
		if rows == sqliteRowsPerInsert {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insertSQL(rows), args...)
		}
		if err != nil {
			return fmt.Errorf("insert alerts %d…: %w", i, err)
		}
	}
	return tx.Commit()
}

// insertSQL returns a multi-row INSERT of n alerts.
func insertSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(alertColumns)), ",") + ")"
	return "INSERT INTO alerts (" + strings.Join(alertColumns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// sqliteTime is the store's SQLite time layout (internal/store/times.go).
const sqliteTime = "2006-01-02T15:04:05.000000Z"

func sqliteTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(sqliteTime)
}

func (a alertRow) sqliteArgs() []any {
	return []any{a.org, a.kind, a.severity, a.status, a.title, a.body, a.observable, a.indicator, a.sources, a.tlp,
		a.count, sqliteTimeArg(a.firstSeen), sqliteTimeArg(a.lastSeen), sqliteTimeArg(a.createdAt),
		sqliteTimeArg(a.ackedAt), a.ackedBy, sqliteTimeArg(a.resolvedAt), a.resolvedBy, a.note, a.dedupKey}
}

// seedPostgres copies the alerts in with COPY on a connection of its own (the DSN's
// search_path picks the schema), then vacuums and analyses the table so that index-only
// scans and the planner's estimates are what a settled server would have.
func seedPostgres(ctx context.Context, dsn string, gen *alertGen) (int64, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, fmt.Errorf("connect for COPY: %w", err)
	}
	defer conn.Close(context.Background())
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == gen.n {
			return nil, nil
		}
		i++
		return gen.row(i - 1).pgValues(), nil
	})
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"alerts"}, alertColumns, src); err != nil {
		return 0, fmt.Errorf("copy alerts: %w", err)
	}
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE alerts`); err != nil {
		return 0, fmt.Errorf("vacuum alerts: %w", err)
	}
	return maxAlertID(ctx, conn.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM alerts`))
}

func pgTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func (a alertRow) pgValues() []any {
	return []any{a.org, a.kind, a.severity, a.status, a.title, a.body, a.observable, a.indicator, a.sources, a.tlp,
		a.count, a.firstSeen, a.lastSeen, a.createdAt, pgTime(a.ackedAt), a.ackedBy, pgTime(a.resolvedAt),
		a.resolvedBy, a.note, a.dedupKey}
}

// rowScanner is a *sql.Row or a pgx.Row.
type rowScanner interface{ Scan(dest ...any) error }

func maxAlertID(_ context.Context, r rowScanner) (int64, error) {
	var id int64
	if err := r.Scan(&id); err != nil {
		return 0, fmt.Errorf("highest alert id: %w", err)
	}
	return id, nil
}
