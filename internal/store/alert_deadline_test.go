package store_test

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// dueAlert is alert() with its deadlines counted from now by the default rule.
func dueAlert(org, key string, sev vigil.Severity, tlp vigil.TLP, now time.Time) vigil.Alert {
	a := alert(org, key, sev)
	a.TLP = tlp
	a.AckDueAt, a.FixDueAt = vigil.DefaultDeadlines().Due(sev, now)
	return a
}

// The analysts' board lists the alerts overdue for one deadline, and keeps to what the
// caller may see in the same query: a supplier never sees its customer's RED overdue
// alert, nor an organisation member who is not named.
func TestListAlertsOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		for _, o := range []vigil.Org{org("RXA", vigil.OrgTrust), org("RXB", vigil.OrgTrust), org("YSUP1", vigil.OrgSupplier)} {
			mustCreate(t, s, o)
		}
		if err := s.LinkSupplier(ctx, "YSUP1", "RXA"); err != nil {
			t.Fatal(err)
		}
		raise := func(org, key string, sev vigil.Severity, tlp vigil.TLP) int64 {
			id, _, err := s.RaiseAlert(ctx, dueAlert(org, key, sev, tlp, clk.now()))
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		amber := raise("RXA", "amber", vigil.SeverityHigh, vigil.TLPAmber)       // missed both, still open
		red := raise("RXA", "red", vigil.SeverityCritical, vigil.TLPRed)         // missed both, still open
		acked := raise("RXA", "acked", vigil.SeverityHigh, vigil.TLPAmber)       // acknowledged late, remediation missed
		resolved := raise("RXA", "resolved", vigil.SeverityHigh, vigil.TLPAmber) // resolved late: overdue no more
		other := raise("RXB", "other", vigil.SeverityHigh, vigil.TLPGreen)       // another trust's, missed both
		quiet := raise("RXA", "medium", vigil.SeverityMedium, vigil.TLPAmber)    // no deadline at all
		clk.advance(15 * 24 * time.Hour)                                         // past both deadlines
		late := clk.now()
		for _, id := range []int64{amber, red, acked, resolved, other, quiet} {
			if _, _, err := s.MarkAckEscalated(ctx, id, late); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.MarkFixOverdue(ctx, id, late); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.AckAlert(ctx, acked, "it@rxa.example"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveAlert(ctx, resolved, "it@rxa.example", "Patched."); err != nil {
			t.Fatal(err)
		}
		sector := &vigil.Audience{All: true}
		member := &vigil.Audience{Own: "RXA", NotNamed: true}
		supplier := &vigil.Audience{Own: "YSUP1", Customers: []string{"RXA"}}
		tests := []struct {
			name string
			f    vigil.AlertFilter
			want []int64 // newest first
		}{
			{"sector: still open after the acknowledge deadline", vigil.AlertFilter{Overdue: vigil.OverdueAcknowledge, Audience: sector}, []int64{other, red, amber}},
			{"sector: still unresolved after the remediation deadline", vigil.AlertFilter{Overdue: vigil.OverdueRemediate, Audience: sector}, []int64{other, acked, red, amber}},
			{"sector, one organisation", vigil.AlertFilter{Overdue: vigil.OverdueAcknowledge, Org: "RXB", Audience: sector}, []int64{other}},
			{"an organisation member who is not named does not see RED", vigil.AlertFilter{Overdue: vigil.OverdueRemediate, Audience: member}, []int64{acked, amber}},
			{"the supplier sees its customer's shareable ones", vigil.AlertFilter{Overdue: vigil.OverdueAcknowledge, Audience: supplier}, []int64{amber}},
			{"pages of one", vigil.AlertFilter{Overdue: vigil.OverdueRemediate, Audience: sector, Limit: 1}, []int64{other, acked, red, amber}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if diff := cmp.Diff(tt.want, listAllAlerts(t, s, tt.f, false)); diff != "" {
					t.Errorf("listed ids (-want +got):\n%s", diff)
				}
			})
		}
		_, _, err := s.ListAlerts(ctx, vigil.AlertFilter{Overdue: "tomorrow"})
		wantError(t, err, vigil.EINVALID, `overdue "tomorrow" is not one of acknowledge, remediate`)
	})
}

// The escalation's marks are set once: not before the deadline, not on an alert that met
// it, and of many marking at once exactly one changes the row.
func TestMarkDeadlinesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		raised := clk.now()
		a, _, _ := s.RaiseAlert(ctx, dueAlert("RXA", "a", vigil.SeverityHigh, vigil.TLPAmber, raised))
		b, _, _ := s.RaiseAlert(ctx, dueAlert("RXA", "b", vigil.SeverityHigh, vigil.TLPAmber, raised))
		early := raised.Add(47 * time.Hour)
		if ids, _ := s.AckMissedAlerts(ctx, early, 10); len(ids) != 0 {
			t.Errorf("before the deadline AckMissedAlerts = %v", ids)
		}
		if _, marked, _ := s.MarkAckEscalated(ctx, a, early); marked {
			t.Error("marked before the deadline")
		}
		if _, _, err := s.AckAlert(ctx, b, "it@rxa.example"); err != nil {
			t.Fatal(err)
		}
		due := raised.Add(48 * time.Hour)
		if ids, _ := s.AckMissedAlerts(ctx, due, 10); !slices.Equal(ids, []int64{a}) {
			t.Errorf("at the deadline AckMissedAlerts = %v, want [%d] (the other was acknowledged)", ids, a)
		}
		if _, marked, _ := s.MarkAckEscalated(ctx, b, due); marked {
			t.Error("marked an acknowledged alert")
		}
		var marks atomic.Int32
		storetest.Concurrently(t, 8, func(int) error {
			_, marked, err := s.MarkAckEscalated(ctx, a, due)
			if marked {
				marks.Add(1)
			}
			return err
		})
		if marks.Load() != 1 {
			t.Errorf("%d of 8 concurrent marks changed the alert, want 1", marks.Load())
		}
		got, _ := s.GetAlert(ctx, a)
		if !got.AckEscalatedAt.Equal(due) || !got.IsOverdue(vigil.OverdueAcknowledge) {
			t.Errorf("escalated at %v, overdue %v", got.AckEscalatedAt, got.Overdue())
		}
		if ids, _ := s.AckMissedAlerts(ctx, due.Add(time.Hour), 10); len(ids) != 0 {
			t.Errorf("after the mark AckMissedAlerts = %v", ids)
		}
		fixDue := raised.Add(14 * 24 * time.Hour)
		if ids, _ := s.FixMissedAlerts(ctx, fixDue, 10); !slices.Equal(ids, []int64{a, b}) {
			t.Errorf("FixMissedAlerts = %v, want [%d %d]", ids, a, b)
		}
		if _, marked, _ := s.MarkFixOverdue(ctx, b, fixDue); !marked {
			t.Error("an acknowledged alert past remediation was not marked")
		}
		if _, marked, _ := s.MarkFixOverdue(ctx, b, fixDue); marked {
			t.Error("marked overdue twice")
		}
	})
}

// A repeat that raises the severity brings the stored deadlines in; the store keeps them.
func TestRepeatTightensStoredDeadlines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		ds := vigil.DefaultDeadlines()
		ds[vigil.SeverityCritical] = vigil.Deadline{Acknowledge: 4 * time.Hour, Remediate: 72 * time.Hour}
		first := dueAlert("RXA", "k", vigil.SeverityMedium, vigil.TLPAmber, clk.now())
		r1, err := s.RaiseAlertMerged(ctx, first, nil)
		if err != nil || !r1.Alert.AckDueAt.IsZero() {
			t.Fatalf("a medium alert: %+v, %v; want no deadline", r1.Alert, err)
		}
		clk.advance(time.Hour)
		repeat := alert("RXA", "k", vigil.SeverityCritical)
		repeat.AckDueAt, repeat.FixDueAt = ds.Due(vigil.SeverityCritical, clk.now())
		r2, err := s.RaiseAlertMerged(ctx, repeat, nil)
		if err != nil || r2.Created || r2.Was.Severity != vigil.SeverityMedium {
			t.Fatalf("repeat: %+v, %v", r2, err)
		}
		got, _ := s.GetAlert(ctx, r1.Alert.ID)
		if !got.AckDueAt.Equal(clk.now().Add(4*time.Hour)) || !got.FixDueAt.Equal(clk.now().Add(72*time.Hour)) {
			t.Errorf("stored deadlines %v, %v; want 4 and 72 hours after the repeat", got.AckDueAt, got.FixDueAt)
		}
	})
}

// The time-to-acknowledge figures of a known set: per severity, the median and 90th
// percentile by nearest rank, acknowledgements by the deadline, and the overdue now.
func TestAckTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		start := clk.now()
		n := 0
		// raise raises an alert of sev now and acknowledges it after ack (resolves it
		// instead when resolve), or leaves it open when ack is 0; the clock comes back.
		raise := func(sev vigil.Severity, ack time.Duration, resolve bool) int64 {
			n++
			at := clk.now()
			id, _, err := s.RaiseAlert(ctx, dueAlert("RXA", fmt.Sprintf("k%d", n), sev, vigil.TLPAmber, at))
			if err != nil {
				t.Fatal(err)
			}
			if ack > 0 {
				clk.advance(ack)
				if resolve {
					_, err = s.ResolveAlert(ctx, id, "it@rxa.example", "Done.")
				} else {
					_, _, err = s.AckAlert(ctx, id, "it@rxa.example")
				}
				if err != nil {
					t.Fatal(err)
				}
				clk.advance(-ack)
			}
			clk.advance(time.Minute)
			return id
		}
		// Ten high alerts acknowledged after 1..10 hours, the tenth by resolving it.
		for h := 1; h <= 10; h++ {
			raise(vigil.SeverityHigh, time.Duration(h)*time.Hour, h == 10)
		}
		// Critical: 30 minutes, 50 hours (after its 48-hour deadline), and one still open.
		raise(vigil.SeverityCritical, 30*time.Minute, false)
		raise(vigil.SeverityCritical, 50*time.Hour, false)
		open := raise(vigil.SeverityCritical, 0, false)
		raise(vigil.SeverityLow, 0, false) // low: raised, never acknowledged, no deadline
		end := clk.now()
		raise(vigil.SeverityHigh, time.Minute, false) // after the window
		clk.advance(49 * time.Hour)
		if _, marked, err := s.MarkAckEscalated(ctx, open, clk.now()); err != nil || !marked {
			t.Fatalf("MarkAckEscalated = %v, %v", marked, err)
		}
		got, err := s.AckTimes(ctx, start, end)
		if err != nil {
			t.Fatal(err)
		}
		want := []vigil.AckTimes{
			{Severity: vigil.SeverityCritical, Raised: 3, Acknowledged: 2, Median: 30 * time.Minute, P90: 50 * time.Hour,
				WithinDeadline: 1, AckOverdue: 1},
			{Severity: vigil.SeverityHigh, Raised: 10, Acknowledged: 10, Median: 5 * time.Hour, P90: 9 * time.Hour, WithinDeadline: 10},
			{Severity: vigil.SeverityMedium},
			{Severity: vigil.SeverityLow, Raised: 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("AckTimes (-want +got):\n%s", diff)
		}
	})
}

// An alert's history is written in order; repeats in a row fold into one entry.
func TestAlertHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		id, _, _ := s.RaiseAlert(ctx, alert("RXA", "k", vigil.SeverityHigh))
		at := clk.now()
		add := func(e vigil.HistoryEntry) {
			t.Helper()
			e.Alert = id
			if err := s.AddAlertHistory(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		add(vigil.HistoryEntry{At: at, Kind: vigil.HistoryRaised, Count: 1, Severity: vigil.SeverityHigh, TLP: vigil.TLPAmber})
		add(vigil.HistoryEntry{At: at.Add(time.Hour), Kind: vigil.HistoryRepeated, Count: 2})
		add(vigil.HistoryEntry{At: at.Add(2 * time.Hour), Kind: vigil.HistoryRepeated, Count: 3})
		add(vigil.HistoryEntry{At: at.Add(2 * time.Hour), Kind: vigil.HistoryTLPRaised, TLP: vigil.TLPRed})
		add(vigil.HistoryEntry{At: at.Add(3 * time.Hour), Kind: vigil.HistoryRepeated, Count: 4})
		add(vigil.HistoryEntry{At: at.Add(50 * time.Hour), Kind: vigil.HistoryAckMissed, DueAt: at.Add(48 * time.Hour),
			To: []string{"admin@rxa.example", "analyst@centre.example"}})
		add(vigil.HistoryEntry{At: at.Add(51 * time.Hour), Kind: vigil.HistoryResolved, By: "admin@rxa.example", Note: "Patched."})
		got, err := s.AlertHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := []vigil.HistoryEntry{
			{Alert: id, At: at, Kind: vigil.HistoryRaised, Count: 1, Severity: vigil.SeverityHigh, TLP: vigil.TLPAmber},
			{Alert: id, At: at.Add(2 * time.Hour), Kind: vigil.HistoryRepeated, Count: 3},
			{Alert: id, At: at.Add(2 * time.Hour), Kind: vigil.HistoryTLPRaised, TLP: vigil.TLPRed},
			{Alert: id, At: at.Add(3 * time.Hour), Kind: vigil.HistoryRepeated, Count: 4},
			{Alert: id, At: at.Add(50 * time.Hour), Kind: vigil.HistoryAckMissed, DueAt: at.Add(48 * time.Hour),
				To: []string{"admin@rxa.example", "analyst@centre.example"}},
			{Alert: id, At: at.Add(51 * time.Hour), Kind: vigil.HistoryResolved, By: "admin@rxa.example", Note: "Patched."},
		}
		for i := range got {
			got[i].ID = 0
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if h, err := s.AlertHistory(ctx, id+1); err != nil || len(h) != 0 {
			t.Errorf("history of an alert without one = %v, %v", h, err)
		}
	})
}
