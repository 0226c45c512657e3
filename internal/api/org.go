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
	Kind vigil.OrgKind `json:"kind" enum:"trust,gp,care_provider,supplier,centre,lso"`
	// Region is the NHS region.
	Region string `json:"region" example:"North West"`
	// Parent is the ODS code of the parent organisation, if any.
	Parent string `json:"parent,omitempty"`
	// IPRanges are the organisation's approved networks in CIDR form.
	IPRanges []string `json:"ip_ranges" example:"[\"192.0.2.0/24\"]" doc:"Approved networks: events and indicators route here."`
	// Domains are its approved domains; names under them are its too.
	Domains []string `json:"domains" example:"[\"trust.example\"]" doc:"Approved domains; names under them are the organisation's too."`
	// Hostnames are single hosts it registered, approved.
	Hostnames []string `json:"hostnames" doc:"Approved single hosts."`
	// Assets are every asset with its status, pending ones included.
	Assets []OrgAssetStatus `json:"assets" doc:"Every asset with its status: one the organisation added for itself is pending, and routes nothing, until a sector analyst approves it."`
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
	// Notify is how the person hears of alerts by e-mail.
	Notify string `json:"notify,omitempty" enum:"immediate,digest" doc:"immediate (the default): each high or critical alert at once, and the daily digest; digest: the daily digest alone, which lists every alert."`
}

// notifyChoice is a contact's choice as the API shows it: immediate when none was made.
func notifyChoice(c vigil.Contact) string {
	if c.Notify == "" {
		return vigil.NotifyImmediate
	}
	return c.Notify
}

// OrgAssetStatus is one of an organisation's assets with its status.
type OrgAssetStatus struct {
	// Kind is ip_range, domain or hostname.
	Kind vigil.AssetKind `json:"kind" enum:"ip_range,domain,hostname"`
	// Value is the network or name.
	Value string `json:"value"`
	// Status is pending until a sector analyst approves it.
	Status vigil.AssetStatus `json:"status" enum:"pending,approved"`
}

// Assets lists IP ranges, domains and hostnames, as registered or as a change.
type Assets struct {
	// IPRanges are networks in CIDR form (a bare address means a single host), at most
	// /16 wide for IPv4 and /32 for IPv6 unless the centre's settings say otherwise.
	IPRanges []string `json:"ip_ranges,omitempty" maxItems:"10000" example:"[\"192.0.2.0/24\"]" doc:"Networks in CIDR form (a bare address is one host), by default at most /16 (IPv4) or /32 (IPv6) wide; special-purpose ranges such as 10.0.0.0/8 are refused."`
	// Domains are domain names; names under them are claimed too.
	Domains []string `json:"domains,omitempty" maxItems:"10000" example:"[\"trust.example\"]" doc:"Domain names; names under them are claimed too. Public suffixes and shared domains (mail providers, nhs.net) are refused."`
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
		return vigil.Contact{Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone, Notify: c.Notify}
	})
}

// orgOut converts an organisation as the service gave it (without contacts when they
// are not the caller's to see).
func orgOut(o vigil.Org) Org {
	return Org{ODSCode: o.ODSCode, Name: o.Name, Kind: o.Kind, Region: o.Region, Parent: o.Parent,
		IPRanges:  mapSlice(o.IPRanges, netip.Prefix.String),
		Domains:   nonNil(o.Domains),
		Hostnames: nonNil(o.Hostnames),
		Assets:    assetStatuses(o),
		Contacts: mapSlice(o.Contacts, func(c vigil.Contact) Contact {
			return Contact{Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone, Notify: notifyChoice(c)}
		}),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// assetStatuses lists o's approved assets, then its pending ones.
func assetStatuses(o vigil.Org) []OrgAssetStatus {
	out := []OrgAssetStatus{}
	for _, a := range orgs.Approved(o) {
		out = append(out, OrgAssetStatus{Kind: a.Kind, Value: a.Value, Status: vigil.AssetApproved})
	}
	for _, a := range o.Pending {
		out = append(out, OrgAssetStatus{Kind: a.Kind, Value: a.Value, Status: vigil.AssetPending})
	}
	return out
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
