package earlywarning

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
)

// warnNow is the fake clock's start: a Friday morning, before the 07:00 digest.
var warnNow = time.Date(2025, 3, 14, 5, 0, 0, 0, time.UTC)

// fakeNow is a clock the test moves by hand.
type fakeNow struct{ t time.Time }

func (c *fakeNow) now() time.Time          { return c.t }
func (c *fakeNow) advance(d time.Duration) { c.t = c.t.Add(d) }

// warnSector registers the test sector's assets:
//
//	RXA  192.0.2.0/24 and rxa.example
//	RXB  192.0.2.128/25 (inside RXA's range) and rxb.example
//	RXC  gp.rxa.example (under RXA's domain), no ranges
func warnSector(t testing.TB, s *store.Store) {
	t.Helper()
	for _, o := range []vigil.Org{
		warnOrg("RXA", "Alder Community NHS Trust", "192.0.2.0/24", "rxa.example"),
		warnOrg("RXB", "Birch Hospital NHS Trust", "192.0.2.128/25", "rxb.example"),
		warnOrg("RXC", "Cedar GP Practice", "", "gp.rxa.example"),
	} {
		if _, _, err := s.CreateOrg(t.Context(), o); err != nil {
			t.Fatalf("CreateOrg %s: %v", o.ODSCode, err)
		}
	}
}

func warnOrg(ods, name, cidr, domain string) vigil.Org {
	o := vigil.Org{ODSCode: ods, Name: name, Kind: vigil.OrgTrust, Domains: []string{domain}}
	if cidr != "" {
		o.IPRanges = []netip.Prefix{netip.MustParsePrefix(cidr)}
	}
	return o
}

// newWarnService returns a Service over the seeded store whose clock is clk.
func newWarnService(t testing.TB, s *store.Store, clk *fakeNow) *Service {
	t.Helper()
	svc := New(Deps{Store: s, Now: clk.now, Alerts: alerts.New(alerts.Deps{Store: s, Now: clk.now})})
	if err := svc.Reroute(t.Context()); err != nil {
		t.Fatal(err)
	}
	return svc
}

// analyst is a sector analyst with the given email.
func analyst(email string) vigil.Principal {
	return vigil.Principal{Email: email, Role: vigil.RoleSectorAnalyst}
}

// event is one NDJSON event line: type, observable, time and severity, plus extra keys.
func event(typ, obs string, at time.Time, sev vigil.Severity, extra ...any) string {
	m := map[string]any{"type": typ, "observable": obs, "time": at.Format(time.RFC3339), "source": "Shadowserver",
		"severity": string(sev)}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func ndjson(lines ...string) *strings.Reader {
	return strings.NewReader(strings.Join(lines, "\n") + "\n")
}

// alertsOf returns org's alerts, newest first.
func alertsOf(t testing.TB, s *store.Store, org string) []vigil.Alert {
	t.Helper()
	as, _, err := s.ListAlerts(t.Context(), vigil.AlertFilter{Org: org, Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return as
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
