package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// groupSummary is what a test compares of a group: its key, sizes, severity and members.
type groupSummary struct {
	Kind     vigil.AlertKind
	Problem  string
	Severity vigil.Severity
	Orgs     int
	Alerts   int
	Members  []int64
}

func summarise(gs []vigil.AlertGroup) []groupSummary {
	out := make([]groupSummary, len(gs))
	for i, g := range gs {
		out[i] = groupSummary{g.Kind, g.Problem, g.Severity, g.Orgs, g.Alerts, nil}
		for _, a := range g.Members {
			out[i].Members = append(out[i].Members, a.ID)
		}
	}
	return out
}

func TestGroupAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, o := range []string{"RXA", "RXB", "RXC"} {
			mustCreate(t, s, org(o, vigil.OrgTrust))
		}
		raise := func(o string, kind vigil.AlertKind, indicator, title string, sev vigil.Severity, tlp vigil.TLP) int64 {
			t.Helper()
			id, _, err := s.RaiseAlert(ctx, vigil.Alert{Org: o, Kind: kind, Severity: sev, Title: title, Observable: "x",
				Indicator: indicator, TLP: tlp, DedupKey: o + title + indicator})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		phishA := raise("RXA", vigil.AlertSighting, "evil.example", "A computer at RXA contacted evil.example", vigil.SeverityHigh, vigil.TLPGreen)
		phishB := raise("RXB", vigil.AlertSighting, "evil.example", "A computer at RXB contacted evil.example", vigil.SeverityCritical, vigil.TLPAmberStrict)
		phishC := raise("RXC", vigil.AlertSighting, "evil.example", "A computer at RXC contacted evil.example", vigil.SeverityMedium, vigil.TLPGreen)
		if _, err := s.ResolveAlert(ctx, phishC, "x@rxc.example", "Blocked."); err != nil {
			t.Fatal(err)
		}
		rdpA := raise("RXA", vigil.AlertEarlyWarning, "", "Remote desktop is open to the internet", vigil.SeverityHigh, vigil.TLPGreen)
		rdpB := raise("RXB", vigil.AlertEarlyWarning, "", "Remote desktop is open to the internet", vigil.SeverityLow, vigil.TLPClear)
		if _, _, err := s.AckAlert(ctx, rdpB, "x@rxb.example"); err != nil {
			t.Fatal(err)
		}
		spam := raise("RXA", vigil.AlertEarlyWarning, "", "Your mail server was reported for spam", vigil.SeverityLow, vigil.TLPClear)
		supplier := &vigil.Audience{Own: "YSUP", Customers: []string{"RXA", "RXB"}}

		for _, tt := range []struct {
			name string
			f    vigil.AlertGroupFilter
			want []groupSummary
		}{
			{"every unresolved alert", vigil.AlertGroupFilter{}, []groupSummary{
				{vigil.AlertSighting, "evil.example", vigil.SeverityCritical, 2, 2, []int64{phishB, phishA}},
				{vigil.AlertEarlyWarning, "Remote desktop is open to the internet", vigil.SeverityHigh, 2, 2, []int64{rdpB, rdpA}},
				{vigil.AlertEarlyWarning, "Your mail server was reported for spam", vigil.SeverityLow, 1, 1, []int64{spam}},
			}},
			{"resolved too", vigil.AlertGroupFilter{IncludeResolved: true, Limit: 1}, []groupSummary{
				{vigil.AlertSighting, "evil.example", vigil.SeverityCritical, 3, 3, []int64{phishC, phishB, phishA}},
			}},
			{"a supplier does not see AMBER+STRICT", vigil.AlertGroupFilter{Audience: supplier}, []groupSummary{
				{vigil.AlertEarlyWarning, "Remote desktop is open to the internet", vigil.SeverityHigh, 2, 2, []int64{rdpB, rdpA}},
				{vigil.AlertSighting, "evil.example", vigil.SeverityHigh, 1, 1, []int64{phishA}},
				{vigil.AlertEarlyWarning, "Your mail server was reported for spam", vigil.SeverityLow, 1, 1, []int64{spam}},
			}},
			{"an organisation sees its own", vigil.AlertGroupFilter{Audience: &vigil.Audience{Own: "RXB"}}, []groupSummary{
				{vigil.AlertSighting, "evil.example", vigil.SeverityCritical, 1, 1, []int64{phishB}},
				{vigil.AlertEarlyWarning, "Remote desktop is open to the internet", vigil.SeverityLow, 1, 1, []int64{rdpB}},
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				gs, _, err := s.GroupAlerts(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, summarise(gs)); diff != "" {
					t.Errorf("groups (-want +got):\n%s", diff)
				}
			})
		}

		t.Run("pages", func(t *testing.T) {
			var got []groupSummary
			f := vigil.AlertGroupFilter{Limit: 1}
			for range 4 {
				gs, next, err := s.GroupAlerts(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, summarise(gs)...)
				if next == "" {
					break
				}
				f.Cursor = next
			}
			all, _, _ := s.GroupAlerts(ctx, vigil.AlertGroupFilter{})
			if diff := cmp.Diff(summarise(all), got); diff != "" {
				t.Errorf("pages of one (-one page +pages):\n%s", diff)
			}
			_, _, err := s.GroupAlerts(ctx, vigil.AlertGroupFilter{Cursor: "bm9wZQ"})
			wantError(t, err, vigil.EINVALID, "cursor is not valid")
		})

		t.Run("open counts", func(t *testing.T) {
			for _, tt := range []struct {
				name string
				aud  *vigil.Audience
				want []vigil.OrgAlertCount
			}{
				{"sector", nil, []vigil.OrgAlertCount{{Org: "RXA", Open: 3}, {Org: "RXB", Open: 1, Acknowledged: 1}}},
				{"supplier", supplier, []vigil.OrgAlertCount{{Org: "RXA", Open: 3}, {Org: "RXB", Acknowledged: 1}}},
			} {
				got, err := s.CountOpenAlerts(ctx, tt.aud)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s: counts (-want +got):\n%s", tt.name, diff)
				}
			}
		})
	})
}
