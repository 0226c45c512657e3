package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The sector report's tallies count what falls in the period only, group by the
// organisation's kind and region, and count overlapping IP ranges once.
func TestReportTallies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s) // 2025-03-14 09:26 UTC
		rxa := org("RXA", vigil.OrgTrust, "192.0.2.0/24", "rxa.nhs.uk")
		rxb := org("RXB", vigil.OrgGP, "192.0.2.0/25", "198.51.100.0/30", "2001:db8::/48", "rxb.nhs.uk")
		rxb.Region = "London"
		mustCreate(t, s, rxa)
		mustCreate(t, s, rxb)
		mustCreate(t, s, org("RXC", vigil.OrgGP)) // never alerted
		raise := func(o, key string, sev vigil.Severity, kind vigil.AlertKind) int64 {
			t.Helper()
			a := alert(o, key, sev)
			a.Kind = kind
			id, _, err := s.RaiseAlert(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		raise("RXA", "before", vigil.SeverityLow, vigil.AlertSighting) // 14 March: outside
		clk.advance(24 * time.Hour)                                    // 15 March
		from := vigil.DayOf(clk.now())
		a1 := raise("RXA", "a", vigil.SeverityHigh, vigil.AlertEarlyWarning)
		a2 := raise("RXA", "b", vigil.SeverityHigh, vigil.AlertEarlyWarning)
		raise("RXB", "c", vigil.SeverityCritical, vigil.AlertSighting)
		clk.advance(2 * time.Hour)
		if _, err := s.ResolveAlert(ctx, a1, "it@rxa.example", "Patched."); err != nil {
			t.Fatal(err)
		}
		clk.advance(4 * time.Hour)
		if _, err := s.ResolveAlert(ctx, a2, "it@rxa.example", "Patched."); err != nil {
			t.Fatal(err)
		}
		to := from.AddDate(0, 0, 1)

		alerts, err := s.ReportAlerts(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		wantAlerts := []store.ReportAlertTally{
			{vigil.OrgGP, "London", vigil.AlertSighting, vigil.SeverityCritical, 1},
			{vigil.OrgTrust, "North West", vigil.AlertEarlyWarning, vigil.SeverityHigh, 2},
		}
		byOrgKind := cmpopts.SortSlices(func(a, b store.ReportAlertTally) bool { return a.OrgKind < b.OrgKind })
		if diff := cmp.Diff(wantAlerts, alerts, byOrgKind); diff != "" {
			t.Errorf("ReportAlerts (-want +got):\n%s", diff)
		}

		byRegion := cmpopts.SortSlices(func(a, b store.OrgTally) bool { return a.Region+string(a.Kind) < b.Region+string(b.Kind) })
		reached, err := s.OrgsAlerted(ctx, from, to)
		if diff := cmp.Diff([]store.OrgTally{{"London", vigil.OrgGP, 1}, {"North West", vigil.OrgTrust, 1}}, reached, byRegion); err != nil || diff != "" {
			t.Errorf("OrgsAlerted: %v (-want +got):\n%s", err, diff)
		}
		registered, err := s.OrgsRegistered(ctx, to)
		if diff := cmp.Diff([]store.OrgTally{{"London", vigil.OrgGP, 1}, {"North West", vigil.OrgGP, 1}, {"North West", vigil.OrgTrust, 1}}, registered, byRegion); err != nil || diff != "" {
			t.Errorf("OrgsRegistered: %v (-want +got):\n%s", err, diff)
		}

		times, err := s.ResolveTimes(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := store.ResolveTimes{Severity: vigil.SeverityHigh, Raised: 2, Resolved: 2, Median: 2 * time.Hour, P90: 6 * time.Hour}
		if len(times) != 4 || times[1] != want || times[0].Raised != 1 || times[0].Resolved != 0 {
			t.Errorf("ResolveTimes = %+v, want critical 1 raised none resolved, then %+v", times, want)
		}

		cov, err := s.ReportAssets(ctx, to)
		wantCov := store.AssetCoverage{Orgs: 2, IPv4Addresses: 256 + 4, IPv6Networks: 1 << 16, Domains: 2}
		if err != nil || cov != wantCov {
			t.Errorf("ReportAssets = %+v, %v; want %+v", cov, err, wantCov)
		}
	})
}

// Sightings, telemetry and feeds for the report: by the UTC days of the period only.
func TestReportHunting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		day := vigil.DayOf(clk.now())
		before := day.AddDate(0, 0, -1)
		domain := sighting("RXB", day, "evil.example", "evil.example", 2)
		domain.ObservableType, domain.IndicatorType = vigil.TypeDomain, vigil.TypeDomain
		if err := s.AddSightings(ctx, []vigil.Sighting{
			sighting("RXA", day, "192.0.2.7", "192.0.2.0/24", 3),
			sighting("RXB", day, "192.0.2.8", "192.0.2.0/24", 1),
			sighting("RXA", before, "192.0.2.7", "192.0.2.0/24", 50),
			domain,
		}); err != nil {
			t.Fatal(err)
		}
		for _, sent := range []struct {
			org string
			day time.Time
		}{{"RXA", day}, {"RXB", day}, {"RXB", day.AddDate(0, 0, 1)}, {"RXA", before}} {
			if err := s.IndexObservables(ctx, sent.org, sent.day, [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateFeed(ctx, feed("botnets")); err != nil {
			t.Fatal(err)
		}
		to := day.AddDate(0, 0, 2)

		got, err := s.ReportSightings(ctx, day, to)
		want := []store.SightingTally{{vigil.TypeCIDR, 4, 1, 2}, {vigil.TypeDomain, 2, 1, 1}}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("ReportSightings: %v (-want +got):\n%s", err, diff)
		}
		for _, up := range []struct {
			token  int64
			org    string
			day    time.Time
			events int64
		}{{1, "RXA", day, 10}, {1, "RXA", day, 5}, {2, "RXB", day.AddDate(0, 0, 1), 7}, {3, "RXB", before, 100}} {
			if err := s.RecordTelemetrySource(ctx, up.token, up.org, up.day, up.events); err != nil {
				t.Fatal(err)
			}
		}
		tele, err := s.ReportTelemetry(ctx, day, to)
		wantTele := store.TelemetryTally{Orgs: 2, OrgDays: 3, Sensors: 2, Uploads: 3, Events: 22}
		if err != nil || tele != wantTele {
			t.Errorf("ReportTelemetry = %+v, %v; want %+v", tele, err, wantTele)
		}
		feeds, err := s.ReportFeeds(ctx, day)
		if err != nil || feeds != (store.FeedTally{Subscribed: 1, Enabled: 1}) {
			t.Errorf("ReportFeeds = %+v, %v; want one enabled feed never pulled", feeds, err)
		}
	})
}
