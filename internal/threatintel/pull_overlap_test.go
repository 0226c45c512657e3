package threatintel_test

import (
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// "Pull now" while a pull of the feed runs follows that pull rather than starting one
// alongside it (the two would each withdraw what the other stored), as do a scheduled
// pull and a synchronous one, on a server holding the cluster's lease as it does in
// production.
func TestPullsOfOneFeedNeverOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		c := pullServer(t, s, "node-a")
		other := vigil.Principal{Email: "other-admin@centre.example", Role: vigil.RoleSectorAdmin}
		src, f := heldFeed(t, s)
		first, err := c.StartFeedPull(ctx, admin, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		src.AwaitRequest(t) // the first pull is waiting for the list
		for _, p := range []vigil.Principal{admin, analyst} {
			again, err := c.StartFeedPull(ctx, p, f.ID)
			if err != nil || again.ID != first.ID {
				t.Errorf("%s pulls again: job %d (%v), want the running job %d", p.Email, again.ID, err, first.ID)
			}
		}
		if _, err := c.StartFeedPull(ctx, other, f.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("another admin pulls again: %v, want a conflict (the running job is not theirs to follow)", err)
		}
		if _, err := c.PullFeed(ctx, analyst, f.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a synchronous pull meanwhile: %v, want a conflict", err)
		}
		threatintel.PullDue(c, ctx) // the schedule finds the feed due, and skips it
		src.Let(t)
		c.WaitJobs()
		if total, most := src.Counts(); most != 1 || total != 1 {
			t.Errorf("the source answered %d requests, at most %d at once; want one pull", total, most)
		}
		if j, err := c.Job(ctx, admin, first.ID); err != nil || j.State != vigil.JobDone {
			t.Errorf("first job %+v (%v), want done", j, err)
		}
		// Once it has ended, the feed can be pulled again.
		next, err := c.StartFeedPull(ctx, admin, f.ID)
		if err != nil || next.ID == first.ID {
			t.Fatalf("a pull after the first ended: job %d (%v), want a new job", next.ID, err)
		}
		src.AwaitRequest(t)
		src.Let(t)
		c.WaitJobs()
		if j, err := c.Job(ctx, admin, next.ID); err != nil || j.State != vigil.JobDone {
			t.Errorf("second job %+v (%v), want done", j, err)
		}
	})
}
