package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Of "pull now" asked at once of several servers, one queues the feed's pull and the
// others get that job; once it has ended a new one is queued. A pull put back in the
// queue by its stopping server is taken by the next; an upload cannot be put back. A
// feed pull is refused by CreateImportJob while one is unfinished.
func TestQueueFeedPull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f, err := s.CreateFeed(ctx, feed("c2 list"))
		if err != nil {
			t.Fatal(err)
		}
		pull := vigil.ImportJob{Kind: vigil.JobFeedPull, StartedBy: "admin@centre.example", Source: f.Name, FeedID: f.ID}
		var mu sync.Mutex
		ids, created := map[int64]bool{}, 0
		storetest.Concurrently(t, 4, func(int) error {
			j, made, err := s.QueueFeedPull(ctx, pull)
			mu.Lock()
			defer mu.Unlock()
			ids[j.ID] = true
			if made {
				created++
			}
			return err
		})
		if len(ids) != 1 || created != 1 {
			t.Fatalf("4 servers queued %d jobs and were answered with %v, want one job for all", created, ids)
		}
		if _, err := s.CreateImportJob(ctx, pull); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a second unfinished pull of the feed: %v, want a conflict", err)
		}
		now := time.Now()
		j, got, err := s.ClaimImportJob(ctx, 0, "node-a", now, now.Add(time.Minute))
		if err != nil || !got {
			t.Fatalf("claim the queued pull: %v %v", got, err)
		}
		if ok, err := s.ReleaseImportJob(ctx, j.ID, "node-b", vigil.ImportProgress{}); ok || err != nil {
			t.Errorf("another server put node-a's job back: %v %v", ok, err)
		}
		if ok, err := s.ReleaseImportJob(ctx, j.ID, "node-a", vigil.ImportProgress{Stored: 5}); !ok || err != nil {
			t.Fatalf("node-a put its job back: %v %v", ok, err)
		}
		j, got, err = s.ClaimImportJob(ctx, 0, "node-b", now, now.Add(time.Minute))
		if err != nil || !got || j.Node != "node-b" || j.Progress.Stored != 5 {
			t.Fatalf("the next server took %+v (%v, %v), want the pull put back, with its progress", j, got, err)
		}
		if _, err := s.FinishImportJob(ctx, j.ID, "node-b", vigil.JobDone, vigil.ImportProgress{}, nil, ""); err != nil {
			t.Fatal(err)
		}
		next, made, err := s.QueueFeedPull(ctx, pull)
		if err != nil || !made || next.ID == j.ID {
			t.Errorf("a pull after the first ended: job %d, created %v (%v), want a new job", next.ID, made, err)
		}
		up, err := s.CreateImportJob(ctx, vigil.ImportJob{Kind: vigil.JobUpload, StartedBy: "admin@centre.example", Source: "partner",
			Node: "node-a", LeaseUntil: now.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.ReleaseImportJob(ctx, up.ID, "node-a", vigil.ImportProgress{}); ok || err != nil {
			t.Errorf("an upload was put back in the queue: %v %v", ok, err)
		}
	})
}

// A lease is seen as held while it runs, and not once let go or run out; a lease let go
// keeps the job's last completion.
func TestJobLeased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		leased := func(at time.Time) bool {
			held, err := s.JobLeased(ctx, "feed-pull-1", at)
			if err != nil {
				t.Fatal(err)
			}
			return held
		}
		if leased(now) {
			t.Error("a job never claimed is leased")
		}
		if got, err := s.ClaimJob(ctx, "feed-pull-1", "node-a", now, 0, 30*time.Second); !got || err != nil {
			t.Fatalf("claim: %v %v", got, err)
		}
		if !leased(now.Add(10 * time.Second)) {
			t.Error("a running lease is not seen")
		}
		if leased(now.Add(time.Minute)) {
			t.Error("a lease that ran out is seen as held")
		}
		if err := s.ReleaseJob(ctx, "feed-pull-1", "node-a"); err != nil {
			t.Fatal(err)
		}
		if leased(now.Add(10 * time.Second)) {
			t.Error("a lease let go is seen as held")
		}
		if got, err := s.ClaimJob(ctx, "feed-pull-1", "node-b", now.Add(time.Second), time.Hour, 30*time.Second); !got || err != nil {
			t.Errorf("another server could not take a job let go before it was done: %v %v", got, err)
		}
	})
}
