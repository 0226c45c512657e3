package cluster_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/cluster"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// held is a fake matcher: it holds the version it last rebuilt at.
type held struct {
	s       *store.Store
	version atomic.Int64
	inUse   atomic.Int64 // oldest in use; 0 means version
	builds  atomic.Int32
}

func (h *held) Held() cluster.Held {
	return cluster.Held{Version: h.version.Load, InUse: func() int64 {
		if v := h.inUse.Load(); v != 0 {
			return v
		}
		return h.version.Load()
	}, Rebuild: func(ctx context.Context) error {
		v, err := h.s.Versions(ctx)
		h.version.Store(v.Intel)
		h.builds.Add(1)
		return err
	}}
}

func addIndicator(t *testing.T, s *store.Store, value string) {
	t.Helper()
	if _, err := s.UpsertSourceIndicators(t.Context(), "feed", []vigil.Indicator{{Type: vigil.TypeDomain, Value: value}}); err != nil {
		t.Fatal(err)
	}
}

// Of several servers running a job at once, one runs it.
func TestOnceRunsAJobOnOneServer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var ran atomic.Int32
		var wg sync.WaitGroup
		for i := range 3 {
			svc := cluster.New(cluster.Deps{Store: s, ID: string(rune('a' + i))})
			wg.Go(func() {
				svc.Once(t.Context(), "housekeeping", time.Hour, func(context.Context) {
					ran.Add(1)
					time.Sleep(50 * time.Millisecond)
				})
			})
		}
		wg.Wait()
		if ran.Load() != 1 {
			t.Errorf("the job ran %d times, want once", ran.Load())
		}
	})
}

// One server never runs a job twice at once, though the lease would let it (a server
// may claim again a lease it holds); a restarted server with the same ID still takes
// back the lease its previous run held; and a job cut short (its server stopping) is
// not recorded as done, so another server runs it at once.
func TestOnceRunsAJobOnceOnOneServer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := cluster.New(cluster.Deps{Store: s, ID: "a"})
		entered, release := make(chan struct{}), make(chan struct{})
		first := make(chan bool, 1)
		go func() {
			first <- svc.Once(ctx, "feed-pull-1", 0, func(context.Context) { close(entered); <-release })
		}()
		<-entered
		if svc.Once(ctx, "feed-pull-1", 0, func(context.Context) { t.Error("the job ran twice at once on one server") }) {
			t.Error("Once reported a second run of a job this server is running")
		}
		restarted := cluster.New(cluster.Deps{Store: s, ID: "a"})
		if !restarted.Once(ctx, "feed-pull-1", 0, func(context.Context) {}) {
			t.Error("a restarted server with the same ID could not take back the lease it held")
		}
		close(release)
		if !<-first {
			t.Error("the first run reported that it did not run")
		}
		if !svc.Once(ctx, "feed-pull-1", 0, func(context.Context) {}) {
			t.Error("the job could not run again once the first run ended")
		}

		stopping, stop := context.WithCancel(ctx)
		svc.Once(stopping, "housekeeping", time.Hour, func(context.Context) { stop() })
		other := cluster.New(cluster.Deps{Store: s, ID: "b"})
		if !other.Once(ctx, "housekeeping", time.Hour, func(context.Context) {}) {
			t.Error("a job cut short by its server stopping was recorded as done, or its lease kept")
		}
		if other.Once(ctx, "housekeeping", time.Hour, func(context.Context) {}) {
			t.Error("a job done was run again before it was due")
		}
	})
}

// A server catches up with a change it did not make (in /readyz too), says it is not
// ready while a rebuild is under way, and a retro-hunt waits for a live server still
// matching with an older version.
func TestCatchUpReadyAndAwait(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		h := &held{s: s}
		entered, release := make(chan struct{}), make(chan struct{})
		svc := cluster.New(cluster.Deps{Store: s, ID: "me", Intel: h.Held(), BeforeRebuild: func(context.Context, string) {
			if h.builds.Load() == 1 { // the second rebuild waits
				close(entered)
				<-release
			}
		}})
		addIndicator(t, s, "one.example")
		if err := svc.Ready(ctx); err != nil || h.version.Load() != 1 {
			t.Errorf("Ready behind the database did not catch up: %v, version %d", err, h.version.Load())
		}
		if err := svc.CatchUp(ctx); err != nil || h.builds.Load() != 1 {
			t.Errorf("a second catch-up with nothing new rebuilt again (%d builds, %v)", h.builds.Load(), err)
		}
		addIndicator(t, s, "two.example")
		done := make(chan error, 1)
		go func() { done <- svc.CatchUp(ctx) }()
		<-entered
		if err := svc.Ready(ctx); vigil.ErrorCode(err) != vigil.EUNAVAILABLE || !strings.Contains(vigil.ErrorMessage(err), "intel change 1 of 2") {
			t.Errorf("Ready during a rebuild = %v, want unavailable at 1 of 2", err)
		}
		close(release)
		if err := <-done; err != nil || h.version.Load() != 2 {
			t.Fatalf("catch-up: %v, version %d", err, h.version.Load())
		}
		other := store.Node{ID: "other", Intel: 1, StartedAt: time.Now(), SeenAt: time.Now()}
		if err := s.ReportNode(ctx, other); err != nil {
			t.Fatal(err)
		}
		if err := svc.AwaitIntel(ctx, 200*time.Millisecond); err == nil || !strings.Contains(err.Error(), "other") {
			t.Errorf("AwaitIntel with a server behind = %v, want an error naming it", err)
		}
		go func() {
			time.Sleep(100 * time.Millisecond)
			other.Intel, other.SeenAt = 2, time.Now()
			_ = s.ReportNode(context.Background(), other)
		}()
		if err := svc.AwaitIntel(ctx, 5*time.Second); err != nil {
			t.Errorf("AwaitIntel once the other server caught up = %v", err)
		}
		h.inUse.Store(0)
		other.SeenAt = time.Now().Add(-time.Minute) // died: not waited for
		_ = s.ReportNode(ctx, other)
		addIndicator(t, s, "three.example")
		if err := svc.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		h.inUse.Store(2) // an upload still matches with version 2
		if err := svc.AwaitIntel(ctx, 100*time.Millisecond); err == nil || !strings.Contains(err.Error(), "me") {
			t.Errorf("AwaitIntel with this server's upload on an old matcher = %v, want an error naming it", err)
		}
	})
}

// A change at one server reaches another's Run within a second, also after the
// listener's connection was cut (PostgreSQL only: SQLite runs one server).
func TestListenerHearsChangesAndReconnects(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	open := func() *store.Store {
		s, err := store.Open(t.Context(), store.Config{DSN: dsn + "&application_name=vigil_listen_test"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	writer, reader := open(), open()
	h := &held{s: reader}
	svc := cluster.New(cluster.Deps{Store: reader, ID: "listener", Intel: h.Held(), Poll: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = svc.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	caughtUp := func(want int64) bool {
		for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			if h.version.Load() == want {
				return true
			}
		}
		return false
	}
	time.Sleep(200 * time.Millisecond) // the listener connects
	addIndicator(t, writer, "one.example")
	if !caughtUp(1) {
		t.Fatalf("no catch-up within a second of a change (holds %d)", h.version.Load())
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var cut int
	err = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN ` + store.ChangesChannel + `%'
		AND application_name = 'vigil_listen_test'`).Scan(&cut)
	if err != nil || cut != 1 {
		t.Fatalf("cut %d listener connections (%v), want 1", cut, err)
	}
	time.Sleep(1500 * time.Millisecond) // the listener notices and connects again
	addIndicator(t, writer, "two.example")
	if !caughtUp(2) {
		t.Errorf("no catch-up within a second of a change after the listener's connection was cut (holds %d)", h.version.Load())
	}
}
