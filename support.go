package vigil

import "time"

// OrgLSO is a Local Support Organisation: it gives the small providers linked to it
// free help with cyber security, and answers their support requests.
const OrgLSO OrgKind = "lso"

// SupportStatus is where a support request is.
type SupportStatus string

// The statuses of a support request.
const (
	SupportOpen     SupportStatus = "open"     // waiting for the support organisation
	SupportAnswered SupportStatus = "answered" // the support organisation replied
	SupportClosed   SupportStatus = "closed"   // done with
)

// Valid reports whether s is a known status.
func (s SupportStatus) Valid() bool {
	return s == SupportOpen || s == SupportAnswered || s == SupportClosed
}

// SupportRequest is a provider asking its Local Support Organisation for help.
type SupportRequest struct {
	// ID is the request's number.
	ID int64 `json:"id"`
	// Org is the ODS code of the organisation asking.
	Org string `json:"org"`
	// LSO is the ODS code of the support organisation it went to.
	LSO string `json:"lso"`
	// Subject is the request in a line.
	Subject string `json:"subject"`
	// Body is what the provider wrote.
	Body string `json:"body"`
	// Context says what it is about: "posture/checklist/backups", "alert/42", or empty.
	Context string `json:"context,omitempty"`
	// ContextText is that thing described in words, fixed when the request is made.
	ContextText string `json:"context_text,omitempty"`
	// Status is where it is.
	Status SupportStatus `json:"status"`
	// CreatedBy is who asked.
	CreatedBy string `json:"created_by"`
	// CreatedAt is when.
	CreatedAt time.Time `json:"created_at"`
	// FirstReplyAt is when the support organisation first replied; zero before.
	FirstReplyAt time.Time `json:"first_reply_at,omitzero"`
	// ClosedAt is when it was closed; zero while open.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// Replies are the messages after the first, oldest first (filled by Get only).
	Replies []SupportReply `json:"replies,omitempty"`
}

// SupportReply is one message on a support request.
type SupportReply struct {
	// Author is who wrote it.
	Author string `json:"author"`
	// FromLSO is true when the support organisation wrote it.
	FromLSO bool `json:"from_lso"`
	// Body is the message.
	Body string `json:"body"`
	// At is when.
	At time.Time `json:"at"`
}

// SupportFilter selects support requests; zero fields match everything.
type SupportFilter struct {
	// Org matches requests from that organisation.
	Org string
	// LSO matches requests to that support organisation.
	LSO string
	// Status matches requests in that state.
	Status SupportStatus
	// Limit caps the list (DefaultLimit when 0, at most MaxLimit).
	Limit int
}
