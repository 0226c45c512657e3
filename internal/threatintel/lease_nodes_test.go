package threatintel_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/cluster"
	"github.com/vigil-health/vigil/internal/feeds/feedstest"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// newHeldList serves a list of one address, holding each request (feedstest.Held).
func newHeldList(t *testing.T) *feedstest.Held {
	return feedstest.NewHeld(t, "/list.txt", []byte("192.0.2.80\n"))
}

// heldFeed registers an enabled list feed of one address, served by a new held source.
func heldFeed(t *testing.T, s *store.Store) (*feedstest.Held, vigil.Feed) {
	t.Helper()
	src := newHeldList(t)
	f, err := s.CreateFeed(t.Context(), vigil.Feed{Name: "c2 list", Kind: vigil.FeedURL, URL: src.URL, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return src, f
}

// admin is the sector administrator who asks for pulls in these tests.
var admin = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}

// pullServer is one server of a test: its store, its cluster Service and its intel
// Service, as app.Open composes them.
func pullServer(t *testing.T, s *store.Store, id string) *threatintel.Service {
	cl := cluster.New(cluster.Deps{Store: s, ID: id})
	c := threatintel.New(threatintel.Deps{Store: s, AllowPrivate: loopback, Once: cl.Once, Node: cl.ID})
	t.Cleanup(c.StopJobs) // before the store closes
	return c
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

// "Pull now" at one server while another pulls the feed answers with that pull's job,
// never a second pull: to whoever started it and to analysts, as a conflict to anyone
// else, and as a conflict with no job queued while the other server runs a pull that is
// not a job (a scheduled one). Two "pull now" at once, one at each server, make one job.
func TestPullNowAcrossServers(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	sa, sb := openOn(t, dsn), openOn(t, dsn)
	a, b := pullServer(t, sa, "node-a"), pullServer(t, sb, "node-b")
	ctx := t.Context()
	other := vigil.Principal{Email: "other-admin@centre.example", Role: vigil.RoleSectorAdmin}
	src := newHeldList(t)
	f, err := sa.CreateFeed(ctx, vigil.Feed{Name: "c2 list", Kind: vigil.FeedURL, URL: src.URL, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}

	first, err := a.StartFeedPull(ctx, admin, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	src.AwaitRequest(t)
	for _, p := range []vigil.Principal{admin, analyst} {
		if again, err := b.StartFeedPull(ctx, p, f.ID); err != nil || again.ID != first.ID {
			t.Errorf("%s pulls at B while A pulls: job %d (%v), want A's job %d", p.Email, again.ID, err, first.ID)
		}
	}
	if _, err := b.StartFeedPull(ctx, other, f.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("another admin pulls at B while A pulls: %v, want a conflict", err)
	}
	threatintel.PullDue(b, ctx) // B's schedule finds the feed due, and leaves it to A's job
	src.Let(t)
	a.WaitJobs()
	if j, err := b.Job(ctx, admin, first.ID); err != nil || j.State != vigil.JobDone {
		t.Errorf("A's job read at B: %+v (%v), want done", j, err)
	}

	pulled := make(chan error, 1)
	go func() { _, err := a.PullFeed(ctx, analyst, f.ID); pulled <- err }() // a pull that is not a job
	src.AwaitRequest(t)
	if _, err := b.StartFeedPull(ctx, admin, f.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("pull now at B while A runs a pull that is not a job: %v, want a conflict", err)
	}
	if j, found, err := sb.UnfinishedFeedPull(ctx, f.ID); err != nil || found {
		t.Errorf("the refused pull now queued job %+v (%v)", j, err)
	}
	src.Let(t)
	if err := <-pulled; err != nil {
		t.Fatal(err)
	}

	var jobs [2]vigil.ImportJob
	storetest.Concurrently(t, 2, func(i int) (err error) {
		jobs[i], err = []*threatintel.Service{a, b}[i].StartFeedPull(ctx, admin, f.ID)
		return err
	})
	if jobs[0].ID != jobs[1].ID {
		t.Errorf("pull now at A and at B at once made jobs %d and %d, want one", jobs[0].ID, jobs[1].ID)
	}
	src.AwaitRequest(t)
	src.Let(t)
	a.WaitJobs()
	b.WaitJobs()
	if total, most := src.Counts(); total != 3 || most != 1 {
		t.Errorf("the source answered %d requests, at most %d at once; want 3 pulls, one at a time", total, most)
	}
}

// A server that stops cuts its import jobs short, and each records it: a feed pull goes
// back to the queue (its lease let go) and the next server pulls it at once; the stopped
// server starts nothing more, leaving a new pull queued and refusing an upload.
func TestStoppingRequeuesAPull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := pullServer(t, s, "node-a")
		src, f := heldFeed(t, s)
		j, err := a.StartFeedPull(ctx, admin, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		src.AwaitRequest(t)
		stopped := make(chan struct{})
		go func() { a.StopJobs(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("StopJobs did not return within 10 s of cancelling a pull")
		}
		got, err := s.GetImportJob(ctx, j.ID)
		if err != nil || got.State != vigil.JobQueued || got.Node != "" || got.Error != "" {
			t.Errorf("pull cut short: %+v (%v), want queued again, with no server and no error", got, err)
		}
		if fd, err := s.GetFeed(ctx, f.ID); err != nil || fd.LastError != "" {
			t.Errorf("feed after the cut pull: error %q (%v), want none (the source did not fail)", fd.LastError, err)
		}
		if again, err := a.StartFeedPull(ctx, admin, f.ID); err != nil || again.ID != j.ID || again.State != vigil.JobQueued {
			t.Errorf("pull now at the stopped server: %+v (%v), want job %d, queued", again, err, j.ID)
		}
		up := threatintel.Upload{Source: "late", Name: "late.txt"}
		if _, err := a.StartUpload(ctx, admin, up, strings.NewReader("192.0.2.90\n")); vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
			t.Errorf("upload at the stopped server: %v, want unavailable", err)
		}

		next := pullServer(t, s, "node-b")
		runCtx, cancel := context.WithCancel(ctx)
		ran := make(chan struct{})
		go func() { _ = next.Run(runCtx); close(ran) }()
		src.AwaitRequest(t) // within Run's first pass, not after the 30 s lease
		src.Let(t)
		var done vigil.ImportJob
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && done.State != vigil.JobDone; time.Sleep(20 * time.Millisecond) {
			done, _ = s.GetImportJob(ctx, j.ID)
		}
		cancel()
		<-ran
		if done.State != vigil.JobDone || done.Node != "node-b" {
			t.Errorf("the next server left the job %+v, want it done by node-b", done)
		}
		if total, most := src.Counts(); total != 2 || most != 1 {
			t.Errorf("the source answered %d requests, at most %d at once; want 2, one at a time", total, most)
		}
	})
}

// An upload cut short by its server stopping fails saying so and what to do, rather than
// staying "running" until a lease runs out (its file was on that server). The import is
// held mid-way by another connection's lock on the indicators (PostgreSQL only).
func TestStoppingFailsAnUpload(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	s := openOn(t, dsn)
	c := pullServer(t, s, "node-a")
	ctx := t.Context()
	locker, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	tx, err := locker.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`LOCK TABLE indicators IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	j, err := c.StartUpload(ctx, admin, threatintel.Upload{Source: "partner", Name: "big.txt"}, strings.NewReader("192.0.2.90\n"))
	if err != nil {
		t.Fatal(err)
	}
	waiting := func() bool {
		var n int
		err := locker.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE NOT granted`).Scan(&n)
		return err == nil && n > 0
	}
	for end := time.Now().Add(10 * time.Second); !waiting(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the upload never waited on the lock")
		}
	}
	c.StopJobs()
	got, err := s.GetImportJob(ctx, j.ID)
	if err != nil || got.State != vigil.JobFailed || !strings.Contains(got.Error, "stopped before it finished") ||
		!strings.Contains(got.Error, "upload the file again") {
		t.Errorf("upload cut short: %+v (%v), want failed saying the server stopped and to upload again", got, err)
	}
}

// On one server too, "pull now" while a scheduled pull of the feed runs is a conflict at
// once, with no job made and no second request to the source; once the scheduled pull
// has ended, "pull now" pulls.
func TestPullNowDuringAScheduledPull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		c := pullServer(t, s, "node-a")
		src, f := heldFeed(t, s)
		scheduled := make(chan struct{})
		go func() { threatintel.PullDue(c, ctx); close(scheduled) }()
		src.AwaitRequest(t)
		_, err := c.StartFeedPull(ctx, admin, f.ID)
		if vigil.ErrorCode(err) != vigil.ECONFLICT || !strings.Contains(vigil.ErrorMessage(err), "you can pull it again then") {
			t.Errorf("pull now during the scheduled pull: %v, want a conflict saying when to pull again", err)
		}
		if j, found, err := s.UnfinishedFeedPull(ctx, f.ID); err != nil || found {
			t.Errorf("the refused pull now queued job %+v (%v)", j, err)
		}
		src.Let(t)
		<-scheduled
		j, err := c.StartFeedPull(ctx, admin, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		src.AwaitRequest(t)
		src.Let(t)
		c.WaitJobs()
		if got, err := s.GetImportJob(ctx, j.ID); err != nil || got.State != vigil.JobDone {
			t.Errorf("pull now after the scheduled pull: %+v (%v), want done", got, err)
		}
		if total, most := src.Counts(); total != 2 || most != 1 {
			t.Errorf("the source answered %d requests, at most %d at once; want 2, one at a time", total, most)
		}
	})
}

// "Pull now" at a server that is free, for a pull put back in the queue by a server that
// stopped, starts that job there at once rather than at the server's next tick (a
// minute): the answer is the job, and the source is asked within seconds. The job then
// shows when this run started.
func TestPullNowStartsARequeuedPull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := pullServer(t, s, "node-a")
		src, f := heldFeed(t, s)
		j, err := a.StartFeedPull(ctx, admin, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		src.AwaitRequest(t)
		first, err := s.GetImportJob(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		a.StopJobs() // the pull goes back to the queue

		b := pullServer(t, s, "node-b")
		again, err := b.StartFeedPull(ctx, analyst, f.ID)
		if err != nil || again.ID != j.ID {
			t.Fatalf("pull now at B: %+v (%v), want job %d", again, err, j.ID)
		}
		src.AwaitRequest(t) // B's Run never ticks here: only "pull now" can have started it
		src.Let(t)
		b.WaitJobs()
		got, err := s.GetImportJob(ctx, j.ID)
		if err != nil || got.State != vigil.JobDone || got.Node != "node-b" {
			t.Errorf("the requeued job after pull now at B: %+v (%v), want done by node-b", got, err)
		}
		if !got.Started.After(first.Started) {
			t.Errorf("the job taken over shows it started at %v, as A's run did; want when B's run began", got.Started)
		}
	})
}
