package api

import (
	"net/netip"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgs"
)

// Org is an organisation as the API shows it.
type Org struct {
	// ODSCode is the organisation's NHS ODS code (or CQC id), its stable identifier.
	ODSCode string `json:"ods_code" example:"RXA" doc:"NHS ODS code (or CQC id): the organisation's stable identifier."`
	// Name is the organisation's name.
	Name string `json:"name" example:"Example Community NHS Trust"`
	// Kind is what sort of organisation it is.
	Kind vigil.OrgKind `json:"kind" enum:"trust,gp,care_provider,supplier,centre"`
	// Region is the NHS region.
	Region string `json:"region" example:"North West"`
	// Parent is the ODS code of the parent organisation, if any.
	Parent string `json:"parent,omitempty"`
	// IPRanges are the organisation's networks in CIDR form.
	IPRanges []string `json:"ip_ranges" example:"[\"192.0.2.0/24\"]"`
	// Domains are its domains; names under them are its too.
	Domains []string `json:"domains" example:"[\"trust.example\"]"`
	// Hostnames are single hosts it registered.
	Hostnames []string `json:"hostnames"`
	// Contacts are the people the sector centre talks to there.
	Contacts []Contact `json:"contacts"`
	// CreatedAt is when it was registered.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when it last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// Contact is a person at an organisation.
type Contact struct {
	// Name is the person's name.
	Name string `json:"name" maxLength:"200"`
	// Role is their job, e.g. "IT lead".
	Role string `json:"role,omitempty" maxLength:"200"`
	// Email is their address.
	Email string `json:"email,omitempty" maxLength:"254"`
	// Phone is a number to ring in an emergency.
	Phone string `json:"phone,omitempty" maxLength:"50"`
}

// Assets lists IP ranges, domains and hostnames, as registered or as a change.
type Assets struct {
	// IPRanges are networks in CIDR form (a bare address means a single host), at most
	// /8 wide for IPv4 and /32 for IPv6.
	IPRanges []string `json:"ip_ranges,omitempty" maxItems:"10000" example:"[\"192.0.2.0/24\"]"`
	// Domains are domain names; names under them are claimed too.
	Domains []string `json:"domains,omitempty" maxItems:"10000" example:"[\"trust.example\"]"`
	// Hostnames are single hosts, without the names under them.
	Hostnames []string `json:"hostnames,omitempty" maxItems:"10000"`
}

// assets lists the assets, non-nil even when empty: an empty list in a change still
// says what the change was asked to do.
func (as Assets) assets() []vigil.Asset {
	out := []vigil.Asset{}
	for _, v := range as.IPRanges {
		out = append(out, vigil.Asset{Kind: vigil.AssetIPRange, Value: v})
	}
	for _, v := range as.Domains {
		out = append(out, vigil.Asset{Kind: vigil.AssetDomain, Value: v})
	}
	for _, v := range as.Hostnames {
		out = append(out, vigil.Asset{Kind: vigil.AssetHostname, Value: v})
	}
	return out
}

func contactsIn(cs []Contact) []vigil.Contact {
	return mapSlice(cs, func(c Contact) vigil.Contact {
		return vigil.Contact{Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone}
	})
}

// orgOut converts an organisation as the service gave it (without contacts when they
// are not the caller's to see).
func orgOut(o vigil.Org) Org {
	return Org{ODSCode: o.ODSCode, Name: o.Name, Kind: o.Kind, Region: o.Region, Parent: o.Parent,
		IPRanges:  mapSlice(o.IPRanges, netip.Prefix.String),
		Domains:   nonNil(o.Domains),
		Hostnames: nonNil(o.Hostnames),
		Contacts: mapSlice(o.Contacts, func(c vigil.Contact) Contact {
			return Contact{Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone}
		}),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// orgChange is the response to creating or changing an organisation.
type orgChange struct {
	Body struct {
		Org Org `json:"org"`
		// Overlaps are shown to sector roles only: another organisation's assets are
		// not an organisation's business.
		Overlaps []Overlap `json:"overlaps" doc:"Other organisations' assets that the new assets overlap, flagged for an analyst to review. Shown to sector roles only."`
	}
}

func newOrgChange(c orgs.Change, p vigil.Principal) *orgChange {
	out := &orgChange{}
	out.Body.Org = orgOut(c.Org)
	out.Body.Overlaps = []Overlap{}
	if p.Role.Sector() {
		out.Body.Overlaps = mapSlice(c.Overlaps, overlapOut)
	}
	return out
}
