package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vigil-health/vigil"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DBFile is the name of the SQLite database inside the data directory.
const DBFile = "vigil.db"

// sqlitePath returns the database file cfg names: the path after "sqlite:", or
// DataDir/vigil.db when the DSN is empty.
func sqlitePath(cfg Config) (string, error) {
	if p, ok := strings.CutPrefix(cfg.DSN, "sqlite:"); ok && p != "" {
		return p, nil
	}
	if cfg.DataDir == "" {
		return "", vigil.Errorf(vigil.EINVALID, "no database given: set a data directory or a sqlite:PATH or postgres:// DSN")
	}
	return filepath.Join(cfg.DataDir, DBFile), nil
}

// openSQLite opens the file with one writer connection (SQLite allows one writer at a
// time; a single connection makes writers queue in Go rather than spin on SQLITE_BUSY) and
// a pool of query-only readers, which WAL lets run alongside the writer.
func (s *Store) openSQLite(ctx context.Context, cfg Config) error {
	path, err := sqlitePath(cfg)
	if err != nil {
		return err
	}
	if strings.ContainsAny(path, "?#") {
		return vigil.Errorf(vigil.EINVALID, "database path %q must not contain ? or #", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	if err := createPrivate(path); err != nil {
		return err
	}
	s.engine, s.path = EngineSQLite, path
	if s.w, err = openSQLiteDB(ctx, path, sqliteWriterParams, 1); err != nil {
		return err
	}
	if s.r, err = openSQLiteDB(ctx, path, sqliteReaderParams, max(4, runtime.GOMAXPROCS(0))); err != nil {
		_ = s.w.Close()
		return err
	}
	return nil
}

// The connection parameters (modernc.org/sqlite DSN keys). Writers begin transactions
// IMMEDIATE so that a transaction that reads then writes never fails to upgrade its lock.
// The writer's page cache is capped at 16 MB of pages, which holds about 32 MB: the
// pure-Go SQLite's allocator gives each 4 KB page (with SQLite's header, some 4.3 KB)
// an 8 KB slot. A 32 MB cap held 65–80 MB through an import, and halving it cost no
// measurable CPU per indicator stored (docs/intel-import.md, "A pull's memory").
const (
	sqliteCommonParams = "_busy_timeout=5000&_foreign_keys=1&_synchronous=NORMAL"
	sqliteWriterParams = sqliteCommonParams + "&_journal_mode=WAL&_txlock=immediate&_pragma=cache_size(" + writerCache + ")&_pragma=temp_store(2)"
	// writerCache is the writer's cache_size: 16 MB of pages (negative: in KiB).
	writerCache = "-16384"
	// keptWriterCache is the writer's cache_size while a rebuild reads ranges from rows
	// and writes them back (startKeptWriter): lowering it hands the pages the import
	// before it left cached back to the allocator, ~30 MB at the peak of the rebuild that
	// follows a large import.
	keptWriterCache    = "-1024"
	sqliteReaderParams = sqliteCommonParams + "&_query_only=1"
)

func openSQLiteDB(ctx context.Context, path, params string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?"+params)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// createPrivate creates an empty database file readable by its owner only, since it holds
// password hashes; an existing file is left as it is.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return f.Close()
}
