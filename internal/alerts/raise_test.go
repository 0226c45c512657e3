package alerts

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// warnNow is the fake clock's start: a Friday morning, before the 07:00 digest.
var warnNow = time.Date(2025, 3, 14, 5, 0, 0, 0, time.UTC)

// fakeNow is a clock the test moves by hand.
type fakeNow struct{ t time.Time }

func (c *fakeNow) now() time.Time          { return c.t }
func (c *fakeNow) advance(d time.Duration) { c.t = c.t.Add(d) }

// warnSector registers the test sector: RXA, RXB and RXC, three trusts.
func warnSector(t testing.TB, s *store.Store) {
	t.Helper()
	for _, o := range []vigil.Org{
		{ODSCode: "RXA", Name: "Alder Community NHS Trust", Kind: vigil.OrgTrust},
		{ODSCode: "RXB", Name: "Birch Hospital NHS Trust", Kind: vigil.OrgTrust},
		{ODSCode: "RXC", Name: "Cedar GP Practice", Kind: vigil.OrgGP},
	} {
		if _, _, err := s.CreateOrg(t.Context(), o); err != nil {
			t.Fatalf("CreateOrg %s: %v", o.ODSCode, err)
		}
	}
}

// newService returns a Service over the seeded store whose clock is clk.
func newService(t testing.TB, s *store.Store, clk *fakeNow) *Service {
	t.Helper()
	return New(Deps{Store: s, Now: clk.now, DigestHour: DefaultDigestHour})
}

// testAlert is an Early Warning alert for org whose dedup key is its title.
func testAlert(org, title string, sev vigil.Severity, seen time.Time) vigil.Alert {
	return vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning, Severity: sev, Title: title, Body: "What was seen: " + title,
		Observable: "192.0.2.10", FirstSeen: seen, LastSeen: seen, DedupKey: title}
}

// raise raises the alerts in one transaction.
func raise(t testing.TB, svc *Service, s *store.Store, as ...vigil.Alert) {
	t.Helper()
	err := s.Tx(t.Context(), func(tx *store.Store) error {
		for _, a := range as {
			if _, _, err := svc.Raise(t.Context(), tx, Raising{Alert: a}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outboxOf returns org's outbox entries of a kind, newest first.
func outboxOf(t testing.TB, s *store.Store, org string, kind vigil.OutboxKind) []vigil.OutboxEntry {
	t.Helper()
	es, _, err := s.ListOutbox(t.Context(), vigil.OutboxFilter{Org: org, Kind: kind, Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// Raise queues every alert raised or repeated for the digest, and sends a new high or
// critical one at once, exactly once.
func TestRaise(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newService(t, s, &fakeNow{warnNow})
		seen := warnNow.Add(-time.Hour)
		tests := []struct {
			name        string
			alert       vigil.Alert
			wantCreated bool
			wantSent    int // immediate messages RXA has afterwards
		}{
			{"a new low alert waits for the digest", testAlert("RXA", "low one", vigil.SeverityLow, seen), true, 0},
			{"a new high alert is sent at once", testAlert("RXA", "high one", vigil.SeverityHigh, seen), true, 1},
			{"its repeat is not sent again", testAlert("RXA", "high one", vigil.SeverityHigh, seen), false, 1},
			{"a new critical alert is sent at once", testAlert("RXA", "critical one", vigil.SeverityCritical, seen), true, 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var created bool
				err := s.Tx(t.Context(), func(tx *store.Store) (err error) {
					_, created, err = svc.Raise(t.Context(), tx, Raising{Alert: tt.alert})
					return err
				})
				if err != nil || created != tt.wantCreated {
					t.Fatalf("Raise = created %v, %v; want created %v", created, err, tt.wantCreated)
				}
				sent := outboxOf(t, s, "RXA", vigil.OutboxImmediate)
				if len(sent) != tt.wantSent {
					t.Fatalf("RXA has %d immediate messages, want %d", len(sent), tt.wantSent)
				}
				if len(sent) > 0 && !strings.HasPrefix(sent[0].Subject, SeverityWord(tt.alert.Severity)+" alert: ") {
					t.Errorf("subject %q", sent[0].Subject)
				}
			})
		}
		queue, err := s.DigestQueue(t.Context())
		if err != nil || len(queue) != 3 {
			t.Fatalf("digest queue holds %d alerts (%v), want the 3 raised", len(queue), err)
		}
	})
}

// An alert raised in a transaction that fails leaves nothing behind: no alert, no digest
// entry, no message.
func TestRaiseRollsBackWithTheCaller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newService(t, s, &fakeNow{warnNow})
		err := s.Tx(t.Context(), func(tx *store.Store) error {
			if _, _, err := svc.Raise(t.Context(), tx, Raising{Alert: testAlert("RXA", "x", vigil.SeverityCritical, warnNow)}); err != nil {
				return err
			}
			_, _, err := svc.Raise(t.Context(), tx, Raising{Alert: testAlert("RZZ", "unregistered", vigil.SeverityLow, warnNow)})
			return err
		})
		if err == nil {
			t.Fatal("raising for an unregistered organisation should fail")
		}
		queue, _ := s.DigestQueue(t.Context())
		if len(queue) != 0 || len(outboxOf(t, s, "RXA", vigil.OutboxImmediate)) != 0 {
			t.Errorf("a failed transaction left %d queued alerts or a message", len(queue))
		}
	})
}
