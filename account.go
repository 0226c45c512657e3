package vigil

import (
	"slices"
	"strings"
	"time"
)

// Role is what a user or token may do.
type Role string

// The roles, from the sector centre down to a sensor.
const (
	RoleSectorAdmin   Role = "sector_admin"   // runs the centre: everything, including accounts
	RoleSectorAnalyst Role = "sector_analyst" // curates intel, sees every organisation, handles alerts
	RoleOrgAdmin      Role = "org_admin"      // manages one organisation: its assets, tokens and alerts
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
	// LastSignIn is when the user last signed in to the web interface; zero when never
	// (or not since vigil began recording it).
	LastSignIn time.Time
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

// Need returns nil when p has one of the roles, and otherwise a forbidden error that
// names them: every use case starts with it (or with a narrower check of its own).
func (p Principal) Need(roles ...Role) error {
	if slices.Contains(roles, p.Role) {
		return nil
	}
	if p.Role == RoleSensor {
		return Errorf(EFORBIDDEN, "a sensor token may only push telemetry for its organisation")
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	if len(names) == 1 {
		return Errorf(EFORBIDDEN, "your role (%s) may not do this: it needs the role %s", p.Role, names[0])
	}
	return Errorf(EFORBIDDEN, "your role (%s) may not do this: it needs one of the roles %s", p.Role, strings.Join(names, ", "))
}

// The role sets use cases check with Need.
var (
	// People are the roles of people (every role but sensor).
	People = []Role{RoleSectorAdmin, RoleSectorAnalyst, RoleOrgAdmin, RoleOrgMember, RoleSupplier}
	// SectorRoles are the sector centre's roles.
	SectorRoles = []Role{RoleSectorAdmin, RoleSectorAnalyst}
	// OrgEditors may change an organisation: the centre, and the organisation's own admin.
	OrgEditors = []Role{RoleSectorAdmin, RoleSectorAnalyst, RoleOrgAdmin}
	// AlertWorkers may acknowledge and resolve alerts.
	AlertWorkers = []Role{RoleSectorAdmin, RoleSectorAnalyst, RoleOrgAdmin, RoleOrgMember}
)

// CommandLine is the principal of `vigil` commands run on the server itself: whoever can
// run them holds the database, so they act as a sector admin, and the audit log names
// them "cli".
var CommandLine = Principal{Email: "cli", Role: RoleSectorAdmin}

// CanSeeOrg reports whether the principal may see the organisation with the given ODS code.
// Suppliers' customer relationships are checked by the caller, which knows them.
func (p Principal) CanSeeOrg(ods string) bool {
	return p.Role.Sector() || (p.Org != "" && p.Org == ods)
}

// UserFilter selects users; zero fields match everything.
type UserFilter struct {
	// Org matches the users of the organisation with this ODS code.
	Org string
	// Role matches users with this role.
	Role Role
	// Email matches users whose address contains it, case-insensitively.
	Email string
	// Sort is the order of the list (UserByEmail when empty).
	Sort UserSort
	// Cursor continues a previous page; it belongs to one Sort.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// UserSort is an order a list of people can come in; people that tie follow their
// e-mail addresses.
type UserSort string

// The orders of a list of people.
const (
	UserByEmail  UserSort = "email"  // by e-mail address (the default)
	UserByName   UserSort = "name"   // by name, A to Z
	UserByRole   UserSort = "role"   // by role
	UserByOrg    UserSort = "org"    // by organisation's ODS code, the sector centre's people first
	UserByNewest UserSort = "newest" // most recently added first
	// UserByLastSignIn puts the most recently signed in first, those who never did last.
	UserByLastSignIn UserSort = "last_sign_in"
)

// UserSorts are the orders of a list of people, the default first.
var UserSorts = []UserSort{UserByEmail, UserByName, UserByRole, UserByOrg, UserByNewest, UserByLastSignIn}

// Or returns s, or UserByEmail when s is empty.
func (s UserSort) Or() UserSort { return sortOr(s, UserSorts) }

// Check returns an EINVALID error naming the choices when s is not one of UserSorts.
func (s UserSort) Check() error { return checkSort(s, UserSorts) }

// NewUser is what CreateUser needs to make an account.
type NewUser struct {
	// Email is the sign-in address; it is stored lower-case and must be unique.
	Email string
	// Name is how the user is greeted.
	Name string
	// Role is what the user may do; RoleSensor is for tokens, not people.
	Role Role
	// Org is the user's organisation: required for organisation and supplier roles,
	// empty for sector roles.
	Org string
	// Password is the initial password; empty makes an account that cannot sign in
	// until SetPassword gives it one.
	Password string
}
