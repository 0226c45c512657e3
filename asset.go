package vigil

import (
	"fmt"
	"net/netip"
	"time"
)

// AssetKind is what sort of asset an organisation registers.
type AssetKind string

// The asset kinds.
const (
	AssetIPRange  AssetKind = "ip_range" // an IPv4 or IPv6 network, at most /8 or /32 wide
	AssetDomain   AssetKind = "domain"   // a domain name and every name under it
	AssetHostname AssetKind = "hostname" // one host name, without the names under it
)

// Asset is one thing an organisation says is its own.
type Asset struct {
	// Kind is what sort of asset it is.
	Kind AssetKind
	// Value is the network in CIDR form or the name, normalised.
	Value string
}

// AssetClaim is one organisation's asset, as the Early Warning router needs it.
type AssetClaim struct {
	// Org is the ODS code of the organisation that registered it.
	Org string
	// Kind is what sort of asset it is.
	Kind AssetKind
	// Prefix is the network of an ip_range; invalid otherwise.
	Prefix netip.Prefix
	// Name is the domain or host name of a domain or hostname; empty otherwise.
	Name string
}

// OverlapStatus says whether an analyst has looked at an overlap.
type OverlapStatus string

// Overlap statuses.
const (
	OverlapOpen     OverlapStatus = "open"     // flagged, waiting for an analyst
	OverlapAccepted OverlapStatus = "accepted" // an analyst confirmed it is right (a trust hosting a practice)
)

// Overlap records two organisations claiming the same network or name, or one inside the
// other. Overlaps are accepted when assets are registered but flagged for an analyst;
// the overlap goes away when either asset is removed.
type Overlap struct {
	// ID is the overlap's number.
	ID int64
	// Wider is the claim that contains the other; for equal claims, the older one.
	Wider AssetClaim
	// Narrower is the claim inside Wider.
	Narrower AssetClaim
	// Equal reports whether both claim exactly the same network or name.
	Equal bool
	// Status says whether an analyst has reviewed it.
	Status OverlapStatus
	// DetectedAt is when the second claim was registered.
	DetectedAt time.Time
	// ReviewedBy, ReviewedAt and Note record the analyst's review.
	ReviewedBy string
	// ReviewedAt is when the overlap was accepted; zero while open.
	ReviewedAt time.Time
	// Note is the analyst's reason for accepting it.
	Note string
}

// OverlapFilter selects overlaps; zero fields match everything.
type OverlapFilter struct {
	// Org matches overlaps in which the organisation is either side.
	Org string
	// Status matches overlaps in that state.
	Status OverlapStatus
	// Cursor continues a previous page; Limit caps the page (DefaultLimit when 0).
	Cursor string
	// Limit is the page size.
	Limit int
}

// String describes the overlap for an analyst.
func (o Overlap) String() string {
	if o.Equal {
		return fmt.Sprintf("%s and %s both claim %s", o.Wider.Org, o.Narrower.Org, o.Wider.Value())
	}
	return fmt.Sprintf("%s claims %s, which contains %s's %s", o.Wider.Org, o.Wider.Value(), o.Narrower.Org, o.Narrower.Value())
}

// Value is the claimed network or name as text.
func (c AssetClaim) Value() string {
	if c.Kind == AssetIPRange {
		return c.Prefix.String()
	}
	return c.Name
}
