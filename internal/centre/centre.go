package centre

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/earlywarning"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/threatintel"
	"github.com/vigil-health/vigil/internal/warn"
)

// Defaults for the zero values of Deps.
const (
	DefaultRetentionDays = 30 // DefaultRetentionDays is how long the keyed observable index is kept.
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors and progress of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Secret keys the HMAC of the observable index; at least 32 bytes, kept by the server.
	Secret []byte
	// RetentionDays is how long the observable index is kept (DefaultRetentionDays when zero).
	RetentionDays int
	// DigestHour is the UTC hour (0–23) of the daily digest, for the alerts service New
	// builds when Alerts is nil.
	DigestHour int
	// Alerts raises the flows' alerts and writes the digest; nil builds one.
	Alerts *alerts.Service
	// Warninglists exclude known-benign values (public resolvers, cloud ranges, top
	// sites) from matching; nil means none.
	Warninglists *intel.Warninglists
	// HTTPClient fetches feeds; nil means a client with sensible timeouts.
	HTTPClient *http.Client
	// TelemetryConcurrency is how many telemetry uploads run at once before more are
	// refused as busy; 0 means twice GOMAXPROCS.
	TelemetryConcurrency int
	// MaxTelemetryBytes caps one telemetry upload after decompression
	// (DefaultMaxTelemetryBytes when zero).
	MaxTelemetryBytes int64
}

// Service is the running centre: see the package documentation.
type Service struct {
	store     *store.Store
	log       *slog.Logger
	now       func() time.Time
	secret    []byte
	retention int
	alerts    *alerts.Service
	metrics   *metrics
	tele      *telemetryLimits

	intel   *threatintel.Service
	matcher func() *match.Snapshot // the live snapshot; tests replace it
	warning *earlywarning.Service
}

// New builds the Service and loads its state from the store: the asset router from the
// organisations' registered assets and the matcher snapshot from the stored indicators.
func New(ctx context.Context, d Deps) (*Service, error) {
	if d.Store == nil {
		return nil, errors.New("centre: no store")
	}
	if len(d.Secret) < 32 {
		return nil, errors.New("centre: the server secret must be at least 32 bytes")
	}
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, secret: d.Secret, retention: d.RetentionDays, alerts: d.Alerts}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.alerts == nil {
		s.alerts = alerts.New(alerts.Deps{Store: d.Store, Logger: s.log, Now: s.now, DigestHour: d.DigestHour})
	}
	s.warning = earlywarning.New(earlywarning.Deps{Store: d.Store, Logger: s.log, Now: s.now, Alerts: s.alerts})
	if s.retention <= 0 {
		s.retention = DefaultRetentionDays
	}
	s.metrics = newMetrics()
	d.Store.SetCredentialKey(d.Secret) // feed credentials are sealed at rest with the server secret
	s.tele = newTelemetryLimits(d.TelemetryConcurrency, d.MaxTelemetryBytes)
	if err := s.warning.Reroute(ctx); err != nil {
		return nil, err
	}
	s.intel = threatintel.New(threatintel.Deps{Store: d.Store, Logger: s.log, Now: s.now, Warninglists: d.Warninglists,
		HTTPClient: d.HTTPClient, IndicatorsAdded: []func(context.Context, []vigil.Indicator){s.warning.WarnOnIndicators, s.retroHunt}})
	s.matcher = s.intel.Matcher
	if err := s.intel.Recompile(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Matcher returns the current matcher snapshot; callers load it once per unit of work.
func (s *Service) Matcher() *match.Snapshot { return s.matcher() }

// ThreatIntel returns the intel service the centre composes.
func (s *Service) ThreatIntel() *threatintel.Service { return s.intel }

// Collectors returns the Service's Prometheus collectors, for the server's /metrics.
func (s *Service) Collectors() []prometheus.Collector {
	return append(append(append(s.metrics.collectors(), s.alerts.Collectors()...), s.warning.Collectors()...), s.intel.Collectors()...)
}

// Alerts returns the alerts service the flows raise alerts through.
func (s *Service) Alerts() *alerts.Service { return s.alerts }

// Router returns the current asset router.
func (s *Service) Router() *warn.Router { return s.warning.Router() }

// Reroute rebuilds the asset router; see earlywarning.Service.Reroute.
func (s *Service) Reroute(ctx context.Context) error { return s.warning.Reroute(ctx) }

// EarlyWarning returns the Early Warning service the centre composes.
func (s *Service) EarlyWarning() *earlywarning.Service { return s.warning }

// Run does the background work until ctx ends: scheduled feed pulls, the daily digest,
// housekeeping (expired sessions, the observable index past retention) and the periodic
// router rebuild.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, loop := range []func(context.Context){s.runFeeds, s.runDigest, s.runHousekeeping, s.runReroute} {
		wg.Go(func() { loop(ctx) })
	}
	wg.Wait()
	return nil
}

// runFeeds runs the intel service's scheduled pulls until ctx ends.
func (s *Service) runFeeds(ctx context.Context) { _ = s.intel.Run(ctx) }

// runDigest runs the alerts service's daily digest until ctx ends.
func (s *Service) runDigest(ctx context.Context) { _ = s.alerts.Run(ctx) }

// runReroute runs Early Warning's periodic router rebuild until ctx ends.
func (s *Service) runReroute(ctx context.Context) { _ = s.warning.Run(ctx) }
