package alerts_test

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestGroups checks that grouping keeps to the visibility rule: the seeded alerts are
// one problem, counted as each caller may see it.
func TestGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.seedAlerts()
		for _, tc := range []struct {
			name         string
			who          vigil.Principal
			orgs, alerts int
			code         string
			open         map[string]int // OpenCounts, by organisation
		}{
			{"sector sees every organisation's", sectorAnalyst, 4, 7, "", map[string]int{ownOrg: 4, otherOrg: 1, customerOrg: 1, supOrg: 1}},
			{"supplier sees its customers' it may see, not its own", supplier, 2, 3, "", map[string]int{ownOrg: 2, customerOrg: 1, supOrg: 1}},
			{"org member not named sees its own but RED", orgMember, 1, 3, "", map[string]int{ownOrg: 3}},
			{"org admin sees its own", orgAdmin, 1, 4, "", map[string]int{ownOrg: 4}},
			{"sensor may not", sensor, 0, 0, vigil.EFORBIDDEN, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				gs, _, err := f.svc.Groups(context.Background(), tc.who, vigil.AlertGroupFilter{})
				if vigil.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
					t.Fatalf("Groups: %v, want code %q", err, tc.code)
				}
				if tc.code != "" {
					if _, err := f.svc.OpenCounts(context.Background(), tc.who); vigil.ErrorCode(err) != tc.code {
						t.Errorf("OpenCounts: %v, want code %q", err, tc.code)
					}
					return
				}
				if len(gs) != 1 || gs[0].Orgs != tc.orgs || gs[0].Alerts != tc.alerts || len(gs[0].Members) != tc.alerts {
					t.Fatalf("groups %+v, want one of %d alerts at %d organisations", gs, tc.alerts, tc.orgs)
				}
				for _, a := range gs[0].Members {
					if _, err := f.svc.Get(context.Background(), tc.who, a.ID); err != nil {
						t.Errorf("group member %d (%s, %s) is not one the caller may see: %v", a.ID, a.Org, a.TLP, err)
					}
				}
				counts, err := f.svc.OpenCounts(context.Background(), tc.who)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]int{}
				for _, c := range counts {
					got[c.Org] = c.Open + c.Acknowledged
				}
				if len(got) != len(tc.open) {
					t.Errorf("open counts %v, want %v", got, tc.open)
				}
				for org, n := range tc.open {
					if got[org] != n {
						t.Errorf("open counts %v, want %v", got, tc.open)
						break
					}
				}
			})
		}
	})
}
