package vigil

import (
	"time"
)

// OutboxKind says why a message is in the outbox.
type OutboxKind string

// Outbox kinds.
const (
	OutboxImmediate OutboxKind = "immediate" // one high or critical alert, sent at once
	OutboxDigest    OutboxKind = "digest"    // the daily summary of an organisation's alerts
	// OutboxEscalation tells the organisation's administrators and the sector analysts
	// (always named in Recipients) that an alert's acknowledge deadline passed.
	OutboxEscalation OutboxKind = "escalation"
	// OutboxReminder tells an organisation that the review date of one of its posture
	// items has passed.
	OutboxReminder OutboxKind = "reminder"
)

// OutboxEntry is a message waiting for (or past) delivery to an organisation's contacts.
// Delivery plans pending entries whose DueAt has passed (one delivery per recipient and
// webhook) and marks them sent once every e-mail is delivered or given up.
type OutboxEntry struct {
	// ID is the entry's number.
	ID int64
	// Org is the ODS code of the organisation the message is for.
	Org string
	// Kind says whether it is an immediate alert or a digest.
	Kind OutboxKind
	// Subject is the message's one-line subject.
	Subject string
	// Body is the message as plain text.
	Body string
	// Recipients, when not empty, are the only people the message goes to (their
	// addresses): an immediate message about a TLP:RED or TLP:AMBER+STRICT alert goes to
	// the organisation's administrators and named contacts alone (NamedOnly). Empty means
	// every contact of the organisation.
	Recipients []string
	// AlertID is the alert an immediate message or escalation is about; 0 for a digest.
	AlertID int64
	// TLP is the strictest marking of what the message says (its alert's, or for a
	// digest the alerts it names); empty means its alert's, or AMBER when it has none.
	TLP TLP
	// DedupKey makes writing the same message twice a no-op ("alert|42", "digest|2025-03-01").
	DedupKey string
	// CreatedAt is when the entry was written.
	CreatedAt time.Time
	// DueAt is when it should be sent.
	DueAt time.Time
	// SentAt is when its e-mails were sent (delivered, or given up on); zero while
	// pending.
	SentAt time.Time
}

// OutboxSort is an order a list of messages can come in; messages that tie
// follow the order they were written in, newest first.
type OutboxSort string

// The orders of a list of messages.
const (
	OutboxByNewest OutboxSort = "newest" // most recently written first (the default)
	OutboxByOldest OutboxSort = "oldest" // first written first
	OutboxByOrg    OutboxSort = "org"    // by the organisation's ODS code
	OutboxByKind   OutboxSort = "kind"   // by kind (alert, digest…)
)

// OutboxSorts are the orders of a list of messages, the default first.
var OutboxSorts = []OutboxSort{OutboxByNewest, OutboxByOldest, OutboxByOrg, OutboxByKind}

// Or returns s, or OutboxByNewest when s is empty.
func (s OutboxSort) Or() OutboxSort { return sortOr(s, OutboxSorts) }

// Check returns an EINVALID error naming the choices when s is not one of OutboxSorts.
func (s OutboxSort) Check() error { return checkSort(s, OutboxSorts) }

// OutboxFilter selects outbox entries; zero fields match everything. Tenancy is the
// caller's job: to show one organisation its messages, set Org.
type OutboxFilter struct {
	// Org matches the entries of the organisation with this ODS code.
	Org string
	// Kind matches entries of that kind.
	Kind OutboxKind
	// Recipient, when set, leaves out the messages addressed to named recipients among
	// whom this address is not (Recipients): what people read of the outbox is what
	// would be sent to them.
	Recipient string
	// Pending matches only entries not yet sent.
	Pending bool
	// Sort is the order of the list (OutboxByNewest when empty).
	Sort OutboxSort
	// Cursor continues a previous page; it belongs to one Sort. Limit caps the page
	// (DefaultLimit when 0).
	Cursor string
	// Limit is the page size.
	Limit int
}

// DigestItem is an alert waiting for its organisation's next digest.
type DigestItem struct {
	// Alert is the alert as it stands now (its count includes every repeat).
	Alert Alert
	// New reports whether the alert was raised since the last digest, rather than an
	// earlier alert seen again.
	New bool
}
