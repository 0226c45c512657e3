package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func unrouted(obs, key string, at time.Time) vigil.UnroutedEvent {
	return vigil.UnroutedEvent{Event: vigil.ThreatEvent{Type: "open_port", Observable: obs, ObservableType: vigil.TypeIPv4,
		Time: at, Source: "Shadowserver", Severity: vigil.SeverityMedium, Port: 3389, Service: "rdp",
		Description: "RDP open to the internet"}, Reporter: "analyst@centre.example", DedupKey: key}
}

func TestUnroutedKeepsAndCountsRepeats(t *testing.T) {
	t0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		fakeClock(s)
		first, created, err := s.AddUnrouted(ctx, unrouted("192.0.2.99", "k1", t0))
		if err != nil || !created {
			t.Fatalf("first AddUnrouted = %d, %v, %v; want a new entry", first, created, err)
		}
		again, created, err := s.AddUnrouted(ctx, unrouted("192.0.2.99", "k1", t0.Add(-time.Hour)))
		if err != nil || created || again != first {
			t.Fatalf("repeat AddUnrouted = %d, %v, %v; want entry %d counted again", again, created, err, first)
		}
		if _, _, err := s.AddUnrouted(ctx, unrouted("192.0.2.98", "k2", t0)); err != nil {
			t.Fatal(err)
		}
		got, next, err := s.ListUnrouted(ctx, vigil.UnroutedFilter{Limit: 1})
		if err != nil || len(got) != 1 || next == "" || got[0].Event.Observable != "192.0.2.98" {
			t.Fatalf("first page = %+v, %q, %v; want the newest entry and a next cursor", got, next, err)
		}
		got, next, err = s.ListUnrouted(ctx, vigil.UnroutedFilter{Cursor: next, Limit: 1})
		if err != nil || len(got) != 1 || next != "" {
			t.Fatalf("second page = %+v, %q, %v; want one entry and no cursor", got, next, err)
		}
		u := got[0]
		if u.Count != 2 || !u.Event.Time.Equal(t0.Add(-time.Hour)) || !u.LastSeen.Equal(t0) {
			t.Errorf("repeated entry count %d, seen %v–%v; want 2, %v–%v", u.Count, u.Event.Time, u.LastSeen, t0.Add(-time.Hour), t0)
		}
		if u.Event.Port != 3389 || u.Event.Service != "rdp" || u.Reporter != "analyst@centre.example" || u.Event.ObservableType != vigil.TypeIPv4 {
			t.Errorf("entry %+v lost fields of the event", u)
		}
		if got, _, _ := s.ListUnrouted(ctx, vigil.UnroutedFilter{Type: "compromise"}); len(got) != 0 {
			t.Errorf("filter by type compromise = %d entries, want 0", len(got))
		}
	})
}

func TestUnroutedRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, _, err := s.AddUnrouted(t.Context(), unrouted("192.0.2.99", "", time.Now()))
		wantError(t, err, vigil.EINVALID, "dedup key")
		_, _, err = s.ListUnrouted(t.Context(), vigil.UnroutedFilter{Cursor: "nonsense"})
		wantError(t, err, vigil.EINVALID, "page cursor is not valid")
	})
}
