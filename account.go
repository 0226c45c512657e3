package vigil

import "time"

// Role is what a user or token may do.
type Role string

// The roles, from the sector centre down to a sensor.
const (
	RoleSectorAdmin   Role = "sector_admin"   // runs the centre: everything, including accounts
	RoleSectorAnalyst Role = "sector_analyst" // curates intel, sees every organisation, handles alerts
	RoleOrgAdmin      Role = "org_admin"      // manages one organisation: its assets, users and alerts
	RoleOrgMember     Role = "org_member"     // works one organisation's alerts
	RoleSupplier      Role = "supplier"       // sees what concerns its products and customers
	RoleSensor        Role = "sensor"         // may only push telemetry for one organisation
)

// Roles lists every role.
var Roles = []Role{RoleSectorAdmin, RoleSectorAnalyst, RoleOrgAdmin, RoleOrgMember, RoleSupplier, RoleSensor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Sector reports whether the role works for the sector centre and so sees every organisation.
func (r Role) Sector() bool { return r == RoleSectorAdmin || r == RoleSectorAnalyst }

// User is a person who signs in to vigil.
type User struct {
	// ID is the user's stable number.
	ID int64
	// Email is the address the user signs in with, lower-case.
	Email string
	// Name is how the user is greeted.
	Name string
	// Role is what the user may do.
	Role Role
	// Org is the ODS code of the user's organisation; empty for sector roles.
	Org string
	// Disabled users cannot sign in or use their tokens.
	Disabled bool
	// CreatedAt is when the account was made.
	CreatedAt time.Time
}

// Principal is who is making a request: a signed-in user or a token.
type Principal struct {
	// UserID is the user behind the request; 0 for a sensor token.
	UserID int64
	// Email identifies the user in the audit log; a sensor's token name otherwise.
	Email string
	// Role is what the principal may do.
	Role Role
	// Org is the organisation the principal belongs to, empty for sector roles.
	Org string
	// TokenID is set when the request came with an API token.
	TokenID int64
}

// CanSeeOrg reports whether the principal may see the organisation with the given ODS code.
// Suppliers' customer relationships are checked by the caller, which knows them.
func (p Principal) CanSeeOrg(ods string) bool {
	return p.Role.Sector() || (p.Org != "" && p.Org == ods)
}

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
	// Sources are the intel sources or reporters behind the alert.
	Sources []string
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
}

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
