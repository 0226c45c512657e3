// Command seedsector fills a vigil store with a sector the size of a real one, for the
// API and ingest benchmarks (bench/api.sh, bench/ingest.sh): N organisations (NHS
// trusts, GP practices, care providers, suppliers and the centre, with ODS-format codes,
// generated IP ranges and .example domains) and M alerts spread across them, their
// kinds, severities, statuses and the last year. It creates a sector analyst and an
// organisation admin with an API token each and prints them as shell assignments:
//
//	go run ./bench/seedsector -data-dir /tmp/v -orgs 10000 -alerts 1000000
//	go run ./bench/seedsector -db 'postgres://postgres@127.0.0.1:5432/test?search_path=bench' ...
//	go run ./bench/seedsector -orgs 10000 -events 1000000 -events-out events.ndjson
//
// Organisations go through the store's bulk path (CreateOrgs, as `vigil org import` writes
// them), users and tokens through its API, so they are exactly what the server would
// write; alerts take a bulk path, a multi-row INSERT in large
// transactions on SQLite and COPY on PostgreSQL, since a million RaiseAlert calls would
// take longer than the benchmark. It refuses a store that already has alerts. With
// -events-out it writes threat events for the same sector instead, for bench/ingest.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// options are the command's flags.
type options struct {
	dataDir, db string
	orgs        int
	alerts      int
	orgsFile    string
	seed        uint64
	events      int
	eventsOut   string
}

func main() {
	var o options
	flag.StringVar(&o.dataDir, "data-dir", "", "SQLite data directory (as vigil serve --data-dir)")
	flag.StringVar(&o.db, "db", "", "PostgreSQL DSN (as vigil serve --db); empty for SQLite in -data-dir")
	flag.IntVar(&o.orgs, "orgs", 10_000, "organisations to create")
	flag.IntVar(&o.alerts, "alerts", 1_000_000, "alerts to create")
	flag.StringVar(&o.orgsFile, "orgs-file", "", "write the ODS codes, one a line, here (for the wrk scripts)")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed gives the same sector")
	flag.StringVar(&o.eventsOut, "events-out", "", "write -events threat events for the sector (same -orgs and -seed) here as NDJSON, and seed nothing")
	flag.IntVar(&o.events, "events", 1_000_000, "events to write with -events-out")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "seedsector:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	if o.eventsOut != "" {
		return writeEvents(o.eventsOut, newSector(o.orgs, o.seed), o.events, o.seed)
	}
	if o.dataDir == "" && o.db == "" {
		return fmt.Errorf("say where to seed: -data-dir DIR (SQLite) or -db postgres://…")
	}
	if o.orgs < 10 {
		return fmt.Errorf("-orgs must be at least 10, to have every kind of organisation")
	}
	s, err := store.Open(ctx, store.Config{DSN: o.db, DataDir: o.dataDir})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := checkEmpty(ctx, s); err != nil {
		return err
	}
	sector := newSector(o.orgs, o.seed)
	start := time.Now()
	if err := createOrgs(ctx, s, sector); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "seeded %d organisations in %s (%.0f/s, bulk path as org import)\n", len(sector.orgs), since(start), rate(len(sector.orgs), start))
	toks, err := createAccounts(ctx, s, sector)
	if err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	start = time.Now()
	maxID, err := seedAlerts(ctx, o, sector)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "seeded %d alerts in %s (%.0f/s, bulk path, statistics included)\n", o.alerts, since(start), rate(o.alerts, start))
	if o.orgsFile != "" {
		if err := writeCodes(o.orgsFile, sector); err != nil {
			return err
		}
	}
	printEnv(stdout, toks, sector, maxID)
	return nil
}

// checkEmpty refuses a store that has been seeded (or used) already: the bulk path
// assumes it owns the id range, and a second run would double the sector.
func checkEmpty(ctx context.Context, s *store.Store) error {
	list, _, err := s.ListAlerts(ctx, vigil.AlertFilter{Limit: 1})
	if err != nil {
		return err
	}
	orgs, _, err := s.ListOrgs(ctx, vigil.OrgFilter{Limit: 1})
	if err != nil {
		return err
	}
	if len(list) > 0 || len(orgs) > 0 {
		return fmt.Errorf("the store already has organisations or alerts: seed a fresh data directory or schema")
	}
	return nil
}

// printEnv prints what the benchmark scripts need as shell assignments.
func printEnv(w io.Writer, t tokens, sc *sector, maxID int64) {
	fmt.Fprintf(w, "ANALYST_TOKEN=%s\n", t.analyst)
	fmt.Fprintf(w, "ORG_ADMIN_TOKEN=%s\n", t.orgAdmin)
	fmt.Fprintf(w, "ORG_ADMIN_ORG=%s\n", sc.busiest().code)
	fmt.Fprintf(w, "MAX_ALERT_ID=%d\n", maxID)
	fmt.Fprintf(w, "ORGS=%d\n", len(sc.orgs))
}

func writeCodes(path string, sc *sector) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	for _, o := range sc.orgs {
		fmt.Fprintln(f, o.code)
	}
	return f.Close()
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func rate(n int, start time.Time) float64 { return float64(n) / time.Since(start).Seconds() }
