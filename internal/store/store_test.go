package store_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// wantError checks that err has the vigil error code want ("" for no error) and that
// its message contains msg.
func wantError(t *testing.T, err error, code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want %s containing %q", code, msg)
	}
	if got := vigil.ErrorCode(err); got != code {
		t.Fatalf("error code = %s (%v), want %s", got, err, code)
	}
	if !strings.Contains(vigil.ErrorMessage(err), msg) {
		t.Fatalf("error message = %q, want it to contain %q", vigil.ErrorMessage(err), msg)
	}
}

func TestMigrateIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		before, err := s.QueryInt(ctx, `SELECT COUNT(*) FROM vigil_migrations`)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
		}
		after, err := s.QueryInt(ctx, `SELECT COUNT(*) FROM vigil_migrations`)
		if err != nil {
			t.Fatal(err)
		}
		if before != after || before < 2 {
			t.Errorf("migration rows = %d before, %d after re-running; want equal and at least 2", before, after)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		if got := s.Engine(); got != t.Name()[strings.LastIndexByte(t.Name(), '/')+1:] {
			t.Errorf("Engine() = %q in subtest %s", got, t.Name())
		}
	})
}

// configs makes a Config for a new database of each engine, and of SQLite at a path.
var configs = map[string]func(t *testing.T) store.Config{
	"sqlite": func(t *testing.T) store.Config { return store.Config{DataDir: t.TempDir()} },
	"sqlite dsn": func(t *testing.T) store.Config {
		return store.Config{DSN: "sqlite:" + filepath.Join(t.TempDir(), "sub", "x.db")}
	},
	"postgres": func(t *testing.T) store.Config { return store.Config{DSN: storetest.PostgresDSN(t)} },
}

// TestReopen opens the same database twice: the second Open finds the schema current.
func TestReopen(t *testing.T) {
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c := cfg(t)
			for i := range 2 {
				s, err := store.Open(ctx, c)
				if err != nil {
					t.Fatalf("Open #%d: %v", i+1, err)
				}
				if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: "RX" + string(rune('A'+i)), Name: "Trust", Kind: vigil.OrgTrust}); err != nil {
					t.Fatalf("CreateOrg after Open #%d: %v", i+1, err)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestNewerSchemaRefused opens a database that a newer vigil has migrated.
func TestNewerSchemaRefused(t *testing.T) {
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c := cfg(t)
			s, err := store.Open(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.ExecRaw(ctx, `INSERT INTO vigil_migrations (version_id, is_applied) VALUES (99999, true)`); err != nil {
				t.Fatal(err)
			}
			s.Close()
			_, err = store.Open(ctx, c)
			wantError(t, err, vigil.EINVALID, "the database is at schema version 99999, newer than this vigil knows")
		})
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  store.Config
		code string
		msg  string
	}{
		{name: "unknown scheme", cfg: store.Config{DSN: "mysql://root:secret@localhost/vigil"}, code: vigil.EINVALID, msg: "use sqlite:PATH or postgres://"},
		{name: "password not echoed", cfg: store.Config{DSN: "mysql://root:secret@localhost/vigil"}, code: vigil.EINVALID, msg: "root:xxxxx@"},
		{name: "no data dir", cfg: store.Config{}, code: vigil.EINVALID, msg: "no database given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Open(t.Context(), tt.cfg)
			wantError(t, err, tt.code, tt.msg)
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

// TestTxRollback checks that a failing Tx function leaves nothing behind and that a
// committed one keeps everything.
func TestTxRollback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		trust := vigil.Org{ODSCode: "RXA", Name: "Trust A", Kind: vigil.OrgTrust}
		err := s.Tx(ctx, func(tx *store.Store) error {
			if _, _, err := tx.CreateOrg(ctx, trust); err != nil {
				return err
			}
			if _, err := tx.GetOrg(ctx, "RXA"); err != nil {
				t.Errorf("GetOrg inside the transaction: %v", err)
			}
			_, _, err := tx.CreateOrg(ctx, trust) // conflict: rolls back both
			return err
		})
		wantError(t, err, vigil.ECONFLICT, "already registered")
		_, err = s.GetOrg(ctx, "RXA")
		wantError(t, err, vigil.ENOTFOUND, "no organisation RXA")

		err = s.Tx(ctx, func(tx *store.Store) error {
			_, _, err := tx.CreateOrg(ctx, trust)
			return err
		})
		wantError(t, err, "", "")
		if _, err := s.GetOrg(ctx, "RXA"); err != nil {
			t.Errorf("GetOrg after commit: %v", err)
		}
	})
}
