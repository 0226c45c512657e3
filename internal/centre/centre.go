package centre

import (
	"context"
	"errors"
	"io"
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
	"github.com/vigil-health/vigil/internal/sightings"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/threatintel"
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
	// RetentionDays is how long the observable index is kept (sightings.DefaultRetentionDays when zero).
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
	// (sightings.DefaultMaxTelemetryBytes when zero).
	MaxTelemetryBytes int64
}

// Service is the running centre: see the package documentation.
type Service struct {
	alerts   *alerts.Service
	warning  *earlywarning.Service
	intel    *threatintel.Service
	sighting *sightings.Service
}

// New builds the flows' services, wires new indicators to Early Warning and the
// retro-hunt, and loads their state from the store: the asset router from the
// organisations' registered assets and the matcher snapshot from the stored indicators.
func New(ctx context.Context, d Deps) (*Service, error) {
	if d.Store == nil {
		return nil, errors.New("centre: no store")
	}
	s := &Service{alerts: d.Alerts}
	if s.alerts == nil {
		s.alerts = alerts.New(alerts.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, DigestHour: d.DigestHour})
	}
	s.warning = earlywarning.New(earlywarning.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, Alerts: s.alerts})
	var hooks []func(context.Context, []vigil.Indicator)
	s.intel = threatintel.New(threatintel.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, Warninglists: d.Warninglists,
		HTTPClient: d.HTTPClient, IndicatorsAdded: []func(context.Context, []vigil.Indicator){
			func(ctx context.Context, added []vigil.Indicator) {
				for _, h := range hooks {
					h(ctx, added)
				}
			}}})
	var err error
	s.sighting, err = sightings.New(sightings.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, Secret: d.Secret,
		RetentionDays: d.RetentionDays, Alerts: s.alerts, Matcher: s.intel.Matcher, IndicatorSighted: s.intel.IndicatorSighted,
		TelemetryConcurrency: d.TelemetryConcurrency, MaxTelemetryBytes: d.MaxTelemetryBytes})
	if err != nil {
		return nil, err
	}
	hooks = []func(context.Context, []vigil.Indicator){s.warning.WarnOnIndicators, s.sighting.RetroHunt}
	d.Store.SetCredentialKey(d.Secret) // feed credentials are sealed at rest with the server secret
	if err := s.warning.Reroute(ctx); err != nil {
		return nil, err
	}
	if err := s.intel.Recompile(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Matcher returns the current matcher snapshot.
func (s *Service) Matcher() *match.Snapshot { return s.intel.Matcher() }

// Reroute rebuilds the asset router; see earlywarning.Service.Reroute.
func (s *Service) Reroute(ctx context.Context) error { return s.warning.Reroute(ctx) }

// Alerts returns the alerts service the flows raise alerts through.
func (s *Service) Alerts() *alerts.Service { return s.alerts }

// EarlyWarning returns the Early Warning service.
func (s *Service) EarlyWarning() *earlywarning.Service { return s.warning }

// ThreatIntel returns the intel service.
func (s *Service) ThreatIntel() *threatintel.Service { return s.intel }

// Sightings returns the telemetry service.
func (s *Service) Sightings() *sightings.Service { return s.sighting }

// IngestTelemetry ingests org's telemetry as its sensor would push it.
func (s *Service) IngestTelemetry(ctx context.Context, org string, r io.Reader) (sightings.TelemetryResult, error) {
	return s.sighting.IngestTelemetry(ctx, vigil.Principal{Email: "sensor for " + org, Role: vigil.RoleSensor, Org: org}, r)
}

// Collectors returns the flows' Prometheus collectors, for the server's /metrics.
func (s *Service) Collectors() []prometheus.Collector {
	var out []prometheus.Collector
	for _, c := range [][]prometheus.Collector{s.alerts.Collectors(), s.warning.Collectors(), s.intel.Collectors(),
		s.sighting.Collectors()} {
		out = append(out, c...)
	}
	return out
}

// Run does the background work until ctx ends: scheduled feed pulls, the daily digest,
// housekeeping and the periodic router rebuild.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{s.intel.Run, s.alerts.Run, s.sighting.Run, s.warning.Run} {
		wg.Go(func() { _ = run(ctx) })
	}
	wg.Wait()
	return nil
}
