package store_test

import (
	"fmt"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkRaiseAlert measures raising a new alert and counting a repeat, each in its
// own transaction (a commit per alert, as the event and telemetry endpoints do).
func BenchmarkRaiseAlert(b *testing.B) {
	setup := func(b *testing.B, s *store.Store) {
		if _, _, err := s.CreateOrg(b.Context(), org("RXA", vigil.OrgTrust)); err != nil {
			b.Fatal(err)
		}
	}
	storetest.EachBench(b, setup, func(b *testing.B, s *store.Store) {
		for _, mode := range []string{"new", "repeat"} {
			b.Run(mode, func(b *testing.B) {
				ctx := b.Context()
				i := 0
				for b.Loop() {
					key := fmt.Sprintf("%s-%d-%d", mode, b.N, i)
					if mode == "repeat" {
						key = fmt.Sprintf("repeat-%d", i%100)
					}
					if _, _, err := s.RaiseAlert(ctx, alert("RXA", key, vigil.SeverityHigh)); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	})
}

// benchOrgs and benchAlerts size the ListAlerts data set: 100,000 alerts over 1,000
// organisations, a fifth of them resolved.
const (
	benchOrgs   = 1000
	benchAlerts = 100_000
)

func seedAlerts(b *testing.B, s *store.Store) {
	ctx := b.Context()
	for i := range benchOrgs {
		if _, _, err := s.CreateOrg(ctx, org(fmt.Sprintf("B%05d", i), vigil.OrgCareProvider)); err != nil {
			b.Fatal(err)
		}
	}
	sevs := []vigil.Severity{vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityHigh, vigil.SeverityCritical}
	const batch = 2000
	for start := 0; start < benchAlerts; start += batch {
		err := s.Tx(ctx, func(tx *store.Store) error {
			for i := start; i < start+batch; i++ {
				a := alert(fmt.Sprintf("B%05d", i%benchOrgs), fmt.Sprintf("seed-%d", i), sevs[i%4])
				if _, _, err := tx.RaiseAlert(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// A fifth resolved, so that status filters have something to skip.
	if _, err := s.ExecRaw(ctx, `UPDATE alerts SET status = 'resolved' WHERE id % 5 = 0`); err != nil {
		b.Fatal(err)
	}
	// Planner statistics, as autovacuum (PostgreSQL) or Optimize (SQLite) keep them.
	if _, err := s.ExecRaw(ctx, `ANALYZE alerts`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListAlerts measures one page of 50 over 100,000 alerts: the newest page, one
// organisation's, a filtered one, and a page deep in the list.
func BenchmarkListAlerts(b *testing.B) {
	storetest.EachBench(b, seedAlerts, func(b *testing.B, s *store.Store) {
		var deep string
		for range benchAlerts / 2 / vigil.MaxLimit {
			var err error
			if _, deep, err = s.ListAlerts(b.Context(), vigil.AlertFilter{Limit: vigil.MaxLimit, Cursor: deep}); err != nil {
				b.Fatal(err)
			}
		}
		filters := []struct {
			name string
			f    vigil.AlertFilter
		}{
			{"newest", vigil.AlertFilter{}},
			{"one org", vigil.AlertFilter{Org: "B00042"}},
			{"open critical", vigil.AlertFilter{Status: vigil.AlertOpen, Severity: vigil.SeverityCritical}},
			{"one org open", vigil.AlertFilter{Org: "B00042", Status: vigil.AlertOpen}},
			{"page at 50,000", vigil.AlertFilter{Cursor: deep}},
		}
		for _, f := range filters {
			b.Run(f.name, func(b *testing.B) {
				for b.Loop() {
					list, _, err := s.ListAlerts(b.Context(), f.f)
					if err != nil || len(list) == 0 {
						b.Fatalf("ListAlerts = %d alerts, %v", len(list), err)
					}
				}
			})
		}
	})
}
