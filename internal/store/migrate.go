package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/vigil-health/vigil"
)

// migrationsTable records which migrations a database has had; Restore looks for it.
const migrationsTable = "vigil_migrations"

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Migrate applies the migrations the database has not had yet. Open calls it; `vigil
// migrate` calls it on its own. It is safe to run from several processes at once on
// PostgreSQL (an advisory lock per schema serialises them) and is a no-op when the schema
// is current. A database migrated by a newer vigil is refused rather than used.
func (s *Store) Migrate(ctx context.Context) error {
	if s.tx != nil {
		return errors.New("migrate: called inside a transaction")
	}
	p, err := s.provider(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if current > target {
		return vigil.Errorf(vigil.EINVALID, "the database is at schema version %d, newer than this vigil knows (%d): run a newer vigil", current, target)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	s.logMigrations(ctx, current, res)
	return s.auditMigration(ctx, current, res)
}

// logMigrations says what Migrate applied: one line a migration when an existing
// database is brought up to date (an operator may want to see each), one line in all
// when a new database is created (its dozens of lines would bury the server's first
// words). Each migration is still logged at debug level.
func (s *Store) logMigrations(ctx context.Context, from int64, res []*goose.MigrationResult) {
	if len(res) == 0 {
		return
	}
	level := slog.LevelInfo
	if from == 0 {
		level = slog.LevelDebug
	}
	var took time.Duration
	for _, r := range res {
		took += r.Duration
		s.log.Log(ctx, level, "applied migration", slog.String("engine", s.engine),
			slog.Int64("version", r.Source.Version), slog.Duration("took", r.Duration))
	}
	if from == 0 {
		s.log.InfoContext(ctx, "created the database schema", slog.String("engine", s.engine),
			slog.Int64("version", res[len(res)-1].Source.Version), slog.Int("migrations", len(res)), slog.Duration("took", took))
	}
}

// auditVersion is the migration that creates the audit log.
const auditVersion = 4

// auditMigration writes the audit entry of migrations applied to a database that already
// had an audit log, so that a schema change, like a restore, leaves a trace in the
// chain; a new database starts its log empty.
func (s *Store) auditMigration(ctx context.Context, from int64, res []*goose.MigrationResult) error {
	if len(res) == 0 || from < auditVersion {
		return nil
	}
	to := res[len(res)-1].Source.Version
	detail := map[string]any{"engine": s.engine, "from": from, "to": to}
	if _, err := s.Audit(ctx, "system", "schema.migrate", "schema", detail); err != nil {
		return fmt.Errorf("migrate: audit the migration to version %d: %w", to, err)
	}
	return nil
}

// provider returns a goose provider over this engine's embedded migrations.
func (s *Store) provider(ctx context.Context) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+s.engine)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{
		goose.WithTableName(migrationsTable),
		goose.WithSlog(s.log),
		goose.WithDisableGlobalRegistry(true),
		// Version 9 is a Go migration (it computes values), so there is no 00009 file;
		// goose refuses to start if a SQL file ever takes the same number.
		goose.WithGoMigrations(s.migrateReversedNames()),
	}
	dialect := goose.DialectSQLite3
	if s.isPG() {
		dialect = goose.DialectPostgres
		locker, err := s.migrationLocker(ctx)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.w, sub, opts...)
}

// migrationLocker returns a PostgreSQL advisory-lock locker whose key is derived from
// the current schema, so that databases in different schemas migrate independently.
func (s *Store) migrationLocker(ctx context.Context) (lock.SessionLocker, error) {
	var schema string
	if err := s.w.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("vigil-migrate:" + schema))
	return lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(h.Sum64()>>1)),
		lock.WithLockTimeout(1, 600),
	)
}
