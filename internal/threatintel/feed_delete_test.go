package threatintel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// trickleList serves a list in two parts: more addresses than one batch stores, at
// once, then, once the test lets it (rest), as many again. A pull of it has stored its
// first batch while it waits for the rest.
type trickleList struct {
	url     string
	rest    chan struct{}
	release func() // lets the rest through, to requests under way and to come
}

// trickleHalf is how many addresses each part of a trickleList holds: past the 10,000
// an import stores per batch.
const trickleHalf = 10_500

func newTrickleList(t *testing.T) *trickleList {
	l := &trickleList{rest: make(chan struct{})}
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	l.release = sync.OnceFunc(func() { close(l.rest) })
	t.Cleanup(l.release)
	l.url = srv.URL + "/list.txt"
	return l
}

func (l *trickleList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	write := func(part int) {
		_, _ = w.Write([]byte(addresses(part*trickleHalf, trickleHalf)))
		w.(http.Flusher).Flush()
	}
	write(0)
	select {
	case <-l.rest:
		write(1)
	case <-r.Context().Done():
	}
}

// claimsOf reports whether any indicator is still held by source.
func claimsOf(t *testing.T, s *store.Store, source string) bool {
	t.Helper()
	got, _, err := s.SearchIndicators(t.Context(), vigil.IndicatorFilter{Source: source, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return len(got) > 0
}

// awaitClaims waits until the pull of source has stored its first batch.
func awaitClaims(t *testing.T, s *store.Store, source string) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); !claimsOf(t, s, source); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the pull of %q stored nothing within 20 s", source)
		}
	}
}

// A feed deleted while it is being pulled keeps nothing, however the pull was started
// and whichever server deletes it: once DELETE returns, nothing is held by the feed or
// matches for it; the pull stops (a job fails saying the feed was deleted) and stores
// nothing more when the source sends the rest; a new feed of the same name starts empty.
func TestDeleteFeedDuringItsPull(t *testing.T) {
	for _, scheduled := range []bool{false, true} {
		name := map[bool]string{false: "pull now", true: "scheduled"}[scheduled]
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				a := pullServer(t, s, "node-a")
				deleteWhilePulled(t, s, a, a, scheduled)
			})
		})
		t.Run(name+", deleted at another server", func(t *testing.T) {
			dsn := storetest.PostgresDSN(t)
			sa := openOn(t, dsn)
			deleteWhilePulled(t, sa, pullServer(t, sa, "node-a"), pullServer(t, openOn(t, dsn), "node-b"), scheduled)
		})
	}
}

// deleteWhilePulled has server a pull a feed of store s and server b delete it after the
// pull's first batch.
func deleteWhilePulled(t *testing.T, s *store.Store, a, b *threatintel.Service, scheduled bool) {
	ctx := t.Context()
	src := newTrickleList(t)
	f, err := s.CreateFeed(ctx, vigil.Feed{Name: "doomed list", Kind: vigil.FeedURL, URL: src.url, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	var job vigil.ImportJob
	pulled := make(chan struct{})
	if scheduled {
		go func() { threatintel.PullDue(a, context.WithoutCancel(ctx)); close(pulled) }()
	} else if job, err = a.StartFeedPull(ctx, admin, f.ID); err != nil {
		t.Fatal(err)
	}
	awaitClaims(t, s, f.Name)

	if err := b.DeleteFeed(ctx, admin, f.ID); err != nil {
		t.Fatal(err)
	}
	if claimsOf(t, s, f.Name) {
		t.Errorf("once DELETE returned, the deleted feed still holds indicators")
	}
	src.release() // a pull still fetching (on another server) gets the rest
	if scheduled {
		<-pulled
	} else {
		a.WaitJobs()
	}
	if claimsOf(t, s, f.Name) {
		t.Errorf("after the pull ended, the deleted feed holds indicators")
	}
	for _, c := range []*threatintel.Service{a, b} {
		if err := c.Recompile(ctx); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{address(0), address(2*trickleHalf - 1)} { // of the first batch and of the rest
			if got := matches(c, vigil.TypeIPv4, v); len(got) > 0 {
				t.Errorf("%s of the deleted feed matches for %v", v, got)
			}
		}
	}
	if !scheduled {
		got, err := s.GetImportJob(ctx, job.ID)
		if err != nil || got.State != vigil.JobFailed || !strings.Contains(got.Error, "was deleted") ||
			strings.Contains(got.Error, "GET /api") {
			t.Errorf("the pull's job: %+v (%v), want failed saying its feed was deleted", got, err)
		}
	}
	again, err := s.CreateFeed(ctx, vigil.Feed{Name: f.Name, Kind: vigil.FeedURL, URL: src.url})
	if err != nil {
		t.Fatal(err)
	}
	if again, err = s.GetFeed(ctx, again.ID); err != nil || again.ID == f.ID || again.Indicators != 0 || again.Status != vigil.FeedNever {
		t.Errorf("a new feed of the same name: %+v (%v), want a new id, no indicators and never pulled", again, err)
	}
}
