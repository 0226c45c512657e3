package alerts_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestOverview checks who may read the sector's figures, that the window has every day
// with today last, and that the counts add up to what was raised and worked.
func TestOverview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		for _, p := range []vigil.Principal{orgAdmin, orgMember, supplier, sensor} {
			if _, err := f.svc.Overview(ctx, p, 0); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s reads the overview: %v, want forbidden", p.Role, err)
			}
		}
		for _, days := range []int{-1, alerts.MaxOverviewDays + 1} {
			if _, err := f.svc.Overview(ctx, sectorAnalyst, days); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("an overview of %d days: %v, want invalid", days, err)
			}
		}
		first := f.raise(ownOrg, vigil.TLPAmber)
		f.raise(otherOrg, vigil.TLPRed)
		acked := f.raise(customerOrg, vigil.TLPGreen)
		if _, err := f.svc.Ack(ctx, sectorAnalyst, acked); err != nil {
			t.Fatal(err)
		}
		o, err := f.svc.Overview(ctx, sectorAdmin, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Days) != alerts.DefaultOverviewDays || !o.Days[len(o.Days)-1].Day.Equal(vigil.DayOf(time.Now())) {
			t.Fatalf("%d days ending %v, want %d ending today", len(o.Days), o.Days[len(o.Days)-1].Day, alerts.DefaultOverviewDays)
		}
		today := o.Days[len(o.Days)-1]
		if today.Total != 3 || today.BySeverity[vigil.SeverityHigh] != 3 || today.ByKind[vigil.AlertEarlyWarning] != 3 {
			t.Errorf("today %+v, want 3 high early warnings", today)
		}
		if o.Open[vigil.SeverityHigh] != 2 || o.Acknowledged[vigil.SeverityHigh] != 1 {
			t.Errorf("open %v, acknowledged %v; want 2 and 1 high", o.Open, o.Acknowledged)
		}
		if len(o.Oldest) != 2 || o.Oldest[0].ID != first {
			t.Errorf("oldest open %+v, want the two open alerts, %d first", o.Oldest, first)
		}
		if week, err := f.svc.Overview(ctx, sectorAnalyst, 7); err != nil || len(week.Days) != 7 || week.Days[6].Total != 3 {
			t.Errorf("a week's overview: %d days, %v", len(week.Days), err)
		}
	})
}
