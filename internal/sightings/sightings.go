// Package sightings holds the use cases of telemetry: sensors push their organisation's
// telemetry, which is matched against the live indicators into sightings and alerts and
// kept only as a keyed index of the observables it held; new indicators are hunted for in
// that index (retro-hunts); people list the sightings they may see; and housekeeping
// drops what is past retention. The matcher snapshot comes from Deps, so that this
// package needs no intel flow of its own.
//
// # Concurrency
//
// A [Service] is safe for concurrent use. Each upload loads the matcher snapshot once
// (Deps.Matcher) and never locks it. Telemetry uploads are admitted by a counting
// semaphore (Deps.TelemetryConcurrency): a full one answers [ErrBusy] at once instead of
// queueing, so a flood of sensors gets 429s, not timeouts. Writes go through the store
// in short transactions whose keys are upserted in sorted order, so that concurrent
// uploads do not deadlock on PostgreSQL. Housekeeping runs only inside [Service.Run],
// which returns when its context ends.
package sightings

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
)

// DefaultRetentionDays is how long the keyed observable index is kept by default.
const DefaultRetentionDays = 30

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
	// Alerts raises sighting and retro-hunt alerts.
	Alerts *alerts.Service
	// Matcher returns the live matcher snapshot (threatintel.Service.Matcher).
	Matcher func() *match.Snapshot
	// HoldMatcher, when set, is used instead of Matcher for uploads: it counts the
	// snapshot as in use until release (threatintel.Service.HoldMatcher), so that a
	// retro-hunt can wait for uploads still matching with an older one.
	HoldMatcher func() (snap *match.Snapshot, release func())
	// IndicatorSighted resets the decay of an indicator telemetry matched
	// (threatintel.Service.IndicatorSighted); nil does nothing.
	IndicatorSighted func(ctx context.Context, t vigil.IndicatorType, value string, at time.Time)
	// TelemetryConcurrency is how many telemetry uploads run at once before more are
	// refused as busy; 0 means twice GOMAXPROCS.
	TelemetryConcurrency int
	// MaxTelemetryBytes caps one telemetry upload after decompression
	// (telemetry.DefaultMaxBytes when zero).
	MaxTelemetryBytes int64
	// Once runs scheduled work as one server of several (cluster.Service.Once): it runs
	// fn when this server wins the job and reports whether it did; nil runs fn here.
	Once schedule.Once
}

// Service holds the telemetry use cases.
type Service struct {
	store     *store.Store
	log       *slog.Logger
	now       func() time.Time
	secret    []byte
	retention int
	alerts    *alerts.Service
	matcher   func() *match.Snapshot
	hold      func() (*match.Snapshot, func())
	sighted   func(context.Context, vigil.IndicatorType, string, time.Time)
	metrics   *metrics
	tele      *telemetryLimits
	once      schedule.Once
}

// New builds the Service; it fails when the secret is too short to key the index.
func New(d Deps) (*Service, error) {
	if len(d.Secret) < 32 {
		return nil, errors.New("sightings: the server secret must be at least 32 bytes")
	}
	if d.Matcher == nil {
		return nil, errors.New("sightings: no matcher")
	}
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, secret: d.Secret, retention: d.RetentionDays,
		alerts: d.Alerts, matcher: d.Matcher, hold: d.HoldMatcher, sighted: d.IndicatorSighted, metrics: newMetrics(),
		tele: newTelemetryLimits(d.TelemetryConcurrency, d.MaxTelemetryBytes), once: schedule.OrHere(d.Once)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.retention <= 0 {
		s.retention = DefaultRetentionDays
	}
	if s.hold == nil {
		s.hold = func() (*match.Snapshot, func()) { return s.matcher(), func() {} }
	}
	if s.sighted == nil {
		s.sighted = func(context.Context, vigil.IndicatorType, string, time.Time) {}
	}
	return s, nil
}

// MaxTelemetryBytes is the configured cap of one telemetry upload after decompression;
// the API bounds the request body by it too.
func (s *Service) MaxTelemetryBytes() int64 { return s.tele.maxBytes }

// Collectors returns the Service's Prometheus collectors, for the server's /metrics.
func (s *Service) Collectors() []prometheus.Collector { return s.metrics.collectors() }

// Run does housekeeping until ctx ends: at once, then hourly.
func (s *Service) Run(ctx context.Context) error {
	s.runHousekeeping(ctx)
	return nil
}
