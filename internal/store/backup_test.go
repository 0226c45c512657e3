package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// snapshot is what a backup must carry over.
type snapshot struct {
	Orgs     []vigil.Org
	Alerts   []vigil.Alert
	Audit    []vigil.AuditEntry
	Overlaps []vigil.Overlap
	Tokens   []vigil.Token
}

func takeSnapshot(t *testing.T, s *store.Store) snapshot {
	t.Helper()
	ctx := t.Context()
	var snap snapshot
	var err error
	if snap.Orgs, _, err = s.ListOrgs(ctx, vigil.OrgFilter{Limit: vigil.MaxLimit}); err != nil {
		t.Fatal(err)
	}
	if snap.Alerts, _, err = s.ListAlerts(ctx, vigil.AlertFilter{Limit: vigil.MaxLimit}); err != nil {
		t.Fatal(err)
	}
	snap.Audit = wholeAudit(t, s)
	if snap.Overlaps, _, err = s.ListOverlaps(ctx, vigil.OverlapFilter{}); err != nil {
		t.Fatal(err)
	}
	if snap.Tokens, err = s.ListTokens(ctx, vigil.TokenFilter{IncludeRevoked: true}); err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestBackupRestore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		path := filepath.Join(t.TempDir(), "vigil-backup.db")
		if s.Engine() == store.EnginePostgres {
			wantError(t, s.Backup(ctx, path), vigil.EINVALID, "pg_dump --format=custom")
			return
		}
		users := accounts(t, s)
		mustCreate(t, s, org("A81001", vigil.OrgGP, "192.0.2.0/25"))
		mustCreate(t, s, org("A81002", vigil.OrgGP, "192.0.2.0/24"))
		token, _, err := s.CreateToken(ctx, vigil.NewToken{SensorOrg: "A81001"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			if _, _, err := s.RaiseAlert(ctx, alert("A81001", fmt.Sprintf("k%d", i%20), vigil.SeverityHigh)); err != nil {
				t.Fatal(err)
			}
		}
		// More than a page of audit rows, so that the comparison below always reads the
		// log in pages, as it must once the writer has run long.
		fillAudit(t, s, vigil.MaxLimit+10)

		// Writers carry on during the backup; the copy is one consistent moment.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Audit(context.Background(), "system", "tick", "", i); err != nil {
					t.Error(err)
					return
				}
			}
		})
		err = s.Backup(ctx, path)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatalf("Backup: %v", err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("backup file: %v, %v; want mode 0600", fi, err)
		}
		wantError(t, s.Backup(ctx, path), vigil.ECONFLICT, "already exists")

		dir := t.TempDir()
		prev, err := store.Restore(ctx, dir, path, nil)
		if err != nil || prev != "" {
			t.Fatalf("Restore into an empty dir = %q, %v", prev, err)
		}
		r, err := store.Open(ctx, store.Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if rows, bad, err := r.VerifyAudit(ctx); rows < 10 || bad != 0 || err != nil {
			t.Errorf("restored audit: %d rows, first bad %d, %v", rows, bad, err)
		}
		// The restored log ends with the restore's own entry.
		head, _, _ := r.AuditHead(ctx)
		got := takeSnapshot(t, r)
		if e := got.Audit[0]; e.Action != "store.restore" || e.Actor != "cli" || !strings.Contains(e.Detail, `"backup":"`+path+`"`) {
			t.Errorf("newest restored audit row = %+v; want the store.restore entry naming the backup", e)
		}
		got.Audit = got.Audit[1:]
		// Compare the restored store with the original as it was when the backup was taken.
		want := takeSnapshot(t, s)
		want.Audit = slicesFrom(want.Audit, head-1)
		if diff := cmp.Diff(want, got, equatePrefix); diff != "" {
			t.Errorf("restored data differs (-original +restored):\n%s", diff)
		}
		if _, err := r.Authenticate(ctx, users[vigil.RoleOrgAdmin].Email, goodPassword); err != nil {
			t.Errorf("Authenticate on the restored store: %v", err)
		}
		if p, err := r.TokenPrincipal(ctx, token); err != nil || p.Org != "A81001" {
			t.Errorf("TokenPrincipal on the restored store = %+v, %v", p, err)
		}
	})
}

// wholeAudit returns every audit row, newest first, page by page. One page is not
// enough: in TestBackupRestore the original goes on growing throughout Backup, before
// the copy is taken and while it is synced to disk, so once the log is longer than a
// page (vigil.MaxLimit) the newest page of the original and the newest page of the
// restored copy, which ends earlier, hold different rows.
func wholeAudit(t *testing.T, s *store.Store) []vigil.AuditEntry {
	t.Helper()
	f := vigil.AuditFilter{Limit: vigil.MaxLimit}
	var rows []vigil.AuditEntry
	for {
		page, next, err := s.ListAudit(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, page...)
		if next == "" {
			return rows
		}
		f.Cursor = next
	}
}

// slicesFrom drops audit rows (newest first) after seq head.
func slicesFrom(rows []vigil.AuditEntry, head int64) []vigil.AuditEntry {
	for i, e := range rows {
		if e.Seq <= head {
			return rows[i:]
		}
	}
	return nil
}

func TestRestoreChecks(t *testing.T) {
	ctx := t.Context()
	src := storetest.Open(t)
	mustCreate(t, src, org("RXA", vigil.OrgTrust))
	good := filepath.Join(t.TempDir(), "good.db")
	if err := src.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	notSQLite := filepath.Join(tmp, "notes.txt")
	os.WriteFile(notSQLite, []byte("this is not a database, it is a shopping list"), 0o600)
	otherDB := filepath.Join(tmp, "other.db")
	db, err := sql.Open("sqlite", "file:"+otherDB)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`CREATE TABLE t (x)`)
	db.Close()
	truncated := filepath.Join(tmp, "truncated.db")
	b, _ := os.ReadFile(good)
	os.WriteFile(truncated, b[:len(b)/2], 0o600)

	tests := []struct {
		name string
		path string
		code string
		msg  string
	}{
		{name: "missing file", path: filepath.Join(tmp, "nope.db"), code: vigil.EINVALID, msg: "does not exist"},
		{name: "not sqlite", path: notSQLite, code: vigil.EINVALID, msg: "is not a SQLite database"},
		{name: "not vigil", path: otherDB, code: vigil.EINVALID, msg: "is a SQLite database but not a vigil one"},
		{name: "truncated", path: truncated, code: vigil.EINVALID, msg: "truncated.db"},
		{name: "good", path: good},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Restore(ctx, dir, tt.path, nil)
			wantError(t, err, tt.code, tt.msg)
		})
	}
	// Restoring over an existing database keeps the old one beside it.
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, org("RXB", vigil.OrgTrust))
	s.Close()
	prev, err := store.Restore(ctx, dir, good, nil)
	if err != nil || filepath.Dir(prev) != dir {
		t.Fatalf("Restore over a database = %q, %v", prev, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("data dir holds %v; want vigil.db and the kept database only", entries)
	}
	for name, want := range map[string]bool{filepath.Join(dir, store.DBFile): false, prev: true} {
		s, err := store.Open(ctx, store.Config{DSN: "sqlite:" + name})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.GetOrg(ctx, "RXB")
		if got := err == nil; got != want {
			t.Errorf("%s has RXB: %v, want %v", name, got, want)
		}
		s.Close()
	}
}

// TestRestoreOlderCopyIsDetected puts back an older copy of a keyed database: the
// restored log says so in a store.restore entry naming the head it replaced, and verify
// given that head (kept outside the database) fails. (On PostgreSQL, which restores with
// pg_restore, the server's head recorder catches it: see auditlog's TestHeadRecorder.)
func TestRestoreOlderCopyIsDetected(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := store.Open(ctx, store.Config{DataDir: dir, Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	fillAudit(t, s, 4)
	older := filepath.Join(t.TempDir(), "older.db")
	if err := s.Backup(ctx, older); err != nil {
		t.Fatal(err)
	}
	fillAudit(t, s, 3)
	seq, hash, _ := s.AuditHead(ctx)
	s.Close()

	_, err = store.Restore(ctx, dir, older, []byte("another server's secret........."))
	wantError(t, err, vigil.EINVALID, "does not hold with this server's secret")
	if _, err := store.Restore(ctx, dir, older, testSecret); err != nil {
		t.Fatal(err)
	}
	r, err := store.Open(ctx, store.Config{DataDir: dir, Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	list, _, err := r.ListAudit(ctx, vigil.AuditFilter{Action: "store.restore"})
	if err != nil || len(list) != 1 || list[0].Seq != 5 || !strings.Contains(list[0].Detail, fmt.Sprintf(`"replaced_head":"%d:%s"`, seq, hash)) {
		t.Errorf("store.restore entries = %+v, %v; want row 5 naming the replaced head %d:%s", list, err, seq, hash)
	}
	if rows, bad, err := r.VerifyAudit(ctx); rows != 5 || bad != 0 || err != nil {
		t.Errorf("VerifyAudit of the restored log = %d, %d, %v; want 5 good rows", rows, bad, err)
	}
	_, bad, err := r.VerifyAudit(ctx, store.AuditMark{Seq: seq, Hash: hash})
	checkBroken(t, "with the head before the restore", bad, err, 6, "rows 6 to 7 were cut from the end")
}
