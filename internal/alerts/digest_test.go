package alerts

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestLastDigestTime(t *testing.T) {
	day := func(d, h, m int) time.Time { return time.Date(2025, 3, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"before the hour: yesterday's", day(14, 6, 59), day(13, 7, 0)},
		{"at the hour: today's", day(14, 7, 0), day(14, 7, 0)},
		{"after the hour: today's", day(14, 23, 30), day(14, 7, 0)},
		{"another zone is read in UTC", time.Date(2025, 3, 14, 8, 30, 0, 0, time.FixedZone("CET", 3600)), day(14, 7, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lastDigestTime(tt.now, 7); !got.Equal(tt.want) {
				t.Errorf("lastDigestTime(%v, 7) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

func TestDigestAtTheHour(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		clk := &fakeNow{warnNow} // 05:00, two hours before the 07:00 digest
		svc := newService(t, s, clk)
		seen := clk.now().Add(-time.Hour)
		openPort := testAlert("RXA", "192.0.2.10 has port 445 open", vigil.SeverityMedium, seen)
		raise(t, svc, s, openPort,
			testAlert("RXA", "A device at 192.0.2.11 may be infected", vigil.SeverityCritical, seen),
			testAlert("RXB", "192.0.2.200 is scanning", vigil.SeverityLow, seen))

		// The loop writes what is due, then sleeps until the next hour; the fake sleep
		// moves the clock and feeds in more events, as a day would.
		var sleeps []time.Duration
		sleep := func(_ context.Context, d time.Duration) bool {
			sleeps = append(sleeps, d)
			clk.advance(d)
			if len(sleeps) == 1 {
				raise(t, svc, s, openPort) // a repeat
			}
			return len(sleeps) < 3
		}
		svc.digestLoop(t.Context(), sleep)

		if want := []time.Duration{2 * time.Hour, 24 * time.Hour, 24 * time.Hour}; !durationsEqual(sleeps, want) {
			t.Errorf("the loop slept %v, want %v (until each 07:00)", sleeps, want)
		}
		rxa := outboxOf(t, s, "RXA", vigil.OutboxDigest)
		if len(rxa) != 2 {
			t.Fatalf("RXA has %d digests, want 2 (yesterday's, written at start, and today's with the repeat)", len(rxa))
		}
		first, second := rxa[1], rxa[0]
		if want := time.Date(2025, 3, 13, 7, 0, 0, 0, time.UTC); !first.DueAt.Equal(want) {
			t.Errorf("first digest due %v, want %v", first.DueAt, want)
		}
		if want := time.Date(2025, 3, 14, 7, 0, 0, 0, time.UTC); !second.DueAt.Equal(want) {
			t.Errorf("second digest due %v, want %v", second.DueAt, want)
		}
		for _, want := range []string{"Alder Community NHS Trust (RXA)", "2 new alerts, and 0 earlier alerts seen again",
			"critical 1, high 0, medium 1, low 0", "- [Critical] A device at 192.0.2.11 may be infected"} {
			if !strings.Contains(first.Body, want) {
				t.Errorf("first digest does not say %q:\n%s", want, first.Body)
			}
		}
		if !strings.Contains(second.Body, "0 new alerts, and 1 earlier alert seen again") ||
			!strings.Contains(second.Body, "port 445") || !strings.Contains(second.Body, "2 sightings") {
			t.Errorf("second digest should list the repeated alert, seen twice:\n%s", second.Body)
		}
		if first.Subject != "vigil daily digest for Alder Community NHS Trust: 2 new alerts, 0 alerts seen again" {
			t.Errorf("subject %q", first.Subject)
		}
		if n := len(outboxOf(t, s, "RXB", vigil.OutboxDigest)); n != 1 {
			t.Errorf("RXB has %d digests, want 1 (nothing new after the first)", n)
		}
		if n := len(outboxOf(t, s, "RXC", vigil.OutboxDigest)); n != 0 {
			t.Errorf("RXC, with no alerts, has %d digests", n)
		}
	})
}

func TestWriteDigestsTwiceADayWritesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		seen := warnNow.Add(-time.Hour)
		at := time.Date(2025, 3, 14, 7, 0, 0, 0, time.UTC)
		raise(t, svc, s, testAlert("RXA", "rxa.example sends spam", vigil.SeverityLow, seen))
		if n, err := svc.WriteDigests(t.Context(), at); err != nil || n != 1 {
			t.Fatalf("WriteDigests = %d, %v; want 1 organisation", n, err)
		}
		raise(t, svc, s, testAlert("RXA", "www.rxa.example sends spam", vigil.SeverityLow, seen))
		if n, err := svc.WriteDigests(t.Context(), at.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("WriteDigests again the same day = %d, %v; want 0", n, err)
		}
		if n, err := svc.WriteDigests(t.Context(), at.Add(24*time.Hour)); err != nil || n != 1 {
			t.Fatalf("WriteDigests the next day = %d, %v; want 1", n, err)
		}
		ds := outboxOf(t, s, "RXA", vigil.OutboxDigest)
		if len(ds) != 2 || !strings.Contains(ds[0].Body, "www.rxa.example") || strings.Contains(ds[0].Body, "- [Low] rxa.example sends spam") {
			t.Errorf("the next day's digest should hold only the alert raised after the first:\n%+v", ds)
		}
	})
}

func durationsEqual(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The digest goes to everyone at the organisation, so a TLP:RED alert is listed without
// its title.
func TestDigestLineKeepsRedTitlesOut(t *testing.T) {
	for _, tc := range []struct {
		tlp       vigil.TLP
		showTitle bool
	}{{vigil.TLPRed, false}, {vigil.TLPAmberStrict, true}, {vigil.TLPClear, true}, {"", true}} {
		a := vigil.Alert{ID: 42, Severity: vigil.SeverityHigh, Title: "Secret partner report about 192.0.2.7", TLP: tc.tlp, Count: 1, Status: vigil.AlertOpen}
		line := digestLine(vigil.DigestItem{Alert: a, New: true})
		if strings.Contains(line, a.Title) != tc.showTitle || !strings.Contains(line, "alert 42") {
			t.Errorf("TLP %q: digest line %q; want the title shown: %v", tc.tlp, line, tc.showTitle)
		}
	}
}

// A digest is marked with the strictest marking among the alerts whose titles it shows;
// an unmarked alert counts as AMBER, and a RED one, listed without its title, not at all.
func TestDigestTLP(t *testing.T) {
	item := func(tlp vigil.TLP) vigil.DigestItem {
		return vigil.DigestItem{Alert: vigil.Alert{Severity: vigil.SeverityLow, TLP: tlp}}
	}
	for _, tc := range []struct {
		name  string
		items []vigil.DigestItem
		want  vigil.TLP
	}{
		{"clear only", []vigil.DigestItem{item(vigil.TLPClear), item(vigil.TLPClear)}, vigil.TLPClear},
		{"green and amber+strict", []vigil.DigestItem{item(vigil.TLPGreen), item(vigil.TLPAmberStrict)}, vigil.TLPAmberStrict},
		{"unmarked counts as amber", []vigil.DigestItem{item(vigil.TLPGreen), item("")}, vigil.TLPAmber},
		{"red titles are not shown", []vigil.DigestItem{item(vigil.TLPClear), item(vigil.TLPRed)}, vigil.TLPClear},
		{"red alone", []vigil.DigestItem{item(vigil.TLPRed)}, vigil.TLPAmber},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := digestTLP(tc.items); got != tc.want {
				t.Errorf("digestTLP = %q, want %q", got, tc.want)
			}
		})
	}
}

// The digest lists high and critical alerts too, and says they reached at once only
// those who chose immediate messages: people who chose the digest alone read them here.
func TestDigestListsHighAlertsForDigestOnlyPeople(t *testing.T) {
	org := vigil.Org{ODSCode: "RXA", Name: "Alder"}
	items := []vigil.DigestItem{
		{Alert: vigil.Alert{ID: 1, Severity: vigil.SeverityCritical, Title: "Ransomware beacon from 192.0.2.9", Count: 1, Status: vigil.AlertOpen}, New: true},
		{Alert: vigil.Alert{ID: 2, Severity: vigil.SeverityLow, Title: "Spam from rxa.example", Count: 1, Status: vigil.AlertOpen}, New: true},
	}
	_, body := digestText(org, time.Date(2025, 3, 14, 7, 0, 0, 0, time.UTC), items)
	for _, want := range []string{"- [Critical] Ransomware beacon from 192.0.2.9", "- [Low] Spam from rxa.example",
		"not to those who chose the daily digest alone"} {
		if !strings.Contains(body, want) {
			t.Errorf("digest does not say %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "were also sent to you") {
		t.Errorf("digest tells everyone they had high alerts at once:\n%s", body)
	}
}
