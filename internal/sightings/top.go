package sightings

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

// Top list bounds.
const (
	// MaxTopDays bounds how far back TopIndicators looks: the sightings a server keeps
	// for a season are more than an analyst's board needs.
	MaxTopDays = 92
	// MaxTop bounds how many indicators TopIndicators returns.
	MaxTop = 100
)

// SightedIndicator is an indicator the sector's telemetry held, and how often.
type SightedIndicator struct {
	// Indicator is the matched indicator's value, and Type its type.
	Indicator string
	Type      vigil.IndicatorType
	// Events is how many telemetry events held it.
	Events int64
	// Orgs is how many organisations' telemetry held it.
	Orgs int
	// LastSeen is when telemetry holding it was last received.
	LastSeen time.Time
}

// TopIndicators returns the n indicators sighted in the most telemetry events over the
// last days UTC days, today included, most first; sector roles only (they span every
// organisation). n is at most MaxTop and days at most MaxTopDays.
func (s *Service) TopIndicators(ctx context.Context, p vigil.Principal, days, n int) ([]SightedIndicator, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	if days < 1 || days > MaxTopDays || n < 1 || n > MaxTop {
		return nil, vigil.Errorf(vigil.EINVALID, "ask for 1 to %d indicators over 1 to %d days", MaxTop, MaxTopDays)
	}
	since := vigil.DayOf(s.now()).AddDate(0, 0, 1-days)
	rows, err := s.store.TopSightedIndicators(ctx, since, n)
	if err != nil {
		return nil, err
	}
	out := make([]SightedIndicator, len(rows))
	for i, r := range rows {
		out[i] = SightedIndicator{Indicator: r.Indicator, Type: r.Type, Events: r.Events, Orgs: r.Orgs, LastSeen: r.LastSeen}
	}
	return out, nil
}
