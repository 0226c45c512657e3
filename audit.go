package vigil

import "time"

// AuditEntry is one row of the append-only audit log: who did what to what.
type AuditEntry struct {
	// Seq is the row's position in the chain, from 1.
	Seq int64
	// Time is when it happened.
	Time time.Time
	// Actor is who did it: a user's email, a token name, or "system".
	Actor string
	// Action is what was done, e.g. "org.create", "alert.ack", "user.login".
	Action string
	// Target is what it was done to, e.g. an ODS code or "alert/42".
	Target string
	// Detail is extra context as compact JSON, never a secret.
	Detail string
	// PrevHash is the previous row's Hash (hex); empty for the first row.
	PrevHash string
	// Hash is SHA-256 over PrevHash and this row's canonical content (hex).
	Hash string
}

// AuditSort is an order the audit log can be read in.
type AuditSort string

// The orders of the audit log.
const (
	AuditByNewest AuditSort = "newest" // most recent first (the default)
	AuditByOldest AuditSort = "oldest" // first written first
)

// AuditSorts are the orders of the audit log, the default first.
var AuditSorts = []AuditSort{AuditByNewest, AuditByOldest}

// Or returns s, or AuditByNewest when s is empty.
func (s AuditSort) Or() AuditSort { return sortOr(s, AuditSorts) }

// Check returns an EINVALID error naming the choices when s is not one of AuditSorts.
func (s AuditSort) Check() error { return checkSort(s, AuditSorts) }

// AuditFilter selects audit rows; zero fields match everything.
type AuditFilter struct {
	// Actor, Action and Target match rows with exactly these values.
	Actor string
	// Action matches rows with this action.
	Action string
	// Target matches rows about this target.
	Target string
	// Since matches rows written at or after this time.
	Since time.Time
	// Sort is the order of the list (AuditByNewest when empty).
	Sort AuditSort
	// Cursor continues a previous page; it belongs to one Sort.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}
