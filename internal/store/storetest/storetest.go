package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
)

// PostgresEnv names the environment variable holding the PostgreSQL test DSN.
const PostgresEnv = "VIGIL_TEST_POSTGRES"

// Open returns a SQLite store in a temporary directory, closed when the test ends.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), store.Config{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("open sqlite store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// OpenPostgres returns a PostgreSQL store in a new schema, closed and dropped when the
// test ends. It skips the test when VIGIL_TEST_POSTGRES is unset, or fails it under CI.
func OpenPostgres(tb testing.TB) *store.Store {
	tb.Helper()
	dsn := PostgresDSN(tb)
	s, err := store.Open(context.Background(), store.Config{DSN: dsn})
	if err != nil {
		tb.Fatalf("open postgres store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// PostgresDSN creates a fresh schema in the test database and returns a DSN that uses
// it; the schema is dropped when the test ends. It skips or fails like OpenPostgres.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set; CI must run the PostgreSQL tests", PostgresEnv)
		}
		tb.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", PostgresEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	schema := "vigil_test_" + randomHex(tb, 8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	tb.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(tb testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// Each runs fn on a fresh SQLite store and on a fresh PostgreSQL store, as subtests
// named sqlite and postgres. The postgres subtest skips or fails like OpenPostgres.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run(store.EngineSQLite, func(t *testing.T) { fn(t, Open(t)) })
	t.Run(store.EnginePostgres, func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// EachBench is Each for benchmarks: it opens one store per engine, runs setup on it once
// (seeding is usually slower than what is measured), then runs fn as a sub-benchmark named
// sqlite or postgres; setup may be nil. The postgres half skips when VIGIL_TEST_POSTGRES
// is unset, even under CI: benchmarks are run by hand.
func EachBench(b *testing.B, setup, fn func(b *testing.B, s *store.Store)) {
	b.Helper()
	engines := []struct {
		name string
		open func(testing.TB) *store.Store
	}{{store.EngineSQLite, Open}, {store.EnginePostgres, OpenPostgres}}
	for _, e := range engines {
		if e.name == store.EnginePostgres && os.Getenv(PostgresEnv) == "" {
			b.Run(e.name, func(b *testing.B) { b.Skipf("set %s to benchmark PostgreSQL", PostgresEnv) })
			continue
		}
		s := e.open(b)
		if setup != nil {
			setup(b, s)
		}
		b.Run(e.name, func(b *testing.B) { fn(b, s) })
	}
}
