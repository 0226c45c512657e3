package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Every change to what a server holds in memory is counted in its own transaction, and
// reads, failed and empty changes are not.
func TestVersionsCountChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		steps := []struct {
			name   string
			change func() error
			want   store.Versions
		}{
			{"fresh", func() error { return nil }, store.Versions{}},
			{"org with assets", func() error {
				_, _, err := s.CreateOrg(ctx, org("RX1", vigil.OrgTrust, "192.0.2.0/24"))
				return err
			}, store.Versions{Assets: 1}},
			{"refused org", func() error {
				_, _, err := s.CreateOrg(ctx, org("RX1", vigil.OrgTrust))
				if err == nil {
					t.Error("a second RX1 was accepted")
				}
				return nil
			}, store.Versions{Assets: 1}},
			{"org without assets", func() error {
				_, _, err := s.CreateOrg(ctx, org("RX2", vigil.OrgTrust))
				return err
			}, store.Versions{Assets: 1}},
			{"name changed", func() error {
				name := "Renamed Trust"
				_, _, err := s.UpdateOrg(ctx, "RX1", vigil.OrgPatch{Name: &name})
				return err
			}, store.Versions{Assets: 1}},
			{"assets changed", func() error {
				_, _, err := s.UpdateOrg(ctx, "RX1", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetDomain, Value: "trust.example"}}})
				return err
			}, store.Versions{Assets: 2}},
			{"indicators", func() error {
				_, err := s.UpsertSourceIndicators(ctx, "feed", []vigil.Indicator{{Type: vigil.TypeDomain, Value: "bad.example"}})
				return err
			}, store.Versions{Intel: 1, Assets: 2}},
			{"same indicators again", func() error {
				_, err := s.UpsertSourceIndicators(ctx, "feed", []vigil.Indicator{{Type: vigil.TypeDomain, Value: "bad.example"}})
				return err
			}, store.Versions{Intel: 1, Assets: 2}},
			{"feed deleted", func() error {
				f, err := s.CreateFeed(ctx, feed("gone"))
				if err == nil {
					_, _, err = s.DeleteFeed(ctx, f.ID)
				}
				return err
			}, store.Versions{Intel: 2, Assets: 2}},
		}
		for _, st := range steps {
			if err := st.change(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			got, err := s.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != st.want {
				t.Errorf("after %s: versions %+v, want %+v", st.name, got, st.want)
			}
		}
	})
}

// Of servers claiming a due job at once, one gets it; nobody gets it again until it is
// due again, and a holder that dies leaves it to another when its lease ends.
func TestClaimJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		const every, lease = time.Hour, 30 * time.Second
		var mu sync.Mutex
		var winners []int
		storetest.Concurrently(t, 4, func(i int) error {
			got, err := s.ClaimJob(ctx, "housekeeping", string(rune('a'+i)), now, every, lease)
			if got {
				mu.Lock()
				winners = append(winners, i)
				mu.Unlock()
			}
			return err
		})
		if len(winners) != 1 {
			t.Fatalf("winners %v, want exactly one", winners)
		}
		holder := string(rune('a' + winners[0]))
		other := "z"
		claim := func(who string, at time.Time) bool {
			got, err := s.ClaimJob(ctx, "housekeeping", who, at, every, lease)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if claim(other, now.Add(lease/2)) {
			t.Error("another server took the job during the lease")
		}
		if !claim(other, now.Add(lease+time.Second)) {
			t.Error("another server could not take the job of a holder whose lease ended")
		}
		if ok, _ := s.RenewJob(ctx, "housekeeping", holder, now.Add(time.Minute)); ok {
			t.Error("the first holder renewed a lease it lost")
		}
		if err := s.FinishJob(ctx, "housekeeping", other, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if claim(holder, now.Add(2*time.Minute)) {
			t.Error("a finished job was claimed before it was due again")
		}
		if !claim(holder, now.Add(time.Minute+every)) {
			t.Error("a job due again could not be claimed")
		}
	})
}

// Heartbeats list the servers seen lately; a server that stops is forgotten.
func TestNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		for i, id := range []string{"a", "b"} {
			n := store.Node{ID: id, Intel: int64(i + 1), StartedAt: now, SeenAt: now.Add(time.Duration(i) * time.Minute)}
			if err := s.ReportNode(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		live, err := s.Nodes(ctx, now.Add(30*time.Second))
		if err != nil || len(live) != 1 || live[0].ID != "b" || live[0].Intel != 2 {
			t.Fatalf("live nodes %+v, %v; want b at intel 2", live, err)
		}
		if err := s.ForgetNode(ctx, "b", now.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if all, _ := s.Nodes(ctx, time.Time{}); len(all) != 0 {
			t.Errorf("after forgetting: %+v", all)
		}
	})
}
