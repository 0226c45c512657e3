package vigil

import (
	"time"
)

// Sighting says that an organisation's telemetry held an observable that matched an
// indicator, in one event field, on one day: the only trace of an event vigil keeps.
type Sighting struct {
	// ID is the sighting's number.
	ID int64
	// Org is the ODS code of the organisation whose telemetry it was.
	Org string
	// Day is the UTC day of the events' own time (midnight UTC): the day they happened, or
	// the day received for events with no time of their own or a sensor clock far ahead,
	// or the oldest day kept for events older than that.
	Day time.Time
	// Field is the event field the observable came from, e.g. "id.resp_h".
	Field string
	// Observable is the normalised value seen.
	Observable string
	// ObservableType is the kind of value seen.
	ObservableType IndicatorType
	// Indicator is the matched indicator's value (a parent domain or a CIDR can differ from Observable).
	Indicator string
	// IndicatorType is the matched indicator's type.
	IndicatorType IndicatorType
	// Sources are the intel sources that list the indicator.
	Sources []string
	// Publishers are who published the indicator inside the data (a STIX identity, a MISP
	// event's creator), when that is not the source itself: whom to ask about it.
	Publishers []string
	// Labels are the sources' labels for it (malware family, campaign).
	Labels []string
	// TLP is the strictest marking among the sources.
	TLP TLP
	// Count is how many events held it that day.
	Count int64
	// FirstSeen and LastSeen bound the events' own times (Zeek ts, Sysmon UtcTime, ECS
	// @timestamp...), or when the telemetry was received for events without one.
	FirstSeen, LastSeen time.Time
	// Alert is the number of the alert the sighting raised or added to; 0 when none is
	// known to the reader (or the reader may not see it).
	Alert int64
}

// DayOf returns the UTC day t falls on, as midnight UTC: the unit sightings and the
// observable index are kept in.
func DayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SightingSort is an order a list of sightings can come in; sightings that tie follow
// the order they were first recorded in, newest first.
type SightingSort string

// The orders of a list of sightings.
const (
	SightingByNewest    SightingSort = "newest"    // most recently recorded first (the default)
	SightingByLatest    SightingSort = "latest"    // most recently seen first
	SightingByCount     SightingSort = "count"     // seen most often first
	SightingByOrg       SightingSort = "org"       // by the organisation's ODS code
	SightingByIndicator SightingSort = "indicator" // by the indicator's value, A to Z
)

// SightingSorts are the orders of a list of sightings, the default first.
var SightingSorts = []SightingSort{SightingByNewest, SightingByLatest, SightingByCount, SightingByOrg, SightingByIndicator}

// Or returns s, or SightingByNewest when s is empty.
func (s SightingSort) Or() SightingSort { return sortOr(s, SightingSorts) }

// Check returns an EINVALID error naming the choices when s is not one of SightingSorts.
func (s SightingSort) Check() error { return checkSort(s, SightingSorts) }

// SightingFilter selects sightings; zero fields match everything. Tenancy is the
// caller's job: to show one organisation its sightings, set Org.
type SightingFilter struct {
	// Org matches the sightings of the organisation with this ODS code.
	Org string
	// Indicator matches sightings of this indicator value, exactly.
	Indicator string
	// Type matches sightings of indicators of this type.
	Type IndicatorType
	// Since matches sightings on this UTC day or later.
	Since time.Time
	// Audience, when set, keeps the list to what it may see, in the query itself.
	Audience *Audience
	// Sort is the order of the list (SightingByNewest when empty).
	Sort SightingSort
	// Cursor continues a previous page; it belongs to one Sort.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}
