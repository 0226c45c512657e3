package alerts

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// An alert's history holds every transition, in order, with who did it and what they
// said, written by the use cases that made each change.
func TestHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		deadlineSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		ctx := t.Context()
		itLead := vigil.Principal{Email: "it.lead@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}
		first := testAlert("RXA", "192.0.2.10 is on a botnet list", vigil.SeverityMedium, warnNow)
		first.TLP = vigil.TLPAmber
		id := raiseOne(t, svc, s, first)
		steps := []struct {
			after time.Duration
			do    func()
		}{
			{time.Hour, func() { raiseOne(t, svc, s, first) }},
			{time.Hour, func() { raiseOne(t, svc, s, first) }},
			{time.Hour, func() { // a repeat from a partner: critical, for named recipients
				again := first
				again.Severity, again.TLP = vigil.SeverityCritical, vigil.TLPRed
				raiseOne(t, svc, s, again)
			}},
			{49 * time.Hour, func() { mustEscalate(t, svc) }},
			{time.Hour, func() {
				if _, err := svc.Ack(ctx, itLead, id); err != nil {
					t.Fatal(err)
				}
			}},
			{14 * 24 * time.Hour, func() { mustEscalate(t, svc) }},
			{time.Hour, func() {
				if _, err := svc.Resolve(ctx, itLead, id, "Reimaged the machine."); err != nil {
					t.Fatal(err)
				}
			}},
		}
		var at []time.Time
		for _, st := range steps {
			clk.advance(st.after)
			at = append(at, clk.now())
			st.do()
		}
		ackDue := warnNow.Add(3 * time.Hour).Add(48 * time.Hour) // the critical repeat's deadline
		fixDue := warnNow.Add(3 * time.Hour).Add(14 * 24 * time.Hour)
		want := []vigil.HistoryEntry{
			{Alert: id, At: warnNow, Kind: vigil.HistoryRaised, Count: 1, Severity: vigil.SeverityMedium, TLP: vigil.TLPAmber},
			{Alert: id, At: at[2], Kind: vigil.HistoryRepeated, Count: 4},
			{Alert: id, At: at[2], Kind: vigil.HistorySeverityRaised, Severity: vigil.SeverityCritical},
			{Alert: id, At: at[2], Kind: vigil.HistoryTLPRaised, TLP: vigil.TLPRed},
			{Alert: id, At: at[3], Kind: vigil.HistoryAckMissed, DueAt: ackDue, To: []string{"analyst@centre.example", "it.lead@rxa.example"}},
			{Alert: id, At: at[4], Kind: vigil.HistoryAcknowledged, By: "it.lead@rxa.example"},
			{Alert: id, At: at[5], Kind: vigil.HistoryFixOverdue, DueAt: fixDue},
			{Alert: id, At: at[6], Kind: vigil.HistoryResolved, By: "it.lead@rxa.example", Note: "Reimaged the machine."},
		}
		got, err := svc.History(ctx, itLead, id)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			got[i].ID = 0
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
	})
}

func mustEscalate(t *testing.T, svc *Service) {
	t.Helper()
	if _, _, err := svc.Escalate(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// The history is read with the same check as the alert: whoever may not see the alert
// is told it does not exist; a supplier reading a customer's alert does not learn who
// an escalation went to.
func TestHistoryAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		deadlineSector(t, s)
		if _, _, err := s.CreateOrg(t.Context(), vigil.Org{ODSCode: "YSUP1", Name: "Supplier", Kind: vigil.OrgSupplier}); err != nil {
			t.Fatal(err)
		}
		if err := s.LinkSupplier(t.Context(), "YSUP1", "RXA"); err != nil {
			t.Fatal(err)
		}
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		amber := testAlert("RXA", "amber", vigil.SeverityHigh, warnNow)
		amber.TLP = vigil.TLPAmber
		red := testAlert("RXA", "red", vigil.SeverityHigh, warnNow)
		red.TLP = vigil.TLPRed
		amberID, redID := raiseOne(t, svc, s, amber), raiseOne(t, svc, s, red)
		clk.advance(49 * time.Hour)
		mustEscalate(t, svc)
		tests := []struct {
			name   string
			who    vigil.Principal
			id     int64
			code   string
			sees   int  // entries
			withTo bool // the escalation's recipients shown
		}{
			{"sector analyst", vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}, redID, "", 2, true},
			{"the organisation's member, not named, reads an AMBER alert's", vigil.Principal{Email: "ward@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, amberID, "", 2, true},
			{"the organisation's member, not named, may not read a RED alert's", vigil.Principal{Email: "ward@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, redID, vigil.ENOTFOUND, 0, false},
			{"another organisation's admin", vigil.Principal{Email: "it@rxb.example", Role: vigil.RoleOrgAdmin, Org: "RXB"}, amberID, vigil.ENOTFOUND, 0, false},
			{"the supplier reads its customer's AMBER alert's, without recipients", vigil.Principal{Email: "s@sup.example", Role: vigil.RoleSupplier, Org: "YSUP1"}, amberID, "", 2, false},
			{"the supplier may not read its customer's RED alert's", vigil.Principal{Email: "s@sup.example", Role: vigil.RoleSupplier, Org: "YSUP1"}, redID, vigil.ENOTFOUND, 0, false},
			{"a sensor", vigil.Principal{Email: "zeek", Role: vigil.RoleSensor, Org: "RXA", TokenID: 1}, amberID, vigil.EFORBIDDEN, 0, false},
			{"an alert that does not exist", vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}, redID + 100, vigil.ENOTFOUND, 0, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h, err := svc.History(t.Context(), tt.who, tt.id)
				if code := errCode(err); code != tt.code || len(h) != tt.sees {
					t.Fatalf("History = %d entries, %v; want %d, code %q", len(h), err, tt.sees, tt.code)
				}
				if tt.sees > 0 && (len(h[1].To) > 0) != tt.withTo {
					t.Errorf("escalation recipients %v; want shown: %v", h[1].To, tt.withTo)
				}
			})
		}
	})
}

// errCode is err's code, "" for nil.
func errCode(err error) string {
	if err == nil {
		return ""
	}
	return vigil.ErrorCode(err)
}

// The time-to-acknowledge figures are the centre's, for a window of at most 366 days.
func TestAckTimesAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newService(t, s, &fakeNow{warnNow})
		analyst := vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
		tests := []struct {
			name     string
			who      vigil.Principal
			from, to time.Time
			code     string
			wantFrom time.Time
		}{
			{"an analyst, the last 30 days by default", analyst, time.Time{}, time.Time{}, "", warnNow.Add(-30 * 24 * time.Hour)},
			{"a sector admin, a given window", vigil.Principal{Email: "a@centre.example", Role: vigil.RoleSectorAdmin},
				warnNow.Add(-time.Hour), warnNow, "", warnNow.Add(-time.Hour)},
			{"an organisation's admin", vigil.Principal{Email: "it@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}, time.Time{}, time.Time{}, vigil.EFORBIDDEN, time.Time{}},
			{"a supplier", vigil.Principal{Email: "s@sup.example", Role: vigil.RoleSupplier, Org: "YSUP1"}, time.Time{}, time.Time{}, vigil.EFORBIDDEN, time.Time{}},
			{"a window backwards", analyst, warnNow, warnNow.Add(-time.Hour), vigil.EINVALID, time.Time{}},
			{"a window of two years", analyst, warnNow.AddDate(-2, 0, 0), warnNow, vigil.EINVALID, time.Time{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := svc.AckTimes(t.Context(), tt.who, tt.from, tt.to)
				if code := errCode(err); code != tt.code {
					t.Fatalf("AckTimes = %v; want code %q", err, tt.code)
				}
				if err != nil {
					return
				}
				if !r.From.Equal(tt.wantFrom) || len(r.Severities) != 4 || r.Severities[0].Severity != vigil.SeverityCritical {
					t.Errorf("AckTimes = %+v; want from %v and four severities, critical first", r, tt.wantFrom)
				}
			})
		}
	})
}

// The list filter names a deadline the store knows, or is refused in words.
func TestListOverdueFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		deadlineSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		late := raiseOne(t, svc, s, testAlert("RXA", "late", vigil.SeverityHigh, warnNow))
		raiseOne(t, svc, s, testAlert("RXA", "quiet", vigil.SeverityLow, warnNow))
		clk.advance(49 * time.Hour)
		mustEscalate(t, svc)
		itLead := vigil.Principal{Email: "it.lead@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}
		als, _, err := svc.List(t.Context(), itLead, vigil.AlertFilter{Overdue: vigil.OverdueAcknowledge})
		if err != nil || len(als) != 1 || als[0].ID != late || !slices.Equal(als[0].Overdue(), []vigil.Overdue{vigil.OverdueAcknowledge}) {
			t.Errorf("List(overdue=acknowledge) = %+v, %v; want alert %d alone", als, err, late)
		}
		_, _, err = svc.List(t.Context(), itLead, vigil.AlertFilter{Overdue: "soon"})
		if errCode(err) != vigil.EINVALID {
			t.Errorf("List(overdue=soon) = %v, want invalid", err)
		}
	})
}
