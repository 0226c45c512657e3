package alerts

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

// Overview window bounds, in days.
const (
	DefaultOverviewDays = 30 // DefaultOverviewDays is the window when none is asked for.
	MaxOverviewDays     = 92 // MaxOverviewDays bounds the window: a quarter.
	// overviewOldest is how many of the longest-waiting open alerts the overview lists.
	overviewOldest = 10
)

// OverviewSeverities are the severities in the order the overview shows them, most
// urgent first.
var OverviewSeverities = []vigil.Severity{vigil.SeverityCritical, vigil.SeverityHigh, vigil.SeverityMedium, vigil.SeverityLow}

// Overview is the sector's alerts at a glance, for the analysts' board: what was raised
// day by day, what is not resolved yet, and what has waited longest for action.
type Overview struct {
	// Days are the window's UTC days, oldest first, every one of them, with the alerts
	// raised that day (by created_at).
	Days []DayCount
	// Open and Acknowledged count the alerts that need action and those being dealt
	// with, by severity.
	Open, Acknowledged map[vigil.Severity]int
	// Oldest are the open alerts that have waited longest, oldest first.
	Oldest []vigil.Alert
	// Now is when the figures were read.
	Now time.Time
}

// DayCount is the alerts raised on one UTC day.
type DayCount struct {
	// Day is the day, at midnight UTC.
	Day time.Time
	// BySeverity and ByKind split the day's alerts by severity and by what raised them.
	BySeverity map[vigil.Severity]int
	ByKind     map[vigil.AlertKind]int
	// Total is how many were raised that day.
	Total int
}

// Overview returns the sector's alert figures over the last days UTC days, today
// included (DefaultOverviewDays when days is 0, at most MaxOverviewDays); sector roles
// only. The counting is done by the database over indexes, so the cost follows the
// alerts in the window and the unresolved ones, not every alert ever raised.
func (s *Service) Overview(ctx context.Context, p vigil.Principal, days int) (Overview, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return Overview{}, err
	}
	if days < 0 || days > MaxOverviewDays {
		return Overview{}, vigil.Errorf(vigil.EINVALID, "the overview covers 1 to %d days: ask for fewer", MaxOverviewDays)
	}
	if days == 0 {
		days = DefaultOverviewDays
	}
	now := s.now().UTC()
	to := vigil.DayOf(now).AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -days)
	o := Overview{Now: now, Open: map[vigil.Severity]int{}, Acknowledged: map[vigil.Severity]int{}}
	tallies, err := s.store.AlertsRaised(ctx, from, to)
	if err != nil {
		return Overview{}, err
	}
	o.Days = make([]DayCount, days)
	for i := range o.Days {
		o.Days[i] = DayCount{Day: from.AddDate(0, 0, i), BySeverity: map[vigil.Severity]int{}, ByKind: map[vigil.AlertKind]int{}}
	}
	for _, t := range tallies {
		i := int(t.Day.Sub(from) / (24 * time.Hour))
		if i < 0 || i >= days {
			continue // a day the window's edges cut differently; never expected
		}
		d := &o.Days[i]
		d.BySeverity[t.Severity] += t.Count
		d.ByKind[t.Kind] += t.Count
		d.Total += t.Count
	}
	unresolved, err := s.store.UnresolvedAlerts(ctx)
	if err != nil {
		return Overview{}, err
	}
	for _, u := range unresolved {
		if u.Status == vigil.AlertOpen {
			o.Open[u.Severity] += u.Count
		} else {
			o.Acknowledged[u.Severity] += u.Count
		}
	}
	if o.Oldest, err = s.store.OldestOpenAlerts(ctx, overviewOldest); err != nil {
		return Overview{}, err
	}
	return o, nil
}
