// Package reports holds the sector report: what the centre did over a period (alerts
// sent, organisations reached, assets covered, hunting, how fast alerts were dealt with,
// feeds, incidents handled, posture and LSO support), published with statistical disclosure control (package disclosure) so that no
// figure exposes a single organisation, and rendered as JSON, Markdown or HTML.
//
// A report is a list of sections, each built by one [SectionSource] from the store for
// the period, including the vulnerability alerts shared.
//
// Concurrency: a Service is shared by every request. Requests for a period whose report
// is being built wait for that build (flights) and get copies of its sections; the feeds
// section keeps the store's tally of indicators received behind a mutex, replaced by a
// tally read at a later change of the intelligence (store.Versions.Intel), never updated
// in place, so a report reads it without holding the lock.
package reports

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Sources are the report's sections in order; nil means Sources().
	Sources []SectionSource
}

// Service holds the report's use cases; it is safe for concurrent use.
type Service struct {
	store   *store.Store
	now     func() time.Time
	sources []SectionSource
	builds  flights[Period, Report] // the reports being built, one per period
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, now: d.Now, sources: d.Sources}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sources == nil {
		s.sources = Sources()
	}
	return s
}

// Period bounds and defaults.
const (
	// DefaultDays is the period when none is given: the last 30 UTC days, today included.
	DefaultDays = 30
	// MaxDays is the longest period: a year, a leap one included.
	MaxDays = 366
)

// Sector builds the sector report for the UTC days from first to last, both included
// (a zero last means today, a zero first DefaultDays days before last). Every figure
// below the whole-sector level is disclosure-controlled, so the report is safe to
// publish: any signed-in person may have it; a sensor may not. It only reads, and like
// vigil's other reads writes no audit entry. It reads outside a transaction, since on
// SQLite one would hold the single writer (and so telemetry ingest) for the whole
// report; figures of different sections may therefore differ by what arrived meanwhile.
// People asking for a period whose report is being built get that report rather than
// building their own: a report is the same for everyone who may have it.
func (s *Service) Sector(ctx context.Context, p vigil.Principal, first, last time.Time) (Report, error) {
	if err := p.Need(vigil.People...); err != nil {
		return Report{}, err
	}
	per, err := s.period(first, last)
	if err != nil {
		return Report{}, err
	}
	r, err := s.builds.do(ctx, per, func(ctx context.Context) (Report, error) { return s.build(ctx, per) })
	if err != nil {
		return Report{}, err
	}
	return shared(r), nil
}

// build reads the report for per from the store, section by section.
func (s *Service) build(ctx context.Context, per Period) (Report, error) {
	r := Report{Period: per, Generated: s.now().UTC().Truncate(time.Second)}
	ctx = withBuildMemo(ctx)
	for _, src := range s.sources {
		sec, err := src.Section(ctx, s.store, per)
		if err != nil {
			return Report{}, err
		}
		r.Sections = append(r.Sections, sec)
	}
	return r, nil
}

// period checks and completes the days asked for.
func (s *Service) period(first, last time.Time) (Period, error) {
	if last.IsZero() {
		last = s.now()
	}
	last = vigil.DayOf(last)
	if first.IsZero() {
		first = last.AddDate(0, 0, 1-DefaultDays)
	}
	first = vigil.DayOf(first)
	switch {
	case first.After(last):
		return Period{}, vigil.Errorf(vigil.EINVALID, "the period starts (%s) after it ends (%s): give from on or before to",
			first.Format(time.DateOnly), last.Format(time.DateOnly))
	case last.Sub(first) >= MaxDays*24*time.Hour:
		return Period{}, vigil.Errorf(vigil.EINVALID, "the period from %s to %s is longer than %d days: give a shorter one",
			first.Format(time.DateOnly), last.Format(time.DateOnly), MaxDays)
	}
	return Period{First: first, Last: last}, nil
}
