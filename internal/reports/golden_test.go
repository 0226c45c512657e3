package reports_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/reports"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata")

// The sector report on the demo data, in each format, is the same on both engines and
// as in testdata (regenerate with go test ./internal/reports -update). The demo's
// alerts carry the real time, so the report is built for the 30 days to now and then
// given a fixed period, time of writing and whole-minute times before it is written.
func TestSectorReportOnDemoData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := demoReport(t, s)
		for _, format := range reports.Formats {
			t.Run(format, func(t *testing.T) {
				var b bytes.Buffer
				if err := reports.Write(&b, r, format); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", "sector."+format), b.Bytes())
			})
		}
		checkDemoIsDisclosureControlled(t, r)
	})
}

// demoReport seeds the demo sector into s and builds its report.
func demoReport(t *testing.T, s *store.Store) reports.Report {
	t.Helper()
	ctx := t.Context()
	a, err := app.Open(ctx, app.Deps{Store: s, Flows: app.Flows{Secret: bytes.Repeat([]byte{7}, 32)}})
	if err != nil {
		t.Fatal(err)
	}
	// The demo's telemetry is timed hours before "now"; how many of its events fall on
	// the day before depends on the hour, so the sample data's clock is yesterday noon,
	// whatever the hour the test runs at (and still within the index's retention).
	noon := time.Now().UTC().Truncate(24 * time.Hour).Add(-12 * time.Hour)
	if _, err := demo.Seed(ctx, s, a, demo.Options{Password: "demo password for the report", Now: func() time.Time { return noon }}); err != nil {
		t.Fatal(err)
	}
	analyst := vigil.Principal{Email: "analyst@hccc.example", Role: vigil.RoleSectorAnalyst}
	r, err := a.Reports.Sector(ctx, analyst, time.Time{}, time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	r.Period = reports.Period{First: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Last: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	r.Generated = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	// The demo's people acknowledge and resolve within the run, in real time: well under
	// a minute, but never the same milliseconds twice.
	for i := range r.Sections {
		for j := range r.Sections[i].Timings {
			tm := &r.Sections[i].Timings[j]
			for _, d := range []*time.Duration{&tm.AckMedian, &tm.AckP90, &tm.FixMedian, &tm.FixP90} {
				*d = d.Truncate(time.Minute)
			}
		}
	}
	return r
}

// checkDemoIsDisclosureControlled makes sure the golden files show the rules at work:
// the demo has regions with few organisations, so some counts must be suppressed, and
// every count below the sector level that is shown is a multiple of 5.
func checkDemoIsDisclosureControlled(t *testing.T, r reports.Report) {
	t.Helper()
	suppressed := 0
	for _, s := range r.Document().Sections {
		for _, tab := range s.Tables {
			for _, row := range tab.Cells {
				for _, c := range row {
					switch {
					case c.Suppressed:
						suppressed++
						if c.Value != nil {
							t.Errorf("%s: a suppressed cell carries a value", tab.Title)
						}
					case c.Mark == "rounded" && *c.Value%5 != 0:
						t.Errorf("%s: rounded cell %d is not a multiple of 5", tab.Title, *c.Value)
					}
				}
			}
		}
	}
	if suppressed == 0 {
		t.Error("the demo report suppresses nothing: the golden files do not show suppression")
	}
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, diff)
	}
}
