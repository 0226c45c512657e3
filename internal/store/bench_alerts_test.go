package store_test

import (
	"fmt"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// agedAlerts sizes the aged data set: 100,000 alerts over 1,000 organisations, shaped
// like a centre's after a year: the newest tenth 40% open, older ones 3% open (most have
// been dealt with), one in thirteen critical. Open criticals are dense among the newest
// alerts and rare further back, which is what makes later pages of the analysts' queue
// expensive without an index on (status, severity, id).
const agedAlerts = 100_000

func seedAgedAlerts(b *testing.B, s *store.Store) {
	ctx := b.Context()
	for i := range benchOrgs {
		if _, _, err := s.CreateOrg(ctx, org(fmt.Sprintf("B%05d", i), vigil.OrgCareProvider)); err != nil {
			b.Fatal(err)
		}
	}
	sevs := []vigil.Severity{vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityHigh}
	const batch = 2000
	for start := 0; start < agedAlerts; start += batch {
		err := s.Tx(ctx, func(tx *store.Store) error {
			for i := start; i < start+batch; i++ {
				sev := sevs[i%3]
				if i%13 == 0 {
					sev = vigil.SeverityCritical
				}
				if _, _, err := tx.RaiseAlert(ctx, alert(fmt.Sprintf("B%05d", i%benchOrgs), fmt.Sprintf("aged-%d", i), sev)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	ageStatuses(b, s)
}

// ageStatuses resolves most old alerts and some new ones, then refreshes the planner's
// statistics and (on PostgreSQL) the visibility map, as autovacuum would.
func ageStatuses(b *testing.B, s *store.Store) {
	ctx := b.Context()
	recent := agedAlerts - agedAlerts/10
	for _, q := range []string{
		fmt.Sprintf(`UPDATE alerts SET status = 'resolved' WHERE id <= %d AND id %% 32 <> 0`, recent),
		fmt.Sprintf(`UPDATE alerts SET status = 'resolved' WHERE id > %d AND id %% 5 >= 2`, recent),
	} {
		if _, err := s.ExecRaw(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	analyze := `ANALYZE alerts`
	if s.Engine() == store.EnginePostgres {
		analyze = `VACUUM ANALYZE alerts`
	}
	if _, err := s.ExecRaw(ctx, analyze); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListAlertsQueue measures the analysts' queue (open criticals, newest first)
// on aged data: the first page, and the tenth, reached by following next cursors.
func BenchmarkListAlertsQueue(b *testing.B) {
	storetest.EachBench(b, seedAgedAlerts, func(b *testing.B, s *store.Store) {
		queue := vigil.AlertFilter{Status: vigil.AlertOpen, Severity: vigil.SeverityCritical}
		tenth := queue
		for range 9 {
			var err error
			if _, tenth.Cursor, err = s.ListAlerts(b.Context(), tenth); err != nil || tenth.Cursor == "" {
				b.Fatalf("paging the queue: cursor %q, %v", tenth.Cursor, err)
			}
		}
		for _, c := range []struct {
			name string
			f    vigil.AlertFilter
		}{{"first page", queue}, {"tenth page", tenth}} {
			b.Run(c.name, func(b *testing.B) {
				for b.Loop() {
					list, _, err := s.ListAlerts(b.Context(), c.f)
					if err != nil || len(list) == 0 {
						b.Fatalf("ListAlerts = %d alerts, %v", len(list), err)
					}
				}
			})
		}
	})
}
