package reports

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/disclosure"
	"github.com/vigil-health/vigil/internal/store"
)

// Period is the UTC days a report covers, both included.
type Period struct {
	// First and Last are the first and last day, at midnight UTC.
	First, Last time.Time
}

// End is the midnight after the period's last day: the first instant not in it.
func (p Period) End() time.Time { return p.Last.AddDate(0, 0, 1) }

// Report is the sector report for a period.
type Report struct {
	// Period is the days covered.
	Period Period
	// Generated is when the report was built.
	Generated time.Time
	// Sections are the report's parts, in order.
	Sections []Section
}

// Section is one part of the report.
type Section struct {
	// ID names the section in links and file formats, e.g. "alerts".
	ID string
	// Title is the section's heading; About says what its figures mean.
	Title, About string
	// NotRecorded, when set, says why the section has no figures yet (vigil does not
	// record that data yet); the other fields are then empty.
	NotRecorded string
	// Figures are the section's headline numbers.
	Figures []Figure
	// Tables are its tables, disclosure-controlled; each is also drawn as a chart.
	Tables []disclosure.Published
	// Timings are how quickly alerts were dealt with, per severity (one section has them).
	Timings []Timing
}

// Figure is one headline number.
type Figure struct {
	// Label says what is counted.
	Label string
	// Value is the number, marked exact, rounded or suppressed.
	Value disclosure.Cell
	// Percent, when set, is Value as a share of something the label names, computed
	// from the published figures.
	Percent *float64
}

// Timing is how quickly the alerts of one severity raised in the period were
// acknowledged and resolved. They are whole-sector figures, published exactly.
type Timing struct {
	// Severity is the alerts' severity.
	Severity vigil.Severity
	// Raised is how many were raised in the period.
	Raised int
	// Acknowledged is how many have been acknowledged (or resolved without it) since;
	// AckMedian and AckP90 the median and 90th percentile time it took.
	Acknowledged      int
	AckMedian, AckP90 time.Duration
	// Resolved is how many have been resolved since; FixMedian and FixP90 the median and
	// 90th percentile time from raising to resolution.
	Resolved          int
	FixMedian, FixP90 time.Duration
}

// SectionSource builds one section of the report from the store for a period. A new
// capability (incidents, posture) joins the report by implementing it and being added
// to Sources.
type SectionSource interface {
	Section(ctx context.Context, st *store.Store, per Period) (Section, error)
}

// SectionFunc is a function as a SectionSource.
type SectionFunc func(ctx context.Context, st *store.Store, per Period) (Section, error)

// Section calls f.
func (f SectionFunc) Section(ctx context.Context, st *store.Store, per Period) (Section, error) {
	return f(ctx, st, per)
}

var _ SectionSource = SectionFunc(nil)

// Sources are the report's sections in the order it shows them. Some keep what they
// read between reports (the feeds section its tally of the indicators received), so a
// Service takes a list of its own.
func Sources() []SectionSource {
	return []SectionSource{
		SectionFunc(alertsSection), SectionFunc(reachSection), SectionFunc(timesSection),
		SectionFunc(coverageSection), SectionFunc(huntingSection), &feedsSource{},
		SectionFunc(incidentsSection),
		SectionFunc(vulnerabilitiesSection),
		SectionFunc(postureSection),
	}
}
