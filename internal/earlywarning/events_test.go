package earlywarning

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/warn"
)

func TestIngestEventsRoutesEachEventToItsOwner(t *testing.T) {
	seen := warnNow.Add(-2 * time.Hour)
	tests := []struct {
		name  string
		obs   string
		owner string // "" for unrouted
	}{
		{"an address in one range goes to its owner", "192.0.2.10", "RXA"},
		{"an address in a nested range goes to the longest prefix only", "192.0.2.200", "RXB"},
		{"a name under a domain goes to the domain's owner", "www.rxa.example", "RXA"},
		{"a name under a more specific domain goes to that owner", "mail.gp.rxa.example", "RXC"},
		{"a URL goes to the owner of its host", "https://rxb.example/login", "RXB"},
		{"an address nobody registered is kept for analysts", "203.0.113.5", ""},
		{"a name that only ends like a registered one is not routed", "notrxa.example", ""},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newWarnService(t, s, &fakeNow{warnNow})
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := svc.IngestEvents(t.Context(), analyst("analyst@centre.example"),
					ndjson(event("compromise", tt.obs, seen, vigil.SeverityMedium)))
				if err != nil {
					t.Fatal(err)
				}
				want := EventsResult{Accepted: 1, Routed: 1, Alerts: 1}
				if tt.owner == "" {
					want = EventsResult{Accepted: 1, Unrouted: 1}
				}
				if !resultEqual(res, want) {
					t.Fatalf("result %+v, want %+v", res, want)
				}
				for _, org := range []string{"RXA", "RXB", "RXC"} {
					got := slices.ContainsFunc(alertsOf(t, s, org), func(a vigil.Alert) bool { return a.Observable == tt.obs })
					if got != (org == tt.owner) {
						t.Errorf("%s has an alert about %s: %v, want %v", org, tt.obs, got, org == tt.owner)
					}
				}
			})
		}
		unrouted, _, err := s.ListUnrouted(t.Context(), vigil.UnroutedFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var obs []string
		for _, u := range unrouted {
			obs = append(obs, u.Event.Observable)
			if u.Reporter != "analyst@centre.example" || u.Event.Source != "Shadowserver" {
				t.Errorf("unrouted %s lost who reported it: %+v", u.Event.Observable, u)
			}
		}
		if want := []string{"notrxa.example", "203.0.113.5"}; !slices.Equal(obs, want) {
			t.Errorf("unrouted observables %v, want %v", obs, want)
		}
	})
}

// resultEqual compares results' counts, not their problems.
func resultEqual(a, b EventsResult) bool {
	return a.Accepted == b.Accepted && a.Routed == b.Routed && a.Unrouted == b.Unrouted &&
		a.Alerts == b.Alerts && a.Repeats == b.Repeats && a.Rejected == b.Rejected
}

func TestIngestEventsDeduplicatesPerDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newWarnService(t, s, clk)
		ingest := func(at time.Time, sev vigil.Severity, source string) EventsResult {
			t.Helper()
			res, err := svc.IngestEvents(t.Context(), analyst("analyst@centre.example"),
				ndjson(event("open_port", "192.0.2.10", at, sev, "port", 3389, "service", "rdp", "source", source)))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		morning := warnNow.Add(-4 * time.Hour)
		if res := ingest(morning, vigil.SeverityMedium, "Shadowserver"); res.Alerts != 1 || res.Repeats != 0 {
			t.Fatalf("first report: %+v, want one new alert", res)
		}
		if res := ingest(morning.Add(time.Hour), vigil.SeverityHigh, "Censys"); res.Alerts != 0 || res.Repeats != 1 {
			t.Fatalf("same port, same day, another partner: %+v, want a repeat", res)
		}
		as := alertsOf(t, s, "RXA")
		if len(as) != 1 || as[0].Count != 2 || as[0].Severity != vigil.SeverityHigh ||
			!slices.Equal(as[0].Sources, []string{"Shadowserver", "Censys"}) {
			t.Fatalf("after a repeat RXA has %+v; want one alert seen twice, raised to high, from both partners", as)
		}
		clk.advance(24 * time.Hour)
		if res := ingest(morning.Add(24*time.Hour), vigil.SeverityMedium, "Shadowserver"); res.Alerts != 1 {
			t.Fatalf("the next day: %+v, want a new alert", res)
		}
		if res := ingest(morning.Add(24*time.Hour), vigil.SeverityMedium, "Shadowserver"); res.Repeats != 1 {
			t.Fatalf("the next day again: %+v, want a repeat", res)
		}
		if n := len(alertsOf(t, s, "RXA")); n != 2 {
			t.Errorf("RXA has %d alerts after two days, want 2", n)
		}
	})
}

func TestIngestEventsKeepsValidLinesAndNamesBadOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newWarnService(t, s, &fakeNow{warnNow})
		seen := warnNow.Add(-time.Hour)
		res, err := svc.IngestEvents(t.Context(), analyst("analyst@centre.example"), ndjson(
			event("compromise", "192.0.2.10", seen, vigil.SeverityHigh),
			`{"type": "compromise", "observable": "192.0.2.11"`,
			"",
			event("compromise", "192.0.2.12", seen, "urgent"),
			event("phishing", "rxb.example", seen, vigil.SeverityLow),
		))
		if err != nil {
			t.Fatal(err)
		}
		if want := (EventsResult{Accepted: 2, Routed: 2, Alerts: 2, Rejected: 2}); !resultEqual(res, want) {
			t.Errorf("result %+v, want %+v", res, want)
		}
		var lines []int
		for _, p := range res.Problems {
			lines = append(lines, p.Line)
		}
		if !slices.Equal(lines, []int{2, 4}) {
			t.Errorf("problems on lines %v, want [2 4]: %v", lines, res.Problems)
		}
		if len(alertsOf(t, s, "RXA")) != 1 || len(alertsOf(t, s, "RXB")) != 1 {
			t.Error("the valid lines around the bad ones did not raise their alerts")
		}
	})
}

func TestIngestEventsCommitsEveryBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newWarnService(t, s, &fakeNow{warnNow})
		const n = 2*eventBatch + 37
		var b strings.Builder
		for i := range n {
			b.WriteString(event("malware", fmt.Sprintf("https://www.rxa.example/files/%d.exe", i), warnNow.Add(-time.Hour), vigil.SeverityLow))
			b.WriteByte('\n')
		}
		res, err := svc.IngestEvents(t.Context(), analyst("analyst@centre.example"), strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if res.Accepted != n || res.Alerts != n {
			t.Fatalf("result %+v, want %d accepted and alerted", res, n)
		}
		if got := len(alertsOf(t, s, "RXA")); got != min(n, vigil.MaxLimit) {
			t.Errorf("RXA's first page of alerts holds %d, want %d", got, min(n, vigil.MaxLimit))
		}
		if got := countAlerts(t, s, "RXA"); got != n {
			t.Errorf("RXA has %d alerts stored, want %d", got, n)
		}
	})
}

func TestEventAlertsTellPeopleWhatToDo(t *testing.T) {
	seen := time.Date(2025, 3, 13, 22, 15, 0, 0, time.UTC)
	tests := []struct {
		name  string
		ev    vigil.ThreatEvent
		title string
		body  []string
	}{
		{"compromise", vigil.ThreatEvent{Type: warn.EventCompromise, Observable: "192.0.2.7", ObservableType: vigil.TypeIPv4},
			"A device at 192.0.2.7 may be infected",
			[]string{"Shadowserver reported signs of infection involving 192.0.2.7, one of your organisation's IP addresses, seen on 13 March 2025 at 22:15 UTC",
				"a device on this address may be infected. Find it", "isolate it"}},
		{"open port", vigil.ThreatEvent{Type: warn.EventOpenPort, Observable: "192.0.2.7", ObservableType: vigil.TypeIPv4, Port: 3389, Service: "rdp"},
			"192.0.2.7 is open to the internet on port 3389 (rdp)",
			[]string{"close port 3389 (rdp) to the internet"}},
		{"vulnerable service", vigil.ThreatEvent{Type: warn.EventVulnerableService, Observable: "vpn.rxa.example", ObservableType: vigil.TypeDomain,
			Port: 443, Service: "fortinet ssl-vpn", CVE: "CVE-2024-21762", Description: "FortiOS out-of-bounds write"},
			"vpn.rxa.example runs a service with a known vulnerability (CVE-2024-21762)",
			[]string{"one of your organisation's domain names", "patch or upgrade the service on port 443 (fortinet ssl-vpn) against CVE-2024-21762",
				`Their description: "FortiOS out-of-bounds write"`}},
		{"an unknown type still reads", vigil.ThreatEvent{Type: "sinkhole_hit", Observable: "192.0.2.7", ObservableType: vigil.TypeIPv4},
			"192.0.2.7 was reported: sinkhole hit", []string{"ask your IT supplier to check"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Time, tt.ev.Source, tt.ev.Severity = seen, "Shadowserver", vigil.SeverityHigh
			a := eventAlert("RXA", tt.ev).Alert
			if a.Title != tt.title {
				t.Errorf("title %q, want %q", a.Title, tt.title)
			}
			for _, want := range tt.body {
				if !strings.Contains(a.Body, want) {
					t.Errorf("body does not say %q:\n%s", want, a.Body)
				}
			}
			if a.DedupKey != warn.DedupKey("RXA", tt.ev) || a.Severity != vigil.SeverityHigh || a.Sources[0] != "Shadowserver" {
				t.Errorf("alert %+v does not carry the event's key, severity and source", a)
			}
		})
	}
	t.Run("the event's TLP is carried onto the alert and said in its words", func(t *testing.T) {
		a := eventAlert("RXA", vigil.ThreatEvent{Type: warn.EventBotnet, Observable: "192.0.2.7", ObservableType: vigil.TypeIPv4,
			Time: seen, Source: "CERT partner", Severity: vigil.SeverityHigh, TLP: vigil.TLPRed}).Alert
		if a.TLP != vigil.TLPRed || !strings.Contains(a.Body, "Sharing: this is marked TLP:RED") || !strings.Contains(a.Body, "named recipients") {
			t.Errorf("alert TLP %q, body:\n%s", a.TLP, a.Body)
		}
	})
	t.Run("a long URL is cut in the title but kept whole", func(t *testing.T) {
		long := "https://rxa.example/" + strings.Repeat("a", 500)
		a := eventAlert("RXA", vigil.ThreatEvent{Type: warn.EventPhishing, Observable: long, ObservableType: vigil.TypeURL,
			Time: seen, Source: "PhishTank", Severity: vigil.SeverityHigh}).Alert
		if len([]rune(a.Title)) > 300 || a.Observable != long {
			t.Errorf("title %d characters, observable kept %v", len([]rune(a.Title)), a.Observable == long)
		}
	})
}

func TestHighAlertsAreSentAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newWarnService(t, s, &fakeNow{warnNow})
		seen := warnNow.Add(-time.Hour)
		_, err := svc.IngestEvents(t.Context(), analyst("analyst@centre.example"), ndjson(
			event("compromise", "192.0.2.10", seen, vigil.SeverityCritical),
			event("compromise", "192.0.2.10", seen, vigil.SeverityCritical),
			event("scan", "192.0.2.11", seen, vigil.SeverityMedium),
		))
		if err != nil {
			t.Fatal(err)
		}
		sent := outboxOf(t, s, "RXA", vigil.OutboxImmediate)
		if len(sent) != 1 {
			t.Fatalf("RXA has %d immediate messages, want 1 (the critical alert once, not its repeat nor the medium one)", len(sent))
		}
		m := sent[0]
		if !strings.HasPrefix(m.Subject, "Critical alert: A device at 192.0.2.10 may be infected") || m.AlertID == 0 ||
			!strings.Contains(m.Body, "isolate it") || !m.DueAt.Equal(m.CreatedAt) {
			t.Errorf("immediate message %+v", m)
		}
	})
}

func TestRerouteSeesNewAssets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		svc := newWarnService(t, s, &fakeNow{warnNow})
		line := event("open_port", "198.51.100.9", warnNow.Add(-time.Hour), vigil.SeverityLow)
		if res, _ := svc.IngestEvents(t.Context(), analyst("a@centre.example"), ndjson(line)); res.Unrouted != 1 {
			t.Fatalf("before the range is registered: %+v, want unrouted", res)
		}
		if _, _, err := s.CreateOrg(t.Context(), warnOrg("RXD", "Damson Care Home", "198.51.100.0/24", "rxd.example")); err != nil {
			t.Fatal(err)
		}
		if err := svc.Reroute(t.Context()); err != nil {
			t.Fatal(err)
		}
		if res, _ := svc.IngestEvents(t.Context(), analyst("a@centre.example"), ndjson(line)); res.Routed != 1 {
			t.Fatalf("after Reroute: %+v, want routed", res)
		}
		if len(alertsOf(t, s, "RXD")) != 1 {
			t.Error("RXD got no alert for its new range")
		}
	})
}

// countAlerts counts org's alerts page by page.
func countAlerts(t testing.TB, s *store.Store, org string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		as, next, err := s.ListAlerts(t.Context(), vigil.AlertFilter{Org: org, Cursor: cursor, Limit: vigil.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		n += len(as)
		if next == "" {
			return n
		}
		cursor = next
	}
}
