// Package threatintel holds the use cases of threat intelligence: people of the sector
// centre upload intel files and register, change, pull and delete feeds; the feeds are
// pulled on their schedules; the stored indicators are compiled into the live matcher
// snapshot, and searched with an assessment of whether each still matches. When
// indicators are added or change it calls the hooks in Deps (Early Warning, retro-hunts),
// so that it imports neither.
//
// # Concurrency
//
// A [Service] is safe for concurrent use. The matcher snapshot is an immutable value
// behind an atomic holder ([match.Holder]): readers load the current one once per unit of
// work and never lock; [Service.Recompile] builds a new one off to the side (the changed
// indicators applied on top of the current one, or every indicator compiled afresh) and
// swaps it in. Rebuilds are serialised by their own mutex so that two changes close together
// cannot publish an older snapshot over a newer one. Scheduled feed pulls run one at a
// time, only inside [Service.Run], which returns when its context ends. Deleting a feed
// cancels its pulls under way on this server (runningPulls: its own mutex, taken last, held
// only to reach the pulls' cancel functions); the store orders the delete against the batches of pulls on any
// server (store.SourceImport.OfFeed), so that nothing of a deleted feed stays.
package threatintel

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors and progress of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Warninglists exclude known-benign values (public resolvers, cloud ranges, top
	// sites) from matching; nil means none.
	Warninglists *intel.Warninglists
	// HTTPClient fetches feeds; nil means a client with sensible timeouts. Either way
	// its connections go through feeds.NewClient, which refuses private addresses.
	HTTPClient *http.Client
	// AllowPrivate are the networks feeds may be pulled from although they are loopback,
	// private, link-local, CGNAT or cloud metadata addresses (partners on private networks).
	AllowPrivate []netip.Prefix
	// MaxIntelBytes caps what one upload or one feed pull may unpack, after
	// decompression (intel.DefaultMaxBytes when zero).
	MaxIntelBytes int64
	// IndicatorsAdded run, in order, after indicators were added or changed and the new
	// snapshot is live: Early Warning and retro-hunts hang here.
	IndicatorsAdded []func(ctx context.Context, added []vigil.Indicator)
	// Once runs scheduled work as one server of several (cluster.Service.Once): it runs
	// fn when this server wins the job and reports whether it did; nil runs fn here.
	Once schedule.Once
	// Node names this server in the import jobs it runs (cluster.Service.ID); nil names
	// it by host and process.
	Node func() string
	// SpoolDir holds large uploads while their import job runs; empty means the system's
	// temporary directory.
	SpoolDir string
}

// Service holds the intel use cases and the matcher snapshot.
type Service struct {
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	benign   *intel.Warninglists
	client   *http.Client
	maxIntel int64
	added    []func(context.Context, []vigil.Indicator)
	metrics  *metrics
	once     schedule.Once
	node     func() string
	spoolDir string
	jobs     schedule.Background // import jobs running in the background (jobs.go)
	pulls    runningPulls        // feed pulls under way here, stopped when their feed is deleted

	// changedInMemory, hookPage and checkTimeout, when set, replace the constants of
	// the same names (tests make them small).
	changedInMemory, hookPage int
	checkTimeout              time.Duration

	matcher     match.Holder
	held        heldMatchers
	recompileMu sync.Mutex // serialises snapshot rebuilds
}

// New builds the Service with an empty snapshot: call Recompile to load the stored
// indicators before serving.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, benign: d.Warninglists, client: d.HTTPClient,
		added: d.IndicatorsAdded, metrics: newMetrics(), once: schedule.OrHere(d.Once)}
	s.node, s.spoolDir = d.Node, d.SpoolDir
	if s.node == nil {
		name := localNode()
		s.node = func() string { return name }
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.client = feeds.NewClient(d.HTTPClient, d.AllowPrivate)
	s.maxIntel = d.MaxIntelBytes
	if s.maxIntel <= 0 {
		s.maxIntel = intel.DefaultMaxBytes
	}
	return s
}

// Matcher returns the current matcher snapshot; callers load it once per unit of work.
func (s *Service) Matcher() *match.Snapshot { return s.matcher.Load() }

// HoldMatcher returns the current matcher snapshot for a unit of work that indexes what
// it matched (a telemetry upload), counted as in use until release: OldestMatcherInUse
// then tells when no work still matches with an older one.
func (s *Service) HoldMatcher() (snap *match.Snapshot, release func()) {
	return s.held.hold(&s.matcher)
}

// MatcherVersion is the change count (store.Versions.Intel) the current snapshot holds.
func (s *Service) MatcherVersion() int64 {
	v, _ := s.held.versions()
	return v
}

// OldestMatcherInUse is the oldest matcher version a unit of work in progress still
// matches with, or the current version when none does.
func (s *Service) OldestMatcherInUse() int64 {
	_, oldest := s.held.versions()
	return oldest
}

// Collectors returns the Service's Prometheus collectors, for the server's /metrics.
func (s *Service) Collectors() []prometheus.Collector { return s.metrics.collectors() }

// indicatorsAdded runs the hooks on indicators added or changed.
func (s *Service) indicatorsAdded(ctx context.Context, added []vigil.Indicator) {
	for _, hook := range s.added {
		hook(ctx, added)
	}
}

// metrics are the intel flows' Prometheus collectors.
type metrics struct {
	feedPulls        *prometheus.CounterVec
	recompiles       *prometheus.CounterVec
	indicators       prometheus.Gauge
	indicatorsLoaded prometheus.Counter
}

func newMetrics() *metrics {
	return &metrics{
		feedPulls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_feed_pulls_total",
			Help: "Feed pulls, by outcome (ok, not_modified, error)."}, []string{"outcome"}),
		recompiles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_matcher_updates_total",
			Help: "Matcher updates, by how (full: every stored indicator read and compiled; changes: the changed ones applied on top)."}, []string{"how"}),
		indicators: prometheus.NewGauge(prometheus.GaugeOpts{Name: "vigil_indicators_matchable",
			Help: "Indicators in the live matcher snapshot."}),
		indicatorsLoaded: prometheus.NewCounter(prometheus.CounterOpts{Name: "vigil_indicators_imported_total",
			Help: "Indicators imported from feeds and uploads."}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.feedPulls, m.recompiles, m.indicators, m.indicatorsLoaded}
}

// localNode names a server on its own: host and process id.
func localNode() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}
