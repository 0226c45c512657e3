package vigil

import (
	"time"
)

// AlertKind says what raised an alert.
type AlertKind string

// Alert kinds.
const (
	AlertEarlyWarning AlertKind = "early_warning" // the organisation's own asset appeared in a feed or a partner's event
	AlertSighting     AlertKind = "sighting"      // the organisation's telemetry matched an indicator
	AlertRetroHunt    AlertKind = "retro_hunt"    // a new indicator matched something the organisation saw earlier
)

// AlertStatus is where an alert is in its life.
type AlertStatus string

// Alert statuses.
const (
	AlertOpen         AlertStatus = "open"         // raised, nobody has looked yet
	AlertAcknowledged AlertStatus = "acknowledged" // someone at the organisation has seen it
	AlertResolved     AlertStatus = "resolved"     // dealt with, with a note saying how
)

// Alert tells one organisation about one thing it should act on.
type Alert struct {
	// ID is the alert's number.
	ID int64
	// Org is the ODS code of the organisation the alert is for.
	Org string
	// Kind says what raised it.
	Kind AlertKind
	// Severity says how urgent it is.
	Severity Severity
	// Status is where it is in its life.
	Status AlertStatus
	// Title is a one-line summary in plain language.
	Title string
	// Body explains what was seen and what to do, in plain language.
	Body string
	// Observable is the organisation's value involved (its IP, domain, the host that was seen).
	Observable string
	// Indicator is the matched indicator's value, when one was matched.
	Indicator string
	// Sources are the intel sources or reporters behind the alert: the feeds it came through.
	Sources []string
	// Publishers are who published what the alert is about inside the data (a STIX
	// bundle's created_by_ref identity, a MISP event's creator organisation), when that is
	// not the source itself: the feed is how it came, the publisher whom to ask about it.
	Publishers []string
	// TLP is how far the alert's content may be shared.
	TLP TLP
	// Count is how many times the same thing was seen since the alert was raised (deduplication).
	Count int
	// FirstSeen and LastSeen bound when it was seen.
	FirstSeen, LastSeen time.Time
	// CreatedAt is when the alert was raised.
	CreatedAt time.Time
	// AckedAt and ResolvedAt record the lifecycle; zero when not yet.
	AckedAt, ResolvedAt time.Time
	// AckedBy and ResolvedBy are the users' emails.
	AckedBy, ResolvedBy string
	// ResolutionNote says how it was dealt with.
	ResolutionNote string
	// DedupKey identifies repeats of the same alert (organisation, observable, type, day).
	DedupKey string
	// AckDueAt is when the organisation should have acknowledged the alert by (its
	// severity's Deadlines); zero when there is no such deadline.
	AckDueAt time.Time
	// FixDueAt is when it should have resolved it by; zero when there is no such deadline.
	FixDueAt time.Time
	// AckEscalatedAt is when vigil found the alert still open past AckDueAt and told the
	// organisation's administrators and the sector analysts; zero until then.
	AckEscalatedAt time.Time
	// FixOverdueAt is when vigil found it unresolved past FixDueAt and marked it overdue;
	// zero until then.
	FixOverdueAt time.Time
}

// AlertWords words an alert from what it holds: its title and body, written from its
// sources, its TLP and the like. A flow that raises an alert passes one along, so that a
// repeat that adds sources or a stricter TLP (Alert.Merge) is worded again to match.
type AlertWords func(Alert) (title, body string)

// AlertFilter selects alerts; zero fields match everything. Tenancy is the caller's
// job: to show one organisation its alerts, set Org.
type AlertFilter struct {
	// Org matches the alerts of the organisation with this ODS code.
	Org string
	// Status matches alerts in that state.
	Status AlertStatus
	// Severity matches alerts of exactly that severity.
	Severity Severity
	// Kind matches alerts raised that way.
	Kind AlertKind
	// Since matches alerts last seen at or after this time.
	Since time.Time
	// Overdue matches alerts overdue for that deadline (Alert.IsOverdue).
	Overdue Overdue
	// Audience, when set, keeps the list to what it may see, in the query itself, so
	// that neither a page nor its cursor tells of a hidden alert.
	Audience *Audience
	// Sort is the order of the list (AlertByNewest when empty).
	Sort AlertSort
	// Cursor continues a previous page; it belongs to one Sort.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// AlertSort is an order a list of alerts can come in. Every order ends with the alert
// number, so that alerts that tie keep one order and pages never repeat or skip one.
type AlertSort string

// The orders of a list of alerts.
const (
	AlertByNewest   AlertSort = "newest"    // most recently raised first (the default)
	AlertByLastSeen AlertSort = "last_seen" // most recently seen first
	AlertByOldest   AlertSort = "oldest"    // first raised first
	AlertBySeverity AlertSort = "severity"  // most urgent first, then newest first
	AlertByOrg      AlertSort = "org"       // by the organisation's ODS code, then newest first
)

// AlertSorts are the orders of a list of alerts, the default first.
var AlertSorts = []AlertSort{AlertByNewest, AlertByLastSeen, AlertByOldest, AlertBySeverity, AlertByOrg}

// Or returns s, or AlertByNewest when s is empty.
func (s AlertSort) Or() AlertSort { return sortOr(s, AlertSorts) }

// Check returns an EINVALID error naming the choices when s is not one of AlertSorts;
// the empty sort is the default.
func (s AlertSort) Check() error { return checkSort(s, AlertSorts) }
