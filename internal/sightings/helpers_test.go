package sightings

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// teleSecret keys the test services' observable index.
var teleSecret = []byte("telemetry-test-secret-0123456789abcdef")

// teleEnv is a Service over a real store, with a raw connection to the same database so
// that a test can read every table, and a clock it sets.
type teleEnv struct {
	svc    *Service
	holder *match.Holder // the live snapshot the service reads
	store  *store.Store
	raw    *sql.DB
	dir    string // the SQLite data directory; empty on PostgreSQL
	mu     sync.Mutex
	now    time.Time
}

// teleDay is the tests' "today": Sunday 9 November 2025, mid-morning UTC.
var teleDay = time.Date(2025, 11, 9, 10, 30, 0, 0, time.UTC)

// eachTeleEngine runs fn on SQLite and on PostgreSQL, like storetest.Each, with orgs RXA
// and RXB registered.
func eachTeleEngine(t *testing.T, deps Deps, fn func(t *testing.T, e *teleEnv)) {
	t.Run(store.EngineSQLite, func(t *testing.T) {
		dir := t.TempDir()
		e := openTeleEnv(t, store.Config{DataDir: dir}, "sqlite", "file:"+filepath.Join(dir, "vigil.db")+"?mode=ro", deps)
		e.dir = dir
		fn(t, e)
	})
	t.Run(store.EnginePostgres, func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		fn(t, openTeleEnv(t, store.Config{DSN: dsn}, "pgx", dsn, deps))
	})
}

func openTeleEnv(t testing.TB, cfg store.Config, driver, dsn string, deps Deps) *teleEnv {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	e := &teleEnv{store: s, raw: raw, now: teleDay}
	for _, ods := range []string{"RXA", "RXB"} {
		o := vigil.Org{ODSCode: ods, Name: "Riverside Trust " + ods, Kind: vigil.OrgTrust, Region: "North West"}
		if _, _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	e.holder = &match.Holder{}
	deps.Store, deps.Secret, deps.Now, deps.Matcher = s, teleSecret, e.clock, e.holder.Load
	deps.Alerts = alerts.New(alerts.Deps{Store: s, Now: e.clock})
	if e.svc, err = New(deps); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *teleEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *teleEnv) setDay(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = t
}

// useIndicators makes a snapshot of inds the live one.
func (e *teleEnv) useIndicators(inds ...vigil.Indicator) {
	b := match.NewBuilder()
	for _, ind := range inds {
		b.Add(ind)
	}
	e.holder.Store(b.Build())
}

// ingest uploads lines as org's sensor, gzipped when zip is set.
func (e *teleEnv) ingest(t *testing.T, org string, zip bool, lines ...string) TelemetryResult {
	t.Helper()
	body := []byte(strings.Join(lines, "\n") + "\n")
	if zip {
		body = gzipped(t, body)
	}
	res, err := e.svc.IngestTelemetry(t.Context(), sensor(org), bytes.NewReader(body))
	if err != nil {
		t.Fatalf("IngestTelemetry: %v (result %+v)", err, res)
	}
	return res
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// count runs a COUNT query through the store's own connection pool.
func (e *teleEnv) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	if e.dir == "" {
		q = rebindForPG(q)
	}
	var n int64
	if err := e.raw.QueryRowContext(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func rebindForPG(q string) string {
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$")
			b.WriteString(string(rune('0' + n)))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// tablesHolding returns the tables with a row holding needle in any column, read as
// text, and on SQLite also names the database files whose bytes hold it.
func (e *teleEnv) tablesHolding(t *testing.T, needle string) []string {
	t.Helper()
	ctx := t.Context()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if e.dir == "" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	tables := queryStrings(t, e.raw, q)
	var out []string
	for _, table := range tables {
		rows, err := e.raw.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		if rowsHold(t, rows, needle) {
			out = append(out, table)
		}
	}
	if e.dir != "" {
		files, _ := filepath.Glob(filepath.Join(e.dir, "vigil.db*"))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(needle)) {
				out = append(out, "file "+filepath.Base(f))
			}
		}
	}
	return out
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func rowsHold(t *testing.T, rows *sql.Rows, needle string) bool {
	t.Helper()
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch v := v.(type) {
			case string:
				if strings.Contains(v, needle) {
					return true
				}
			case []byte:
				if bytes.Contains(v, []byte(needle)) {
					return true
				}
			}
		}
	}
	return false
}

// listedAs is one source's listing of a value.
func listedAs(t vigil.IndicatorType, value, source string, confidence int, labels ...string) vigil.Indicator {
	return vigil.Indicator{Type: t, Value: value, Provenance: vigil.Provenance{Source: source, TLP: vigil.TLPGreen,
		Confidence: confidence, Labels: labels}}
}

// outboxOf returns org's outbox entries of a kind, newest first.
func outboxOf(t testing.TB, s *store.Store, org string, kind vigil.OutboxKind) []vigil.OutboxEntry {
	t.Helper()
	es, _, err := s.ListOutbox(t.Context(), vigil.OutboxFilter{Org: org, Kind: kind, Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// sensor is a sensor token of org.
func sensor(org string) vigil.Principal {
	return vigil.Principal{Email: "sensor for " + org, Role: vigil.RoleSensor, Org: org}
}
