package vigil

import (
	"time"
)

// Severity is how urgent a threat event or alert is.
type Severity string

// Severities, least to most urgent.
const (
	SeverityLow      Severity = "low"      // worth knowing; goes in the daily digest
	SeverityMedium   Severity = "medium"   // act this week; daily digest
	SeverityHigh     Severity = "high"     // act today; sent at once
	SeverityCritical Severity = "critical" // act now; sent at once
)

// Rank orders severities: 0 unknown, 1 low ... 4 critical.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// Lower is the next severity down; low stays low.
func (s Severity) Lower() Severity {
	switch s {
	case SeverityCritical:
		return SeverityHigh
	case SeverityHigh:
		return SeverityMedium
	}
	return SeverityLow
}

// ThreatEvent is a third-party report about one observable, such as "this IP was seen
// talking to a botnet" or "this host exposes RDP", to be routed to the organisation that owns it.
type ThreatEvent struct {
	// Type is what was seen: compromise, abuse, vulnerable_service, open_port, phishing...
	Type string
	// Observable is the IP address, domain or URL the event is about (normalised).
	Observable string
	// ObservableType is ipv4, ipv6, domain or url.
	ObservableType IndicatorType
	// Time is when the partner saw it.
	Time time.Time
	// Source is the partner or scanner that reported it.
	Source string
	// Severity is the reporter's view of urgency.
	Severity Severity
	// Port is the network port involved, 0 when not stated.
	Port int
	// Service is the network service involved (rdp, smb, http...), when stated.
	Service string
	// CVE is the vulnerability involved, when stated.
	CVE string
	// Description is the reporter's free text.
	Description string
	// TLP is how far the reporter lets the event be shared; the alerts it raises carry
	// it. Events that do not say are TLP:GREEN.
	TLP TLP
}

// UnroutedEvent is a partner's threat event about an observable no organisation has
// registered, kept for analysts: it may be an unregistered asset of a member, or a
// typing mistake in someone's asset list.
type UnroutedEvent struct {
	// ID is the entry's number.
	ID int64
	// Event is the first report as received (the later repeats only count).
	Event ThreatEvent
	// Reporter is who uploaded it (a user's email).
	Reporter string
	// Count is how many times the same observable and type was reported that day.
	Count int
	// LastSeen is the latest event time of the repeats; Event.Time is the earliest.
	LastSeen time.Time
	// ReceivedAt is when the first report was received.
	ReceivedAt time.Time
	// DedupKey identifies repeats (observable, type, day); required.
	DedupKey string
	// AssignedOrg is the organisation an analyst gave the event to; empty while it
	// waits. AssignedBy and AssignedAt say who did and when; AlertID is the alert that
	// raised for the organisation.
	AssignedOrg, AssignedBy string
	// AssignedAt is when it was assigned; zero while it waits.
	AssignedAt time.Time
	// AlertID is the alert the assignment raised; 0 while it waits.
	AlertID int64
}

// UnroutedSort is an order a list of unrouted events can come in; events that
// tie follow the order they were received in, newest first.
type UnroutedSort string

// The orders of a list of unrouted events.
const (
	UnroutedByNewest   UnroutedSort = "newest"    // most recently received first (the default)
	UnroutedByLastSeen UnroutedSort = "last_seen" // most recently reported again first
	UnroutedByCount    UnroutedSort = "count"     // reported most often first
	UnroutedByType     UnroutedSort = "type"      // by the event's type
)

// UnroutedSorts are the orders of a list of unrouted events, the default first.
var UnroutedSorts = []UnroutedSort{UnroutedByNewest, UnroutedByLastSeen, UnroutedByCount, UnroutedByType}

// Or returns s, or UnroutedByNewest when s is empty.
func (s UnroutedSort) Or() UnroutedSort { return sortOr(s, UnroutedSorts) }

// Check returns an EINVALID error naming the choices when s is not one of UnroutedSorts.
func (s UnroutedSort) Check() error { return checkSort(s, UnroutedSorts) }

// UnroutedFilter selects unrouted events; zero fields match everything.
type UnroutedFilter struct {
	// Type matches events of that type.
	Type string
	// Sort is the order of the list (UnroutedByNewest when empty).
	Sort UnroutedSort
	// Cursor continues a previous page; it belongs to one Sort. Limit caps the page
	// (DefaultLimit when 0).
	Cursor string
	// Limit is the page size.
	Limit int
}
