package alerts

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// deadlineSector is warnSector with the people an escalation may go to: RXA's
// administrators (one disabled) and member, RXB's administrator, and the centre's
// analysts (one disabled) and administrator.
func deadlineSector(t testing.TB, s *store.Store) {
	t.Helper()
	warnSector(t, s)
	for _, u := range []struct {
		nu       vigil.NewUser
		disabled bool
	}{
		{vigil.NewUser{Email: "it.lead@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}, false},
		{vigil.NewUser{Email: "left@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}, true},
		{vigil.NewUser{Email: "ward@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, false},
		{vigil.NewUser{Email: "it@rxb.example", Role: vigil.RoleOrgAdmin, Org: "RXB"}, false},
		{vigil.NewUser{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}, false},
		{vigil.NewUser{Email: "former.analyst@centre.example", Role: vigil.RoleSectorAnalyst}, true},
		{vigil.NewUser{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}, false},
	} {
		u.nu.Name = u.nu.Email
		created, err := s.CreateUser(t.Context(), u.nu)
		if err != nil {
			t.Fatal(err)
		}
		if u.disabled {
			if err := s.SetUserDisabled(t.Context(), created.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// raiseOne raises a through svc and returns its id.
func raiseOne(t testing.TB, svc *Service, s *store.Store, a vigil.Alert) int64 {
	t.Helper()
	var id int64
	err := s.Tx(t.Context(), func(tx *store.Store) (err error) {
		id, _, err = svc.Raise(t.Context(), tx, Raising{Alert: a})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// escalations returns the escalation messages about alert id.
func escalations(t testing.TB, s *store.Store, org string, id int64) []vigil.OutboxEntry {
	t.Helper()
	var out []vigil.OutboxEntry
	for _, e := range outboxOf(t, s, org, vigil.OutboxEscalation) {
		if e.AlertID == id {
			out = append(out, e)
		}
	}
	return out
}

// When an alert is still open 48 hours after it was raised, the organisation's
// administrators and the sector analysts are told, once; an alert acknowledged in time
// never escalates; an alert still unresolved after 14 days is marked overdue, once.
func TestEscalation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		deadlineSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		ctx := t.Context()
		amber := testAlert("RXA", "A device at 192.0.2.11 may be infected", vigil.SeverityHigh, warnNow)
		amber.TLP = vigil.TLPAmber
		red := testAlert("RXA", "Partner report: 192.0.2.12 beacons to a ransomware C2", vigil.SeverityCritical, warnNow)
		red.TLP, red.Observable = vigil.TLPRed, "192.0.2.12"
		ids := map[string]int64{
			"amber":   raiseOne(t, svc, s, amber),
			"red":     raiseOne(t, svc, s, red),
			"in time": raiseOne(t, svc, s, testAlert("RXA", "rxa.example sends spam", vigil.SeverityHigh, warnNow)),
			"medium":  raiseOne(t, svc, s, testAlert("RXA", "Port 445 open on 192.0.2.13", vigil.SeverityMedium, warnNow)),
			"rxb":     raiseOne(t, svc, s, testAlert("RXB", "A device at 198.51.100.7 may be infected", vigil.SeverityCritical, warnNow)),
		}
		escalate := func(wantEscalated, wantOverdue int) {
			t.Helper()
			escalated, overdue, err := svc.Escalate(ctx)
			if err != nil || escalated != wantEscalated || overdue != wantOverdue {
				t.Fatalf("at %v Escalate = %d escalated, %d overdue, %v; want %d, %d", clk.now(), escalated, overdue, err,
					wantEscalated, wantOverdue)
			}
		}

		clk.advance(47 * time.Hour)
		escalate(0, 0)
		if _, err := svc.Ack(ctx, vigil.Principal{Email: "ward@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, ids["in time"]); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Hour + 2*time.Minute) // 48 hours and 2 minutes after raising
		escalate(3, 0)
		escalate(0, 0) // once only

		rxaTo := []string{"analyst@centre.example", "it.lead@rxa.example"}
		for name, want := range map[string][]string{"amber": rxaTo, "red": rxaTo, "in time": nil, "medium": nil,
			"rxb": {"analyst@centre.example", "it@rxb.example"}} {
			org := "RXA"
			if name == "rxb" {
				org = "RXB"
			}
			got := escalations(t, s, org, ids[name])
			if want == nil {
				if len(got) != 0 {
					t.Errorf("%s: escalated though it should not be: %+v", name, got)
				}
				continue
			}
			if len(got) != 1 || !slices.Equal(got[0].Recipients, want) {
				t.Errorf("%s: escalations %+v; want one to %v", name, got, want)
				continue
			}
			if al, _ := s.GetAlert(ctx, ids[name]); !al.IsOverdue(vigil.OverdueAcknowledge) {
				t.Errorf("%s: not overdue to acknowledge after the escalation: %+v", name, al)
			}
		}
		msg := escalations(t, s, "RXA", ids["amber"])[0]
		for _, want := range []string{"Alert " + itoa(ids["amber"]) + " for Alder Community NHS Trust (RXA) has not been acknowledged",
			"due to be acknowledged by 16 March 2025 at 05:00 UTC: it is now 2 minutes late",
			"The alert (high): A device at 192.0.2.11 may be infected", "Sharing: this is marked TLP:AMBER",
			"resolved by 28 March 2025 at 05:00 UTC", "Administrators of Alder Community NHS Trust: sign in to vigil",
			"Sector analysts: make sure the organisation knows of it",
			"went to the organisation's administrators and the sector centre's analysts: analyst@centre.example and it.lead@rxa.example"} {
			if !strings.Contains(msg.Body, want) {
				t.Errorf("the escalation does not say %q:\n%s", want, msg.Body)
			}
		}
		if want := "Overdue: high alert " + itoa(ids["amber"]) + " for Alder Community NHS Trust has not been acknowledged"; msg.Subject != want {
			t.Errorf("subject %q, want %q", msg.Subject, want)
		}
		redMsg := escalations(t, s, "RXA", ids["red"])[0]
		for _, secret := range []string{"ransomware", "192.0.2.12", "Partner report"} {
			if strings.Contains(redMsg.Subject+redMsg.Body, secret) {
				t.Errorf("the escalation of a TLP:RED alert says %q:\n%s\n%s", secret, redMsg.Subject, redMsg.Body)
			}
		}
		if !strings.Contains(redMsg.Body, "marked TLP:RED, so this message does not say what it is about") {
			t.Errorf("the RED escalation does not say why it is vague:\n%s", redMsg.Body)
		}

		clk.advance(12*24*time.Hour + time.Hour) // past the 14 days
		escalate(0, 4)                           // amber, red, in time (acknowledged, not resolved) and rxb
		escalate(0, 0)
		if al, _ := s.GetAlert(ctx, ids["in time"]); !al.IsOverdue(vigil.OverdueRemediate) || al.IsOverdue(vigil.OverdueAcknowledge) {
			t.Errorf("the alert acknowledged in time is overdue for %v, want remediate only", al.Overdue())
		}
		if n := len(storetest.Audits(t, s, vigil.AuditFilter{Action: "alert.escalate"})); n != 3 {
			t.Errorf("%d alert.escalate audit entries, want 3", n)
		}
		if n := len(storetest.Audits(t, s, vigil.AuditFilter{Action: "alert.overdue"})); n != 4 {
			t.Errorf("%d alert.overdue audit entries, want 4", n)
		}
	})
}

// The loop escalates within a minute of the deadline, and only once however often it
// runs.
func TestEscalationLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		deadlineSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		id := raiseOne(t, svc, s, testAlert("RXA", "A device at 192.0.2.11 may be infected", vigil.SeverityHigh, warnNow))
		clk.advance(48*time.Hour - 2*time.Minute)
		var sleeps []time.Duration
		escalatedAt := time.Time{}
		svc.escalationLoop(t.Context(), func(_ context.Context, d time.Duration) bool {
			sleeps = append(sleeps, d)
			if escalatedAt.IsZero() && len(escalations(t, s, "RXA", id)) > 0 {
				escalatedAt = clk.now()
			}
			clk.advance(d)
			return len(sleeps) < 5
		})
		if !slices.Equal(sleeps, []time.Duration{time.Minute, time.Minute, time.Minute, time.Minute, time.Minute}) {
			t.Errorf("the loop slept %v, want a minute each time", sleeps)
		}
		if want := warnNow.Add(48 * time.Hour); !escalatedAt.Equal(want) {
			t.Errorf("escalated at %v, want at the deadline, %v", escalatedAt, want)
		}
		if n := len(escalations(t, s, "RXA", id)); n != 1 {
			t.Errorf("%d escalations after five passes, want 1", n)
		}
	})
}

// Two servers escalating the same alerts at the same moment tell each person once.
func TestEscalateConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		deadlineSector(t, s)
		clk := &fakeNow{warnNow}
		servers := []*Service{newService(t, s, clk), newService(t, s, clk), newService(t, s, clk), newService(t, s, clk)}
		var ids []int64
		for _, title := range []string{"one", "two", "three", "four", "five"} {
			ids = append(ids, raiseOne(t, servers[0], s, testAlert("RXA", title, vigil.SeverityCritical, warnNow)))
		}
		clk.advance(15 * 24 * time.Hour)
		var escalated, overdue atomic.Int32
		storetest.Concurrently(t, len(servers), func(i int) error {
			e, o, err := servers[i].Escalate(t.Context())
			escalated.Add(int32(e))
			overdue.Add(int32(o))
			return err
		})
		if escalated.Load() != 5 || overdue.Load() != 5 {
			t.Errorf("the servers escalated %d and marked %d overdue, want 5 and 5 in all", escalated.Load(), overdue.Load())
		}
		for _, id := range ids {
			if n := len(escalations(t, s, "RXA", id)); n != 1 {
				t.Errorf("alert %d: %d escalations, want 1", id, n)
			}
			h, err := s.AlertHistory(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if got := historyKinds(h); !slices.Equal(got, []vigil.HistoryKind{vigil.HistoryRaised, vigil.HistoryAckMissed, vigil.HistoryFixOverdue}) {
				t.Errorf("alert %d history %v", id, got)
			}
		}
	})
}

// Nobody to tell: the miss is still recorded, and no message goes to every contact.
func TestEscalationWithNobodyToTell(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s) // no users at all
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		id := raiseOne(t, svc, s, testAlert("RXC", "Cedar sends spam", vigil.SeverityHigh, warnNow))
		clk.advance(49 * time.Hour)
		if e, _, err := svc.Escalate(t.Context()); e != 1 || err != nil {
			t.Fatalf("Escalate = %d, %v; want 1", e, err)
		}
		if n := len(outboxOf(t, s, "RXC", vigil.OutboxEscalation)); n != 0 {
			t.Errorf("%d escalation messages with nobody named, want none", n)
		}
		h, _ := s.AlertHistory(t.Context(), id)
		if len(h) != 2 || h[1].Kind != vigil.HistoryAckMissed || len(h[1].To) != 0 {
			t.Errorf("history %+v; want the miss recorded, told nobody", h)
		}
	})
}

func TestLateness(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "less than a minute", 59 * time.Second: "less than a minute", time.Minute: "1 minute",
		59 * time.Minute: "59 minutes", time.Hour: "1 hour", 47*time.Hour + 59*time.Minute: "47 hours",
		48 * time.Hour: "2 days", 15 * 24 * time.Hour: "15 days",
	} {
		if got := lateness(d); got != want {
			t.Errorf("lateness(%v) = %q, want %q", d, got, want)
		}
	}
}

func historyKinds(h []vigil.HistoryEntry) []vigil.HistoryKind {
	out := make([]vigil.HistoryKind, len(h))
	for i, e := range h {
		out[i] = e.Kind
	}
	return out
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
