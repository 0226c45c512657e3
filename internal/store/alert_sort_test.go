package store_test

import (
	stdcmp "cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestListAlertsSorted pages through every order of the alert list, with alerts that
// tie on each order's key (raised in the same instant, of one severity, at one
// organisation), and checks each page follows on from the last: the ids come out in the
// order the domain describes, none repeated or skipped.
func TestListAlertsSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		orgs := []string{"RXB", "RXA", "RXC"}
		for _, o := range orgs {
			mustCreate(t, s, org(o, vigil.OrgTrust))
		}
		sevs := []vigil.Severity{vigil.SeverityHigh, vigil.SeverityLow, vigil.SeverityCritical, vigil.SeverityMedium, vigil.SeverityHigh}
		var ids []int64
		for i := range 23 {
			a := alert(orgs[i%3], fmt.Sprintf("key-%d", i), sevs[i%5])
			a.FirstSeen = clk.now()
			id, _, err := s.RaiseAlert(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
			if i%3 == 2 { // three alerts to each instant: ties on the time orders
				clk.advance(time.Minute)
			}
		}
		// Seeing some early ones again moves them up the last-seen order but not the raised one.
		clk.advance(time.Hour)
		for _, i := range []int{1, 4, 5} {
			a := alert(orgs[i%3], fmt.Sprintf("key-%d", i), sevs[i%5])
			a.FirstSeen = clk.now()
			if _, _, err := s.RaiseAlert(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		var all []vigil.Alert
		for _, id := range ids {
			a, err := s.GetAlert(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, a)
		}
		newer := func(a, b vigil.Alert) int { return stdcmp.Compare(b.ID, a.ID) }
		tests := []struct {
			sort vigil.AlertSort
			cmp  func(a, b vigil.Alert) int
		}{
			{"", newer}, // raised order is id order
			{vigil.AlertByLastSeen, func(a, b vigil.Alert) int { return stdcmp.Or(b.LastSeen.Compare(a.LastSeen), newer(a, b)) }},
			{vigil.AlertByNewest, newer},
			{vigil.AlertByOldest, func(a, b vigil.Alert) int { return -newer(a, b) }},
			{vigil.AlertBySeverity, func(a, b vigil.Alert) int { return stdcmp.Or(b.Severity.Rank()-a.Severity.Rank(), newer(a, b)) }},
			{vigil.AlertByOrg, func(a, b vigil.Alert) int { return stdcmp.Or(stdcmp.Compare(a.Org, b.Org), newer(a, b)) }},
		}
		for _, tt := range tests {
			sorted := slices.Clone(all)
			slices.SortFunc(sorted, tt.cmp)
			for _, f := range []vigil.AlertFilter{{Limit: 2}, {Limit: 3}, {Limit: 1000}, {Limit: 2, Org: "RXA"}} {
				t.Run(fmt.Sprintf("%q by %d of %q", tt.sort, f.Limit, f.Org), func(t *testing.T) {
					var want []int64
					for _, a := range sorted {
						if f.Org == "" || a.Org == f.Org {
							want = append(want, a.ID)
						}
					}
					f.Sort = tt.sort
					if diff := cmp.Diff(want, listAllAlerts(t, s, f, false)); diff != "" {
						t.Errorf("listed ids (-want +got):\n%s", diff)
					}
				})
			}
		}
		t.Run("a cursor of another order", func(t *testing.T) {
			_, next, err := s.ListAlerts(ctx, vigil.AlertFilter{Sort: vigil.AlertBySeverity, Limit: 2})
			if err != nil || next == "" {
				t.Fatalf("ListAlerts = %q, %v", next, err)
			}
			_, _, err = s.ListAlerts(ctx, vigil.AlertFilter{Sort: vigil.AlertByOrg, Cursor: next})
			wantError(t, err, vigil.EINVALID, "sorted by severity, not by org")
			_, _, err = s.ListAlerts(ctx, vigil.AlertFilter{Cursor: next})
			wantError(t, err, vigil.EINVALID, "sorted by severity, not by newest")
		})
		t.Run("an unknown order", func(t *testing.T) {
			_, _, err := s.ListAlerts(ctx, vigil.AlertFilter{Sort: "colour"})
			wantError(t, err, vigil.EINVALID, `sort "colour" is not one of newest, last_seen, oldest, severity, org`)
		})
	})
}
