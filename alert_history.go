package vigil

import "time"

// HistoryKind says what happened to an alert.
type HistoryKind string

// What can happen to an alert, in the words of its timeline.
const (
	HistoryRaised         HistoryKind = "raised"             // vigil raised it
	HistoryRepeated       HistoryKind = "repeated"           // the same thing was seen again (Count is the total)
	HistorySeverityRaised HistoryKind = "severity_raised"    // a repeat made it more urgent (Severity is the new one)
	HistoryTLPRaised      HistoryKind = "tlp_raised"         // a repeat was marked more strictly (TLP is the new marking)
	HistoryAcknowledged   HistoryKind = "acknowledged"       // someone at the organisation acknowledged it (By)
	HistoryResolved       HistoryKind = "resolved"           // someone resolved it (By, Note)
	HistoryAckMissed      HistoryKind = "acknowledge_missed" // its acknowledge deadline passed while open; escalated (To)
	HistoryFixOverdue     HistoryKind = "remediate_overdue"  // its remediation deadline passed while unresolved
)

// HistoryEntry is one thing that happened to an alert. An alert's history is its
// timeline, oldest first; it is written in the same transaction as the change it records.
// Repeats in a row are one entry whose Count and At follow the latest.
type HistoryEntry struct {
	// ID orders the entries of one alert.
	ID int64
	// Alert is the alert's number.
	Alert int64
	// At is when it happened.
	At time.Time
	// Kind says what happened.
	Kind HistoryKind
	// By is who did it (an email address); empty for what vigil did.
	By string
	// Note is what they said: the resolution note.
	Note string
	// Count is how many times the alert had been seen, for raised and repeated.
	Count int
	// Severity is the alert's severity, for raised and severity_raised.
	Severity Severity
	// TLP is the alert's marking, for raised and tlp_raised.
	TLP TLP
	// DueAt is the deadline that was missed, for acknowledge_missed and remediate_overdue.
	DueAt time.Time
	// To are the people an escalation was sent to (their addresses), for
	// acknowledge_missed; empty when nobody could be told.
	To []string
}
