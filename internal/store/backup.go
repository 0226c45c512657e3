package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vigil-health/vigil"
)

// Backup writes a consistent copy of the SQLite database to path while the server keeps
// running (SQLite's VACUUM INTO in a read transaction, so writers are not held up). The
// copy is written beside path and renamed into place when complete, readable by its
// owner only. An existing path is a conflict: choose a new name. On PostgreSQL Backup
// refuses and says to use pg_dump (see the package documentation).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.isPG() {
		return vigil.Errorf(vigil.EINVALID, "vigil backup works on the SQLite store only; for PostgreSQL run: pg_dump --format=custom --file=%s DSN (restore with pg_restore --clean --if-exists --no-owner --dbname=DSN %s)", path, path)
	}
	if s.tx != nil {
		return errors.New("backup: called inside a transaction")
	}
	if _, err := os.Lstat(path); err == nil {
		return vigil.Errorf(vigil.ECONFLICT, "%s already exists: choose a new file name", path)
	}
	tmp := tempName(path)
	defer os.Remove(tmp)
	// A connection of its own: the pooled readers are query-only, which VACUUM INTO
	// refuses, and the writer would hold up every write until the copy is done.
	db, err := openSQLiteDB(ctx, s.path, sqliteCommonParams, 1)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return vigil.Errorf(vigil.EINVALID, "cannot write the backup to %s: %v", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// tempName returns a hidden, unused name beside path.
func tempName(path string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial-"+hex.EncodeToString(b))
}

// Restore replaces the SQLite database in dataDir with the backup at path, which is
// checked first: it must be a SQLite file that passes integrity_check and has vigil's
// migrations table and tables, at a schema version this vigil knows. Stop the server
// before restoring: a running server keeps writing to the file it has open. The copy is
// opened with secret (the server's, which keys the audit chain), migrated, given an audit
// entry store.restore naming the backup and the head of the log it replaces, so that
// putting back an older copy leaves a trace, and its audit chain is verified: a backup
// whose chain does not hold with secret (made with another server secret, or tampered
// with) is refused. The database it replaces is checkpointed and kept beside it as
// vigil.db.pre-restore-TIMESTAMP, whose name Restore returns ("" when there was none).
func Restore(ctx context.Context, dataDir, path string, secret []byte) (previous string, err error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	target := filepath.Join(dataDir, DBFile)
	tmp := tempName(target)
	defer removeDB(tmp)
	if err := copyFile(path, tmp); err != nil {
		return "", err
	}
	if err := checkBackup(ctx, tmp, path); err != nil {
		return "", err
	}
	if err := auditRestore(ctx, tmp, secret, path, fileAuditHead(ctx, target)); err != nil {
		return "", err
	}
	if previous, err = setAside(ctx, target); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, target); err != nil {
		return previous, fmt.Errorf("restore: %w", err)
	}
	return previous, syncDir(dataDir)
}

// auditRestore opens the copy of the backup at tmp, appends its store.restore entry
// (replaced is the head of the log it replaces) and verifies its audit chain.
func auditRestore(ctx context.Context, tmp string, secret []byte, path, replaced string) error {
	s, err := Open(ctx, Config{DSN: "sqlite:" + tmp, Secret: secret})
	if err != nil {
		return fmt.Errorf("restore: open the backup: %w", err)
	}
	defer s.Close()
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	detail := map[string]string{"backup": path, "replaced_head": replaced}
	if _, err := s.Audit(ctx, "cli", "store.restore", "store", detail); err != nil {
		return fmt.Errorf("restore: audit the restore: %w", err)
	}
	_, _, err = s.VerifyAudit(ctx)
	if errors.Is(err, ErrAuditBroken) {
		return vigil.Errorf(vigil.EINVALID, "the audit log of %s does not hold with this server's secret (%v): restore it with the secret of the server that made it (VIGIL_SECRET, or the secret file of its data dir); if that is the secret, the backup was tampered with", path, err)
	}
	if err != nil {
		return fmt.Errorf("restore: verify the backup's audit log: %w", err)
	}
	return nil
}

// fileAuditHead returns the audit head, SEQ:HASH, of the vigil database at path: "" when
// there is none, or "unreadable" when it cannot be read.
func fileAuditHead(ctx context.Context, path string) string {
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_busy_timeout=5000&mode=ro")
	if err != nil {
		return "unreadable"
	}
	defer db.Close()
	var seq int64
	var hash string
	err = db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "0:"
	case err != nil:
		return "unreadable"
	}
	return fmt.Sprintf("%d:%s", seq, hash)
}

// copyFile copies src to a new file dst readable by its owner only, synced to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return vigil.Errorf(vigil.EINVALID, "backup %s does not exist", src)
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return fmt.Errorf("restore: copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return fmt.Errorf("restore: %w", err)
	}
	return out.Close()
}

// checkBackup checks that the file at path (a copy of the operator's file named name) is
// a sound vigil database.
func checkBackup(ctx context.Context, path, name string) error {
	if err := checkSQLiteHeader(path, name); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&result); err != nil || result != "ok" {
		return vigil.Errorf(vigil.EINVALID, "%s is damaged: SQLite's integrity check says %s", name, cmpOr(result, fmt.Sprint(err)))
	}
	var version int64
	err = db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+migrationsTable+` WHERE is_applied`).Scan(&version)
	if err != nil || version < 1 {
		return vigil.Errorf(vigil.EINVALID, "%s is a SQLite database but not a vigil one (it has no vigil migrations)", name)
	}
	if known := knownSchema(); version > known {
		return vigil.Errorf(vigil.EINVALID, "%s was made by a newer vigil (schema version %d; this vigil knows %d): restore it with that version", name, version, known)
	}
	var tables int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'orgs'`).Scan(&tables)
	if err != nil || tables != 1 {
		return vigil.Errorf(vigil.EINVALID, "%s is missing vigil's tables", name)
	}
	return nil
}

// checkSQLiteHeader checks the file starts with SQLite's magic string.
func checkSQLiteHeader(path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return vigil.Errorf(vigil.EINVALID, "%s is not a SQLite database, so not a vigil backup", name)
	}
	return nil
}

// knownSchema returns the newest migration version this binary has: the embedded SQLite
// files and the Go migrations.
func knownSchema() int64 {
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	max := int64(reversedNamesVersion)
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > max {
			max = v
		}
	}
	return max
}

// setAside checkpoints the database at target into its main file and renames it to
// target.pre-restore-TIMESTAMP, returning the new name ("" when target does not exist).
func setAside(ctx context.Context, target string) (string, error) {
	if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	db, err := sql.Open("sqlite", "file:"+target+"?_busy_timeout=5000")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	_ = db.Close()
	if err != nil {
		return "", fmt.Errorf("restore: checkpoint the current database: %w", err)
	}
	kept := target + ".pre-restore-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(target, kept); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return kept, fmt.Errorf("restore: %w", err)
		}
	}
	return kept, nil
}

// removeDB removes a database file and its WAL and shared-memory files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
