package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The report's incident tally counts the incidents reported in the period only, by the
// organisation's kind and region, category, whether closed, and breach scores.
func TestReportIncidents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		gp := org("RXB", vigil.OrgGP)
		gp.Region = "London"
		mustCreate(t, s, gp)
		report := func(o string) vigil.Incident {
			t.Helper()
			i, err := s.CreateIncident(ctx, newIncident(o, vigil.TLPAmber))
			if err != nil {
				t.Fatal(err)
			}
			return i
		}
		report("RXA") // the day before: outside
		clk.advance(24 * time.Hour)
		from := vigil.DayOf(clk.now())
		report("RXA")
		closed := report("RXA")
		closed.Status, closed.Category = vigil.IncidentClosed, 5
		closed.Breach = &vigil.BreachAssessment{Likelihood: 4, Severity: 2, By: "analyst@hccc.example", At: clk.now()}
		if _, err := s.UpdateIncident(ctx, closed); err != nil {
			t.Fatal(err)
		}
		report("RXB")
		got, err := s.ReportIncidents(ctx, from, from.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.IncidentTally{
			{OrgKind: vigil.OrgGP, Region: "London", Count: 1},
			{OrgKind: vigil.OrgTrust, Region: "North West", Count: 1},
			{OrgKind: vigil.OrgTrust, Region: "North West", Category: 5, Closed: true, Likelihood: 4, Severity: 2, Count: 1},
		}
		sorted := cmpopts.SortSlices(func(a, b store.IncidentTally) bool {
			return fmt.Sprint(a.OrgKind, a.Region, a.Category) < fmt.Sprint(b.OrgKind, b.Region, b.Category)
		})
		if diff := cmp.Diff(want, got, sorted); diff != "" {
			t.Errorf("ReportIncidents (-want +got):\n%s", diff)
		}
	})
}

// The report's posture tally takes each organisation's latest score on each framework
// before the period's end.
func TestReportPosture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		mustCreate(t, s, org("RXC", vigil.OrgGP))
		score := func(o, fw string, st vigil.PostureStatus) {
			t.Helper()
			if err := s.AddPostureScore(ctx, o, vigil.PostureScore{Framework: fw, Version: "1", Status: st}); err != nil {
				t.Fatal(err)
			}
			clk.advance(time.Hour)
		}
		score("RXA", "dspt", vigil.StandardsNotMet)
		score("RXA", "dspt", vigil.StandardsMet) // RXA's latest
		score("RXB", "dspt", vigil.StandardsMet)
		score("RXC", "dspt", vigil.StandardsApproaching)
		score("RXC", "checklist", vigil.StandardsNotMet)
		end := clk.now()
		score("RXC", "dspt", vigil.StandardsMet) // after the period
		got, err := s.ReportPosture(ctx, end)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.PostureTally{
			{"checklist", vigil.StandardsNotMet, vigil.OrgGP, 1},
			{"dspt", vigil.StandardsApproaching, vigil.OrgGP, 1},
			{"dspt", vigil.StandardsMet, vigil.OrgTrust, 2},
		}
		sorted := cmpopts.SortSlices(func(a, b store.PostureTally) bool {
			return a.Framework+string(a.Status) < b.Framework+string(b.Status)
		})
		if diff := cmp.Diff(want, got, sorted); diff != "" {
			t.Errorf("ReportPosture (-want +got):\n%s", diff)
		}
	})
}
