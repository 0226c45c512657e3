package web_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// warningMatrix is who may call the warning operations.
var warningMatrix = []matrixRow{
	{"POST /events", "own", postEvent("192.0.2.10"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /events", "other", postEvent("198.51.100.10"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"GET /unrouted", "", at("/unrouted"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /events/unrouted/{id}/assign", "own", func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/events/unrouted/%d/assign", f.unrouted()), map[string]string{"org": ownOrg}
	}, statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /events/unrouted/{id}/assign", "other", func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/events/unrouted/%d/assign", f.unrouted()), map[string]string{"org": otherOrg}
	}, statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"GET /outbox", "", at("/outbox"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /outbox", "own", at("/outbox?org=" + ownOrg), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /outbox", "other", at("/outbox?org=" + otherOrg), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"POST /overlaps/{id}/accept", "", func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/overlaps/%d/accept", f.overlap()), map[string]string{"note": "The trust hosts the practice."}
	}, statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
}

// postEvent is an events upload with one fresh event about an address.
func postEvent(addr string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) {
		return "/events", eventLine("compromise", addr, time.Now().Add(-time.Hour), "high") + "\n"
	}
}

// eventLine is one NDJSON threat event.
func eventLine(typ, obs string, at time.Time, sev string) string {
	return fmt.Sprintf(`{"type":%q,"observable":%q,"time":%q,"source":"Shadowserver","severity":%q}`,
		typ, obs, at.UTC().Format(time.RFC3339), sev)
}

// overlap registers two fresh organisations whose domains overlap and returns the
// open overlap flagged between them.
func (f *fixture) overlap() int64 {
	f.t.Helper()
	ctx := context.Background()
	parent := f.unique("OVA")
	domain := parent + ".example"
	for _, o := range []vigil.Org{
		{ODSCode: parent, Name: "Host trust", Kind: vigil.OrgTrust, Domains: []string{domain}},
		{ODSCode: f.unique("OVB"), Name: "Hosted practice", Kind: vigil.OrgGP, Domains: []string{"gp." + domain}},
	} {
		_, overlaps, err := f.store.CreateOrg(ctx, o)
		if err != nil {
			f.t.Fatal(err)
		}
		if len(overlaps) > 0 {
			return overlaps[0].ID
		}
	}
	f.t.Fatal("no overlap flagged")
	return 0
}

// unrouted keeps a fresh event about an address nobody registered and returns its
// number, so that assigning it as one role does not change the answer for the next.
func (f *fixture) unrouted() int64 {
	f.t.Helper()
	key := f.unique("unrouted")
	id, _, err := f.store.AddUnrouted(context.Background(), vigil.UnroutedEvent{Event: vigil.ThreatEvent{Type: "open_port",
		Observable: "198.51.100.77", ObservableType: vigil.TypeIPv4, Time: time.Now().Add(-time.Hour), Source: "Shadowserver",
		Severity: vigil.SeverityMedium, TLP: vigil.TLPGreen}, Reporter: "analyst@centre.example", DedupKey: key})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}
