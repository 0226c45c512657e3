package sightings

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
)

const (
	// housekeepingEvery is how often housekeeping runs.
	housekeepingEvery = time.Hour
	// optimizeEvery is how often housekeeping refreshes SQLite's planner statistics.
	optimizeEvery = 24 * time.Hour
	// keepLoginFailures is how long failed sign-ins are kept: far longer than the
	// rate-limit window, so that an analyst can look back at an attack on an account.
	keepLoginFailures = 7 * 24 * time.Hour
)

// runHousekeeping runs housekeeping at once and then hourly until ctx ends, and the
// store's Optimize once a day.
func (s *Service) runHousekeeping(ctx context.Context) {
	t := time.NewTicker(housekeepingEvery)
	defer t.Stop()
	var optimized time.Time
	for {
		s.once(ctx, "housekeeping", housekeepingEvery, func(ctx context.Context) {
			now := s.now()
			optimize := now.Sub(optimized) >= optimizeEvery
			if _, err := s.housekeep(ctx, now, optimize); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "housekeeping", slog.Any("error", err))
			} else if optimize {
				optimized = now
			}
		})
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// housekept is what one round of housekeeping deleted.
type housekept struct {
	// Sessions counts expired sessions and old failed sign-ins.
	Sessions int64
	// Observables counts observable index rows past retention.
	Observables int64
	// Sightings counts sightings past retention.
	Sightings int64
}

// housekeep runs one round as at now: it purges expired sessions and old failed
// sign-ins, and the observable index and sightings of days more than the retention
// period before now. Sightings go with the index: they name what an organisation's
// computers contacted, which is no less personal to its staff than the hashes. With
// optimize it also refreshes the store's planner statistics.
func (s *Service) housekeep(ctx context.Context, now time.Time, optimize bool) (housekept, error) {
	var h housekept
	var err error
	cutoff := vigil.DayOf(now).AddDate(0, 0, -s.retention)
	today := vigil.DayOf(now)
	if err := s.store.PrepareObservableDays(ctx, today, today.AddDate(0, 0, 1), today.AddDate(0, 0, 2)); err != nil {
		return h, err
	}
	if h.Sessions, err = s.store.PurgeExpired(ctx, keepLoginFailures); err != nil {
		return h, err
	}
	if h.Observables, err = s.store.PurgeObservables(ctx, cutoff); err != nil {
		return h, err
	}
	if h.Sightings, err = s.store.PurgeSightings(ctx, cutoff); err != nil {
		return h, err
	}
	if optimize {
		if err := s.store.Optimize(ctx); err != nil {
			return h, err
		}
	}
	s.log.InfoContext(ctx, "housekeeping", slog.Int64("sessions", h.Sessions),
		slog.Int64("observables", h.Observables), slog.Int64("sightings", h.Sightings))
	return h, nil
}
