// Package alerts holds the use cases of alerts: raising them (a repeat merges into the open alert; high and critical ones are sent at once, the rest wait for the daily digest), their deadlines and the escalation of missed ones, reading the ones a caller may see and their history, acknowledging and resolving them, and the notifications queued for delivery.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction, and writes its audit entry inside that
// transaction, so a failed audit write fails the change. The API, the pages and the
// command line call these methods; none of them opens a transaction of its own.
package alerts

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/schedule"
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
	// Deadlines are how long organisations have to acknowledge and remediate an alert of
	// each severity; nil means vigil.DefaultDeadlines.
	Deadlines vigil.Deadlines
	// Once runs scheduled work as one server of several (cluster.Service.Once): it runs
	// fn when this server wins the job and reports whether it did; nil runs fn here.
	Once schedule.Once
}

// DefaultDigestHour is when (UTC) the daily digest is written by default.
const DefaultDigestHour = 7

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time

	digestHour int
	deadlines  vigil.Deadlines
	raised     *prometheus.CounterVec
	once       schedule.Once
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, digestHour: d.DigestHour, deadlines: d.Deadlines,
		raised: newRaisedCounter(), once: schedule.OrHere(d.Once)}
	if s.deadlines == nil {
		s.deadlines = vigil.DefaultDeadlines()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Run does the alerts' background work until ctx ends: it writes the daily digest at
// the configured hour, and once a minute escalates alerts past their acknowledge deadline
// and marks those past their remediation deadline (Escalate). On start it writes the
// latest due digest it has not written yet (a server down at the hour catches up);
// writing a day's digest twice is a no-op, and so is escalating an alert twice, so
// several servers may run it over one database.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { s.digestLoop(ctx, schedule.Sleep) })
	wg.Go(func() { s.escalationLoop(ctx, schedule.Sleep) })
	wg.Wait()
	return nil
}
