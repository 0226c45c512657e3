package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestAlertTallies checks the overview's figures: alerts raised per UTC day by severity
// and kind inside the window only, the unresolved ones by status and severity, and the
// open ones oldest first.
func TestAlertTallies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clock := fakeClock(s) // 2025-03-14 09:26 UTC
		if _, _, err := s.CreateOrg(ctx, org("RXA", vigil.OrgTrust)); err != nil {
			t.Fatal(err)
		}
		raise := func(key string, sev vigil.Severity, kind vigil.AlertKind) int64 {
			t.Helper()
			a := alert("RXA", key, sev)
			a.Kind = kind
			id, _, err := s.RaiseAlert(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		old := raise("before the window", vigil.SeverityHigh, vigil.AlertSighting)
		clock.advance(24 * time.Hour) // 15 March
		first := raise("a", vigil.SeverityHigh, vigil.AlertEarlyWarning)
		raise("b", vigil.SeverityHigh, vigil.AlertEarlyWarning)
		raise("c", vigil.SeverityLow, vigil.AlertSighting)
		clock.advance(15 * time.Hour) // 16 March, 00:26 UTC
		ack := raise("d", vigil.SeverityCritical, vigil.AlertRetroHunt)
		resolved := raise("e", vigil.SeverityMedium, vigil.AlertEarlyWarning)
		if _, _, err := s.AckAlert(ctx, ack, "it@rxa.example"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveAlert(ctx, resolved, "it@rxa.example", "Patched."); err != nil {
			t.Fatal(err)
		}

		day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
		got, err := s.AlertsRaised(ctx, day(15), day(17))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.AlertTally{
			{day(15), vigil.SeverityHigh, vigil.AlertEarlyWarning, 2},
			{day(15), vigil.SeverityLow, vigil.AlertSighting, 1},
			{day(16), vigil.SeverityCritical, vigil.AlertRetroHunt, 1},
			{day(16), vigil.SeverityMedium, vigil.AlertEarlyWarning, 1},
		}
		sortTallies(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("AlertsRaised (-want +got):\n%s", diff)
		}

		un, err := s.UnresolvedAlerts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, u := range un {
			counts[string(u.Status)+" "+string(u.Severity)] = u.Count
		}
		if diff := cmp.Diff(map[string]int{"open high": 3, "open low": 1, "acknowledged critical": 1}, counts); diff != "" {
			t.Errorf("UnresolvedAlerts (-want +got):\n%s", diff)
		}

		oldest, err := s.OldestOpenAlerts(ctx, 2)
		if err != nil || len(oldest) != 2 || oldest[0].ID != old || oldest[1].ID != first {
			t.Errorf("OldestOpenAlerts = %v, %v; want alerts %d and %d", ids(oldest), err, old, first)
		}
	})
}

func sortTallies(ts []store.AlertTally) {
	for i := range ts {
		for j := i + 1; j < len(ts); j++ {
			a, b := ts[i], ts[j]
			if b.Day.Before(a.Day) || b.Day.Equal(a.Day) && string(b.Severity)+string(b.Kind) < string(a.Severity)+string(a.Kind) {
				ts[i], ts[j] = b, a
			}
		}
	}
}

func ids(as []vigil.Alert) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

// TestTopSightedIndicators checks that indicators are ranked by the events that held
// them since a day, with how many organisations saw them.
func TestTopSightedIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, ods := range []string{"RXA", "RXB"} {
			if _, _, err := s.CreateOrg(ctx, org(ods, vigil.OrgTrust)); err != nil {
				t.Fatal(err)
			}
		}
		d := func(n int) time.Time { return time.Date(2025, 3, n, 0, 0, 0, 0, time.UTC) }
		if err := s.AddSightings(ctx, []vigil.Sighting{
			sighting("RXA", d(10), "198.51.100.7", "198.51.100.0/24", 500), // before the window
			sighting("RXA", d(12), "198.51.100.7", "198.51.100.0/24", 3),
			sighting("RXB", d(13), "198.51.100.9", "198.51.100.0/24", 4),
			sighting("RXA", d(13), "203.0.113.5", "203.0.113.0/24", 5),
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.TopSightedIndicators(ctx, d(12), 10)
		if err != nil {
			t.Fatal(err)
		}
		var short []string
		for _, g := range got {
			short = append(short, fmt.Sprintf("%s %s %d in %d", g.Indicator, g.Type, g.Events, g.Orgs))
		}
		want := []string{"198.51.100.0/24 cidr 7 in 2", "203.0.113.0/24 cidr 5 in 1"}
		if diff := cmp.Diff(want, short); diff != "" {
			t.Errorf("TopSightedIndicators (-want +got):\n%s", diff)
		}
		if top, err := s.TopSightedIndicators(ctx, d(12), 1); err != nil || len(top) != 1 || top[0].LastSeen.IsZero() {
			t.Errorf("the top one = %+v, %v; want one with when it was last seen", top, err)
		}
	})
}

// TestAssignUnrouted checks that an assigned event leaves the waiting list and the
// count, keeps who assigned it where, and cannot be assigned twice; and that a repeat
// keeps the stricter TLP.
func TestAssignUnrouted(t *testing.T) {
	t0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		fakeClock(s)
		if _, _, err := s.CreateOrg(ctx, org("RXA", vigil.OrgTrust)); err != nil {
			t.Fatal(err)
		}
		red := unrouted("192.0.2.99", "k1", t0)
		red.Event.TLP = vigil.TLPRed
		green := unrouted("192.0.2.99", "k1", t0)
		green.Event.TLP = vigil.TLPGreen
		id, _, err := s.AddUnrouted(ctx, green)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddUnrouted(ctx, red); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddUnrouted(ctx, green); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddUnrouted(ctx, unrouted("192.0.2.98", "k2", t0)); err != nil {
			t.Fatal(err)
		}
		u, err := s.GetUnrouted(ctx, id)
		if err != nil || u.Event.TLP != vigil.TLPRed || u.Count != 3 || u.AssignedOrg != "" {
			t.Fatalf("GetUnrouted = %+v, %v; want RED (the strictest of its reports), counted 3, waiting", u, err)
		}
		if n, err := s.CountUnrouted(ctx, 100); err != nil || n != 2 {
			t.Errorf("CountUnrouted = %d, %v; want 2", n, err)
		}
		if n, err := s.CountUnrouted(ctx, 1); err != nil || n != 1 {
			t.Errorf("CountUnrouted up to 1 = %d, %v; want 1", n, err)
		}
		alertID, _, err := s.RaiseAlert(ctx, alert("RXA", "assigned", vigil.SeverityMedium))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AssignUnrouted(ctx, id, "RXA", "analyst@centre.example", alertID); err != nil {
			t.Fatal(err)
		}
		err = s.AssignUnrouted(ctx, id, "RXA", "admin@centre.example", alertID)
		wantError(t, err, vigil.ECONFLICT, "was assigned to RXA by analyst@centre.example already")
		if u, err = s.GetUnrouted(ctx, id); err != nil || u.AssignedOrg != "RXA" || u.AssignedBy != "analyst@centre.example" ||
			u.AssignedAt.IsZero() || u.AlertID != alertID {
			t.Errorf("assigned event %+v, %v", u, err)
		}
		if list, _, err := s.ListUnrouted(ctx, vigil.UnroutedFilter{}); err != nil || len(list) != 1 || list[0].Event.Observable != "192.0.2.98" {
			t.Errorf("waiting list %+v, %v; want only the other event", list, err)
		}
		if n, err := s.CountUnrouted(ctx, 100); err != nil || n != 1 {
			t.Errorf("CountUnrouted after assigning = %d, %v; want 1", n, err)
		}
		_, err = s.GetUnrouted(ctx, 999_999)
		wantError(t, err, vigil.ENOTFOUND, "no unrouted event 999999")
	})
}

// TestListOrgsSearch checks the search by ODS code prefix and by name, in any case,
// with LIKE's wildcards taken literally.
func TestListOrgsSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, o := range []vigil.Org{
			{ODSCode: "RXA", Name: "Northbrook Hospitals", Kind: vigil.OrgTrust},
			{ODSCode: "RXB", Name: "Eastmere 100% Care", Kind: vigil.OrgTrust},
			{ODSCode: "Y90001", Name: "Millbrook Surgery", Kind: vigil.OrgGP},
		} {
			if _, _, err := s.CreateOrg(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			search string
			want   []string
		}{
			{"rx", []string{"RXA", "RXB"}},
			{"BROOK", []string{"RXA", "Y90001"}},
			{"brook surg", []string{"Y90001"}},
			{"100%", []string{"RXB"}},
			{"%", []string{"RXB"}},
			{"_", nil},
			{"  ", []string{"RXA", "RXB", "Y90001"}},
		} {
			os, _, err := s.ListOrgs(ctx, vigil.OrgFilter{Search: tt.search})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range os {
				got = append(got, o.ODSCode)
			}
			if !cmp.Equal(got, tt.want) {
				t.Errorf("search %q = %v, want %v", tt.search, got, tt.want)
			}
		}
	})
}
