// Package cluster makes several vigil servers on one PostgreSQL database one system.
//
// Every change to indicators, feeds or organisations' assets is counted in its own
// transaction (store.Versions) and announced with NOTIFY; each server listens on a
// connection of its own and, when the database is ahead of what it holds, rebuilds its
// matcher or asset router within a second. A check at intervals (Deps.Poll) is the
// safety net for a lost announcement. Each server reports a heartbeat with the versions
// it holds, so that a retro-hunt waits until no live server still matches telemetry with
// an older matcher (AwaitIntel) — what was indexed with the old one is then written and
// the retro-hunt finds it. Scheduled work (feed pulls, digests, housekeeping,
// escalations) runs under a lease (Once), so that one server does it and another takes
// over when the holder dies.
//
// On SQLite one server runs: the same code works, with the check at intervals picking up
// what the server's own hooks did not.
package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Timings. A server is live while its heartbeat is younger than Stale; a job's lease
// lasts Lease and is renewed every Lease/3, so a server that dies holding a job leaves it
// to another within Lease plus the job's next tick.
const (
	Heartbeat   = time.Second
	Stale       = 10 * time.Second
	Lease       = 30 * time.Second
	DefaultPoll = 30 * time.Second
	sqlitePoll  = time.Second
	awaitTick   = 50 * time.Millisecond
)

// Held is something a server builds from the database and holds in memory.
type Held struct {
	// Version is the change count the server holds.
	Version func() int64
	// InUse is the oldest version work in progress still uses; nil means Version.
	InUse func() int64
	// Rebuild reloads it from the database.
	Rebuild func(ctx context.Context) error
}

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ID names this server in the heartbeat table; empty means host, process and a
	// random suffix.
	ID string
	// Addr is where this server listens, shown to operators.
	Addr string
	// Intel is the matcher; Assets the asset router; Advisories the vulnerability
	// matcher (zero when not held).
	Intel, Assets, Advisories Held
	// Poll is how often the versions are checked besides the announcements
	// (DefaultPoll on PostgreSQL, a second on SQLite, when zero).
	Poll time.Duration
	// BeforeRebuild, when set, runs before each rebuild an announcement or a check
	// started: tests delay a server's swap with it to widen the race on purpose.
	BeforeRebuild func(ctx context.Context, scope string)
}

// Service keeps this server in step with the others.
type Service struct {
	store  *store.Store
	log    *slog.Logger
	now    func() time.Time
	id     string
	addr   string
	intel  Held
	assets Held
	vulns  Held
	poll   time.Duration
	before func(context.Context, string)
	wake   chan struct{}
	beat   chan struct{}
	start  time.Time

	rebuildMu sync.Mutex // one catch-up at a time

	runningMu sync.Mutex
	running   map[string]bool // the scheduled jobs this server runs now (Once)
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, id: d.ID, addr: d.Addr, intel: d.Intel, assets: d.Assets, vulns: d.Advisories,
		poll: d.Poll, before: d.BeforeRebuild, wake: make(chan struct{}, 1), beat: make(chan struct{}, 1),
		running: map[string]bool{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.id == "" {
		s.id = nodeID()
	}
	if s.poll <= 0 {
		s.poll = DefaultPoll
		if d.Store.Engine() == store.EngineSQLite {
			s.poll = sqlitePoll
		}
	}
	s.start = s.now()
	return s
}

// nodeID names a server: host, process id and a random suffix (a restarted process is
// another server).
func nodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// ID names this server.
func (s *Service) ID() string { return s.id }

// Run keeps the server in step until ctx ends: it listens for announcements, checks the
// versions every Poll, rebuilds what is behind and reports a heartbeat every second. On
// the way out it removes its heartbeat, so that nobody waits for a server that stopped.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.store.ListenChanges(ctx, s.poke); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "change listener", slog.Any("error", err))
		}
	})
	wg.Go(func() { s.catchUpLoop(ctx) })
	wg.Go(func() { s.heartbeatLoop(ctx) })
	wg.Wait()
	bye, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.store.ForgetNode(bye, s.id, s.now().Add(-Stale)); err != nil {
		s.log.WarnContext(ctx, "remove heartbeat", slog.Any("error", err))
	}
	return nil
}

// poke asks the catch-up loop to check the versions now.
func (s *Service) poke() { signal(s.wake) }

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// catchUpLoop rebuilds what is behind on every announcement and every Poll.
func (s *Service) catchUpLoop(ctx context.Context) {
	t := time.NewTicker(s.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
		if err := s.CatchUp(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "catch up with other servers' changes", slog.Any("error", err))
		}
	}
}

// CatchUp rebuilds the matcher and the router when the database holds later changes
// than they do, then reports the heartbeat at once.
func (s *Service) CatchUp(ctx context.Context) error {
	s.rebuildMu.Lock()
	defer s.rebuildMu.Unlock()
	return s.catchUp(ctx)
}

// catchUp is CatchUp with rebuildMu held.
func (s *Service) catchUp(ctx context.Context) error {
	v, err := s.store.Versions(ctx)
	if err != nil {
		return err
	}
	rebuilt := false
	for _, h := range []struct {
		scope string
		held  Held
		want  int64
	}{{store.ScopeIntel, s.intel, v.Intel}, {store.ScopeAssets, s.assets, v.Assets},
		{store.ScopeAdvisories, s.vulns, v.Advisories}} {
		if h.held.Rebuild == nil || h.held.Version() >= h.want {
			continue
		}
		if s.before != nil {
			s.before(ctx, h.scope)
		}
		if err := h.held.Rebuild(ctx); err != nil {
			return fmt.Errorf("rebuild %s: %w", h.scope, err)
		}
		rebuilt = true
		s.log.DebugContext(ctx, "caught up", slog.String("scope", h.scope), slog.Int64("version", h.held.Version()))
	}
	if rebuilt {
		signal(s.beat)
	}
	return nil
}

// heartbeatLoop reports the heartbeat every second, and at once after a rebuild.
func (s *Service) heartbeatLoop(ctx context.Context) {
	t := time.NewTicker(Heartbeat)
	defer t.Stop()
	for {
		if err := s.report(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "heartbeat", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-s.beat:
		case <-t.C:
		}
	}
}

// Report records this server's heartbeat now. Call it once the matcher and router are
// loaded and before serving, so that from its first request on, a retro-hunt at another
// server waits for this one too.
func (s *Service) Report(ctx context.Context) error { return s.report(ctx) }

func (s *Service) report(ctx context.Context) error {
	return s.store.ReportNode(ctx, store.Node{ID: s.id, Addr: s.addr, Intel: inUse(s.intel), Assets: version(s.assets),
		StartedAt: s.start, SeenAt: s.now()})
}

func version(h Held) int64 {
	if h.Version == nil {
		return 0
	}
	return h.Version()
}

func inUse(h Held) int64 {
	if h.InUse == nil {
		return version(h)
	}
	return h.InUse()
}

// Ready returns nil when this server holds the latest matcher and router, for
// /readyz: a load balancer then sends it nothing it would treat with stale intel. A
// server behind catches up here when no rebuild is already under way (so that readiness
// does not hang on a rebuild that is), and is not ready until it has.
func (s *Service) Ready(ctx context.Context) error {
	err := s.behindBy(ctx)
	if vigil.ErrorCode(err) != vigil.EUNAVAILABLE || !s.rebuildMu.TryLock() {
		return err
	}
	err = s.catchUp(ctx)
	s.rebuildMu.Unlock()
	if err != nil {
		return err
	}
	return s.behindBy(ctx)
}

// behindBy returns an unavailable error saying what this server lacks, or nil.
func (s *Service) behindBy(ctx context.Context) error {
	v, err := s.store.Versions(ctx)
	if err != nil {
		return err
	}
	if got := version(s.intel); s.intel.Version != nil && got < v.Intel {
		return vigil.Errorf(vigil.EUNAVAILABLE, "the matcher holds intel change %d of %d; catching up", got, v.Intel)
	}
	if got := version(s.assets); s.assets.Version != nil && got < v.Assets {
		return vigil.Errorf(vigil.EUNAVAILABLE, "the asset router holds asset change %d of %d; catching up", got, v.Assets)
	}
	if got := version(s.vulns); s.vulns.Version != nil && got < v.Advisories {
		return vigil.Errorf(vigil.EUNAVAILABLE, "the vulnerability matcher holds advisory change %d of %d; catching up", got, v.Advisories)
	}
	return nil
}
