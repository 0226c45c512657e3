package exposure_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/feeds/feedstest"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// newHeldKEV serves the test KEV catalogue, holding each request (feedstest.Held).
func newHeldKEV(t *testing.T) *feedstest.Held {
	body, err := os.ReadFile("testdata/kev.json")
	if err != nil {
		t.Fatal(err)
	}
	return feedstest.NewHeld(t, "/kev.json", body)
}

// kevSource registers an enabled KEV source downloaded from h, never pulled.
func kevSource(t *testing.T, svc *exposure.Service, h *feedstest.Held) vigil.AdvisorySource {
	t.Helper()
	a, err := svc.CreateSource(t.Context(), analyst, vigil.AdvisorySource{Name: "KEV", Kind: vigil.AdvisoryKEV, URL: h.URL, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// awaitDone waits for a pull started with StartPull to end, returning its error.
func awaitDone(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the pull did not end within 10 s")
		return nil
	}
}

// "Pull now" runs in the background; a second while it runs is a conflict that says so,
// and the scheduled pass skips the source; the source shows it is being pulled until the
// pull ends, and the source answered one request.
func TestPullsOneAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		h := newHeldKEV(t)
		a := kevSource(t, f.svc, h)
		if _, err := f.svc.StartPull(ctx, ownAdmin, a.ID); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation's admin pulling: %v, want forbidden", err)
		}
		done, err := f.svc.StartPull(ctx, analyst, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		h.AwaitRequest(t)
		if !f.svc.Pulling(ctx, a.ID) {
			t.Error("the source does not show the pull running")
		}
		_, err = f.svc.StartPull(ctx, analyst, a.ID)
		if vigil.ErrorCode(err) != vigil.ECONFLICT || !strings.Contains(vigil.ErrorMessage(err), "you can pull it again then") {
			t.Errorf("a second pull while one runs: %v, want a conflict saying when to pull again", err)
		}
		exposure.PullDue(f.svc, ctx) // the schedule finds the source due, and skips it
		h.Let(t)
		if err := awaitDone(t, done); err != nil {
			t.Fatal(err)
		}
		f.svc.WaitPulls()
		if f.svc.Pulling(ctx, a.ID) {
			t.Error("the source still shows a pull running after it ended")
		}
		if got, _ := f.svc.GetSource(ctx, analyst, a.ID); got.Status != vigil.FeedOK {
			t.Errorf("after the pull: %+v", got)
		}
		exposure.PullDue(f.svc, ctx) // pulled just now: not due
		if total, most := h.Counts(); total != 1 || most != 1 {
			t.Errorf("the source answered %d requests, at most %d at once; want 1", total, most)
		}
	})
}

// "Pull now" while a scheduled pull of the source runs is a conflict at once, with no
// second request to the source; once the scheduled pull has ended, "pull now" pulls.
func TestPullNowDuringAScheduledPull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		h := newHeldKEV(t)
		a := kevSource(t, f.svc, h)
		scheduled := make(chan struct{})
		go func() { exposure.PullDue(f.svc, ctx); close(scheduled) }()
		h.AwaitRequest(t)
		if !f.svc.Pulling(ctx, a.ID) {
			t.Error("the source does not show the scheduled pull running")
		}
		if _, err := f.svc.PullSource(ctx, analyst, a.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("pull now during the scheduled pull: %v, want a conflict", err)
		}
		h.Let(t)
		<-scheduled
		pulled := make(chan error, 1)
		go func() { _, err := f.svc.PullSource(ctx, analyst, a.ID); pulled <- err }()
		h.AwaitRequest(t)
		h.Let(t)
		if err := awaitDone(t, pulled); err != nil {
			t.Fatal(err)
		}
		if total, most := h.Counts(); total != 2 || most != 1 {
			t.Errorf("the source answered %d requests, at most %d at once; want 2, one at a time", total, most)
		}
	})
}

// "Pull now" at one server while another pulls the source is a conflict, as is the
// other server's schedule; the source shows the pull at both. Two "pull now" at once, one
// at each server, make one pull.
func TestPullNowAcrossServers(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	sa, sb := openOn(t, dsn), openOn(t, dsn)
	f := newFixture(t, sa)
	a, b := f.svc, f.server(sb, "node-b")
	ctx := t.Context()
	h := newHeldKEV(t)
	src := kevSource(t, a, h)

	done, err := a.StartPull(ctx, analyst, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.AwaitRequest(t)
	if !b.Pulling(ctx, src.ID) {
		t.Error("B does not show A's pull running")
	}
	if _, err := b.StartPull(ctx, analyst, src.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("pull now at B while A pulls: %v, want a conflict", err)
	}
	exposure.PullDue(b, ctx) // B's schedule finds the source due, and leaves it to A
	h.Let(t)
	if err := awaitDone(t, done); err != nil {
		t.Fatal(err)
	}

	var dones [2]<-chan error
	var errs [2]error
	var wg sync.WaitGroup
	for i, svc := range []*exposure.Service{a, b} {
		wg.Go(func() { dones[i], errs[i] = svc.StartPull(ctx, analyst, src.ID) })
	}
	wg.Wait()
	started := 0
	for i, err := range errs {
		switch {
		case err == nil:
			started++
		case vigil.ErrorCode(err) != vigil.ECONFLICT:
			t.Errorf("pull now at server %d: %v, want it started or a conflict", i, err)
		}
	}
	if started != 1 {
		t.Fatalf("pull now at A and at B at once started %d pulls, want 1", started)
	}
	h.AwaitRequest(t)
	h.Let(t)
	for _, d := range dones {
		if d != nil {
			if err := awaitDone(t, d); err != nil {
				t.Error(err)
			}
		}
	}
	if total, most := h.Counts(); total != 2 || most != 1 {
		t.Errorf("the source answered %d requests, at most %d at once; want 2 pulls, one at a time", total, most)
	}
}

// A server that stops cuts its pulls short and records none of them on the source, so
// that it stays due and the next server pulls it at once (the lease let go, not left to
// run out); the stopped server starts no more. A scheduled pull cut short is the same.
func TestStoppingLeavesASourceAsItWas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		h := newHeldKEV(t)
		a := kevSource(t, f.svc, h)
		done, err := f.svc.StartPull(ctx, analyst, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		h.AwaitRequest(t)
		f.svc.StopPulls()
		if err := awaitDone(t, done); vigil.ErrorCode(err) != vigil.EUNAVAILABLE || !strings.Contains(vigil.ErrorMessage(err), "pull it again") {
			t.Errorf("the pull cut short answered %v, want unavailable saying to pull again", err)
		}
		unpulled := func(when string) {
			t.Helper()
			got, err := s.GetAdvisorySource(ctx, a.ID)
			if err != nil || got.Status != vigil.FeedNever || !got.LastPullAt.IsZero() || got.LastError != "" {
				t.Errorf("%s: %+v (%v), want never pulled, with no error", when, got, err)
			}
		}
		unpulled("after the pull now cut short")
		if _, err := f.svc.StartPull(ctx, analyst, a.ID); vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
			t.Errorf("pull now at the stopped server: %v, want unavailable", err)
		}

		next := f.server(s, "node-b")
		stopping, stop := context.WithCancel(ctx)
		scheduled := make(chan struct{})
		go func() { exposure.PullDue(next, stopping); close(scheduled) }()
		h.AwaitRequest(t) // at once, not after the 30 s lease
		stop()
		<-scheduled
		unpulled("after the scheduled pull cut short")

		later := f.server(s, "node-c")
		pulled := make(chan error, 1)
		go func() { _, err := later.PullSource(ctx, analyst, a.ID); pulled <- err }()
		h.AwaitRequest(t)
		h.Let(t)
		if err := awaitDone(t, pulled); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetAdvisorySource(ctx, a.ID); got.Status != vigil.FeedOK {
			t.Errorf("the pull after the stops: %+v, want ok", got)
		}
		var cut int
		for _, e := range storetest.Audits(t, s, vigil.AuditFilter{Action: "advisory_source.pull"}) {
			if storetest.AuditDetail(t, e)["cut_short"] == true {
				cut++
			}
		}
		if cut != 1 {
			t.Errorf("%d pulls audited as cut short, want the pull now's 1", cut)
		}
	})
}

// openOn opens another store (its own pool, as another server has) on dsn.
func openOn(t *testing.T, dsn string) *store.Store {
	s, err := store.Open(t.Context(), store.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
