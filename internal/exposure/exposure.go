// Package exposure holds the use cases of vulnerability exposure on the server: the
// sector centre registers advisory sources (OSV records, CISA's KEV catalogue, FIRST's
// EPSS scores) that are pulled like intel feeds, once among several servers; every
// server builds the same vulnerability matcher from what the database holds; each
// organisation's inventories are checked against it — only the organisations that run a
// package a new or changed advisory names, and an organisation whose inventory changed —
// and each vulnerability found raises one alert per organisation through the alerts
// service, with deadlines, and resolves it when a later check no longer finds it. The
// analysts' exposure board lists the vulnerabilities found and who is affected.
//
// # Concurrency
//
// A [Service] is safe for concurrent use. The matcher (a vuln.DB with its cache, the
// KEV catalogue and the EPSS scores) is an immutable snapshot behind an atomic pointer:
// a check loads it once; [Service.Rebuild] builds a new one off the request path and
// swaps it in, serialised by its own mutex so an older build never replaces a newer.
// Checks of one organisation are serialised by a per-organisation lock, so that two
// checks at once (an upload during a pull) cannot both raise the same alert's repeat.
// A re-check of many organisations takes them in batches of disjoint, sorted
// organisations, each batch locking its organisations in sorted order (so batches never
// wait on each other in a cycle): the next batches are read and matched on other
// goroutines while one is reconciled, and reconciles run one at a time, in order.
//
// A source is pulled by one pull at a time across servers: every pull holds the source's
// lease through Deps.Once (cluster.Service.Once, which also keeps one server from running
// it twice), rather than a map of this server's pulls.
package exposure

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Alerts raises and resolves the vulnerability alerts.
	Alerts *alerts.Service
	// Logger receives errors and progress of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HTTPClient downloads advisory sources; nil means a client with sensible timeouts.
	// Either way its connections go through feeds.NewClient, which refuses private
	// addresses.
	HTTPClient *http.Client
	// AllowPrivate are the networks sources may be downloaded from although private.
	AllowPrivate []netip.Prefix
	// Dir is the directory on the server that sources with a path must be inside (a
	// mirror for a closed network); empty refuses sources with a path.
	Dir string
	// Deadline is how long an organisation has to acknowledge and fix a high or critical
	// vulnerability, or one CISA lists as exploited (DefaultDeadline when zero).
	Deadline vigil.Deadline
	// Once runs scheduled work as one server of several (cluster.Service.Once); nil runs
	// fn here.
	Once schedule.Once
}

// DefaultDeadline is the NHS standard for high-severity cyber alerts: acknowledge within
// 48 hours, remediate within 14 days.
var DefaultDeadline = vigil.Deadline{Acknowledge: vigil.DefaultAcknowledgeWithin, Remediate: vigil.DefaultRemediateWithin}

// Service holds the exposure use cases and the vulnerability matcher.
type Service struct {
	store    *store.Store
	alerts   *alerts.Service
	log      *slog.Logger
	now      func() time.Time
	client   *http.Client
	dir      string
	deadline vigil.Deadline
	once     schedule.Once

	snap      atomic.Pointer[snapshot]
	rebuildMu sync.Mutex // serialises rebuilds
	orgLocks  sync.Map   // org → *sync.Mutex: one check of an organisation at a time
	checked   atomic.Int64
	batch     int                 // organisations a re-check of many checks together (checkBatch)
	asked     schedule.Background // pulls asked for by people, running in the background (pull_now.go)
}

// New builds the Service with an empty matcher: call Rebuild to load the stored
// advisories before serving.
func New(d Deps) *Service {
	s := &Service{store: d.Store, alerts: d.Alerts, log: d.Logger, now: d.Now, dir: d.Dir, deadline: d.Deadline,
		once: schedule.OrHere(d.Once), batch: checkBatch}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.deadline == (vigil.Deadline{}) {
		s.deadline = DefaultDeadline
	}
	s.client = feeds.NewClient(d.HTTPClient, d.AllowPrivate)
	s.snap.Store(emptySnapshot())
	return s
}

// pullTick is how often Run looks for sources that are due.
const pullTick = time.Minute

// Run pulls the advisory sources on their schedules until ctx ends, one at a time and
// on one server among several. Each pull of a source, scheduled or asked for, holds the
// source's own lease (pullJobName), so that a source is never pulled twice at once.
func (s *Service) Run(ctx context.Context) error {
	schedule.Every(ctx, s.once, "advisory-pulls", pullTick, schedule.Sleep, s.pullDue)
	return nil
}

// OrgsChecked counts the organisations this server has checked since it started: tests
// and the pull's report read it to show that a change checked only those it concerned.
func (s *Service) OrgsChecked() int64 { return s.checked.Load() }

// lockOrg serialises the checks of one organisation.
func (s *Service) lockOrg(org string) func() {
	m, _ := s.orgLocks.LoadOrStore(org, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
