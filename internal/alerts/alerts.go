// Package alerts holds the use cases of alerts: raising them (a repeat merges into the open alert; high and critical ones are sent at once, the rest wait for the daily digest), reading the ones a caller may see, acknowledging and resolving them, and the notifications queued for delivery.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction, and writes its audit entry inside that
// transaction, so a failed audit write fails the change. The API, the pages and the
// command line call these methods; none of them opens a transaction of its own.
package alerts

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-health/vigil/internal/store"
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// DigestHour is the UTC hour (0–23) of the daily digest; config supplies
	// DefaultDigestHour.
	DigestHour int
}

// DefaultDigestHour is when (UTC) the daily digest is written by default.
const DefaultDigestHour = 7

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time

	digestHour int
	raised     *prometheus.CounterVec
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, digestHour: d.DigestHour, raised: newRaisedCounter()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Run writes the daily digest at the configured hour until ctx ends. On start it writes
// the latest due digest it has not written yet (a server down at the hour catches up);
// writing a day's digest twice is a no-op.
func (s *Service) Run(ctx context.Context) error {
	s.digestLoop(ctx, sleepCtx)
	return nil
}
