package threatintel_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/cluster"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// gatedList serves a list once the test opens its gate, counting the requests it is
// answering at once.
type gatedList struct {
	gate    chan struct{}
	started chan struct{} // one value per request
	mu      sync.Mutex
	now     int
	most    int
	total   int
}

func (g *gatedList) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	g.mu.Lock()
	g.now++
	g.total++
	g.most = max(g.most, g.now)
	g.mu.Unlock()
	g.started <- struct{}{}
	<-g.gate
	_, _ = w.Write([]byte("192.0.2.80\n"))
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
}

// "Pull now" while a pull of the feed runs follows that pull rather than starting one
// alongside it (the two would each withdraw what the other stored), as do a scheduled
// pull and a synchronous one, on a server holding the cluster's lease as it does in
// production.
func TestPullsOfOneFeedNeverOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		cl := cluster.New(cluster.Deps{Store: s, ID: "node-a"})
		c := threatintel.New(threatintel.Deps{Store: s, AllowPrivate: loopback, Once: cl.Once, Node: func() string { return "node-a" }})
		admin := vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
		other := vigil.Principal{Email: "other-admin@centre.example", Role: vigil.RoleSectorAdmin}
		g := &gatedList{gate: make(chan struct{}), started: make(chan struct{}, 16)}
		srv := httptest.NewServer(g)
		t.Cleanup(srv.Close)
		f, err := s.CreateFeed(ctx, vigil.Feed{Name: "c2 list", Kind: vigil.FeedURL, URL: srv.URL + "/list.txt", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		first, err := c.StartFeedPull(ctx, admin, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		<-g.started // the first pull is waiting for the list
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
		close(g.gate)
		c.WaitJobs()
		g.mu.Lock()
		most, total := g.most, g.total
		g.mu.Unlock()
		if most != 1 || total != 1 {
			t.Errorf("the source answered %d requests, at most %d at once; want one pull", total, most)
		}
		if j, err := c.Job(ctx, admin, first.ID); err != nil || j.State != vigil.JobDone {
			t.Errorf("first job %+v (%v), want done", j, err)
		}
		// Once it has ended, the feed can be pulled again (the gate stays open).
		next, err := c.StartFeedPull(ctx, admin, f.ID)
		c.WaitJobs()
		if err != nil || next.ID == first.ID {
			t.Errorf("a pull after the first ended: job %d (%v), want a new job", next.ID, err)
		}
		if j, err := c.Job(ctx, admin, next.ID); err != nil || j.State != vigil.JobDone {
			t.Errorf("second job %+v (%v), want done", j, err)
		}
	})
}
