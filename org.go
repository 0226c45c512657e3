package vigil

import (
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// Contact is a person at an organisation.
type Contact struct {
	// Name is the person's name.
	Name string `json:"name"`
	// Role is their job, e.g. "IT lead" or "Registered manager".
	Role string `json:"role,omitempty"`
	// Email is their address, lower-case.
	Email string `json:"email,omitempty"`
	// Phone is a number to ring in an emergency.
	Phone string `json:"phone,omitempty"`
	// Notify is how the person hears of alerts by e-mail: NotifyImmediate (the
	// default, also written as empty) or NotifyDigest, the daily digest only.
	Notify string `json:"notify,omitempty"`
}

// The choices a contact has of how to hear of alerts by e-mail.
const (
	NotifyImmediate = "immediate" // each high or critical alert at once, and the daily digest
	NotifyDigest    = "digest"    // the daily digest only, which lists every alert
)

// NormalizeNotify reads a contact's choice: empty stays empty (immediate), and
// otherwise immediate or digest in any case, or an invalid error saying so.
func NormalizeNotify(s string) (string, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "", NotifyImmediate, NotifyDigest:
		return v, nil
	}
	return "", Errorf(EINVALID, "notify %q must be immediate (each high or critical alert at once) or digest (the daily digest only)", s)
}

// DigestOnly reports whether the contact chose the daily digest alone.
func (c Contact) DigestOnly() bool { return c.Notify == NotifyDigest }

// OrgPatch changes an organisation. Nil fields are left as they are.
type OrgPatch struct {
	// Name, Kind, Region and Parent replace the organisation's values; an empty Parent
	// removes the parent.
	Name   *string
	Kind   *OrgKind
	Region *string
	Parent *string
	// Contacts replaces the contact list.
	Contacts *[]Contact
	// Assets replaces every asset; assets in both the old and new lists keep their
	// history (and any reviewed overlap).
	Assets *[]Asset
	// AddAssets and RemoveAssets are applied after Assets. Adding an asset the
	// organisation has, or removing one it has not, does nothing.
	AddAssets, RemoveAssets []Asset
}

// odsPattern is the shape of the codes vigil accepts as ODS codes: 3 to 12 capital
// letters, digits or hyphens, starting with a letter or digit. It covers NHS trust codes
// (RXX, R1H), GP practice codes (A81001), care-home and provider codes (VNXXX-style) and
// CQC location and provider IDs (1-123456789), which care providers without an ODS code
// use instead.
var odsPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{2,11}$`)

// NormalizeODS returns code trimmed and upper-cased, or an invalid error naming the
// accepted shape.
func NormalizeODS(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if !odsPattern.MatchString(c) {
		return "", Errorf(EINVALID,
			"ODS code %q is not valid: use 3 to 12 capital letters, digits or hyphens, starting with a letter or digit (for example RXX, A81001 or 1-123456789)", code)
	}
	return c, nil
}

// OrgFilter selects organisations; zero fields match everything.
type OrgFilter struct {
	// Search matches organisations whose ODS code starts with it or whose name holds
	// it, in any case.
	Search string
	// Kind matches organisations of that kind.
	Kind OrgKind
	// Region matches organisations in that region, exactly.
	Region string
	// Audience, when set, keeps the list to the organisations it may see, in the query.
	Audience *Audience
	// Sort is the order of the list (OrgByCode when empty).
	Sort OrgSort
	// Cursor continues a previous page; it belongs to one Sort.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// OrgSort is an order a list of organisations can come in; organisations that tie
// follow their ODS codes.
type OrgSort string

// The orders of a list of organisations.
const (
	OrgByCode   OrgSort = "ods_code" // by ODS code (the default)
	OrgByName   OrgSort = "name"     // by name, A to Z
	OrgByKind   OrgSort = "kind"     // by kind (trust, gp…), then ODS code
	OrgByRegion OrgSort = "region"   // by region, then ODS code
)

// OrgSorts are the orders of a list of organisations, the default first.
var OrgSorts = []OrgSort{OrgByCode, OrgByName, OrgByKind, OrgByRegion}

// Or returns s, or OrgByCode when s is empty.
func (s OrgSort) Or() OrgSort { return sortOr(s, OrgSorts) }

// Check returns an EINVALID error naming the choices when s is not one of OrgSorts.
func (s OrgSort) Check() error { return checkSort(s, OrgSorts) }

// OrgKind is what sort of health or care organisation an Org is.
type OrgKind string

// The organisation kinds a sector centre registers.
const (
	OrgTrust        OrgKind = "trust"         // an NHS trust (hospital, community, mental health, ambulance)
	OrgGP           OrgKind = "gp"            // a GP practice
	OrgCareProvider OrgKind = "care_provider" // an adult social care provider, often without IT staff
	OrgSupplier     OrgKind = "supplier"      // an IT or digital-care supplier serving many organisations
	OrgCentre       OrgKind = "centre"        // the sector security centre itself
)

// Org is an organisation the sector centre protects.
type Org struct {
	// ODSCode is the NHS Organisation Data Service code, the organisation's stable identifier.
	ODSCode string
	// Name is the organisation's name as its staff would say it.
	Name string
	// Kind is what sort of organisation it is.
	Kind OrgKind
	// Region is the NHS region it belongs to, e.g. "North West".
	Region string
	// Parent is the ODS code of a parent organisation (a trust for its sites), or empty.
	Parent string
	// IPRanges are the networks the organisation has registered as its own (approved).
	IPRanges []netip.Prefix
	// Domains are the domain names it has registered (approved); their subdomains are its too.
	Domains []string
	// Hostnames are single hosts the organisation has registered (approved); unlike
	// Domains they do not claim their subdomains.
	Hostnames []string
	// Pending are assets the organisation claimed for itself that a sector analyst has not
	// approved yet: they route nothing until approved. Creating an organisation ignores it.
	Pending []Asset
	// Contacts are the people the sector centre talks to at the organisation.
	Contacts []Contact
	// CreatedAt is when the organisation was registered.
	CreatedAt time.Time
	// UpdatedAt is when it was last changed.
	UpdatedAt time.Time
}
