// Package earlywarning holds the use cases of Early Warning: partners' threat events are
// routed to the organisations whose registered assets they name, new indicators that
// touch an organisation's assets warn it, and the events nobody owns are kept for the
// sector centre's analysts. Alerts are raised through the alerts service.
//
// # Concurrency
//
// A [Service] is safe for concurrent use. The asset router is an immutable value behind
// an atomic holder ([warn.Holder]): readers load the current one once per unit of work
// and never lock; [Service.Reroute] builds a new one off to the side and swaps it in.
// Rebuilds are serialised by their own mutex so that two changes close together cannot
// publish an older router over a newer one. Events are written in short transactions
// whose rows are upserted in sorted order, so that concurrent uploads do not deadlock on
// PostgreSQL. The periodic router rebuild runs only inside [Service.Run], which returns
// when its context ends.
package earlywarning

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/warn"
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors and progress of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Alerts raises the alerts Early Warning finds.
	Alerts *alerts.Service
	// MaxEventBytes caps one upload of partners' events (DefaultMaxEventBytes when zero).
	MaxEventBytes int64
}

// DefaultMaxEventBytes is the events upload cap when Deps.MaxEventBytes is zero.
const DefaultMaxEventBytes = 64 << 20

// Service holds the Early Warning use cases and the asset router.
type Service struct {
	store   *store.Store
	log     *slog.Logger
	now     func() time.Time
	alerts  *alerts.Service
	metrics *metrics
	maxBody int64

	router    *warn.Holder
	rerouteMu sync.Mutex   // serialises router rebuilds
	version   atomic.Int64 // the change count (store.Versions.Assets) the router holds
}

// New builds the Service with an empty router: call Reroute to load the organisations'
// assets before serving.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, alerts: d.Alerts, metrics: newMetrics(),
		router: warn.NewHolder(nil), maxBody: d.MaxEventBytes}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxEventBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Router returns the current asset router.
func (s *Service) Router() *warn.Router { return s.router.Load() }

// RouterVersion is the change count (store.Versions.Assets) the current router holds.
func (s *Service) RouterVersion() int64 { return s.version.Load() }

// Collectors returns the Service's Prometheus collectors, for the server's /metrics.
func (s *Service) Collectors() []prometheus.Collector { return s.metrics.collectors() }

// RerouteEvery is how often Run rebuilds the asset router from the store, to pick up
// organisations changed outside this server's API: `vigil org import`, or another
// server sharing the PostgreSQL database.
const RerouteEvery = 5 * time.Minute

// Run rebuilds the router every RerouteEvery until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(RerouteEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := s.Reroute(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "periodic router rebuild", slog.Any("error", err))
			}
		}
	}
}

// metrics are Early Warning's Prometheus collectors.
type metrics struct {
	eventsReceived prometheus.Counter
	eventsRejected prometheus.Counter
	eventsUnrouted prometheus.Counter
}

func newMetrics() *metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	return &metrics{
		eventsReceived: counter("vigil_events_received_total", "Threat events accepted from partners and scanners."),
		eventsRejected: counter("vigil_events_rejected_total", "Threat event lines refused as malformed."),
		eventsUnrouted: counter("vigil_events_unrouted_total", "Threat events that matched no organisation's assets."),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.eventsReceived, m.eventsRejected, m.eventsUnrouted}
}

// MaxEventBytes is the configured cap of one upload of partners' events, for the door
// that bounds the request body.
func (s *Service) MaxEventBytes() int64 { return s.maxBody }
