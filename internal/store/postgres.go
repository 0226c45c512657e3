package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// openPostgres opens a pool on dsn. Query parameters pgx does not know (search_path,
// application_name…) are sent to the server as session settings, so a DSN can pick a schema.
func (s *Store) openPostgres(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("open postgres %s: %w", redactDSN(dsn), err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("connect to postgres %s: %w", redactDSN(dsn), err)
	}
	s.engine, s.w, s.r, s.dsn = EnginePostgres, db, db, dsn
	return nil
}

// redactDSN hides the password in a DSN so that it can be logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}
