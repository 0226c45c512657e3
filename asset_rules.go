package vigil

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// AssetStatus says whether an organisation's asset routes anything yet.
type AssetStatus string

// The asset statuses. An asset an organisation adds for itself waits, pending, until a
// sector analyst approves it; one the sector adds (or a bulk import) is approved at once.
const (
	AssetPending  AssetStatus = "pending"  // claimed by the organisation, waiting for an analyst; routes nothing
	AssetApproved AssetStatus = "approved" // added by the sector or approved by an analyst; events and indicators route to it
	AssetRejected AssetStatus = "rejected" // refused by an analyst and removed; only ever an answer, never stored
)

// The widest networks an organisation could own unless the settings say otherwise.
const (
	DefaultMaxIPv4Prefix = 16 // an IPv4 /16 (65,536 addresses) or narrower
	DefaultMaxIPv6Prefix = 32 // an IPv6 /32 (a regional registry's usual allocation) or narrower
)

// AssetLimits are the widest networks an organisation could own, as prefix lengths.
type AssetLimits struct {
	// IPv4 is the shortest IPv4 prefix accepted (DefaultMaxIPv4Prefix when 0).
	IPv4 int
	// IPv6 is the shortest IPv6 prefix accepted (DefaultMaxIPv6Prefix when 0).
	IPv6 int
}

// OrgAsset is one organisation's asset with who claimed it and its review, as a sector
// analyst reviews it.
type OrgAsset struct {
	// ID is the asset's number, used to approve or reject it.
	ID int64
	// Org is the ODS code of the organisation that claims it.
	Org string
	// Asset is what is claimed.
	Asset
	// Status is pending until an analyst approves it.
	Status AssetStatus
	// ClaimedBy is who added it (an e-mail address, or "cli"); empty for assets from
	// before claims were recorded.
	ClaimedBy string
	// ClaimedAt is when it was added.
	ClaimedAt time.Time
	// ReviewedBy is the analyst who approved or rejected it, or the sector user who added
	// it directly.
	ReviewedBy string
	// ReviewedAt is when it was reviewed; zero while pending.
	ReviewedAt time.Time
	// Overlaps are the other organisations' claims it overlaps, for the analyst to weigh.
	Overlaps []Overlap
}

// AssetFilter selects organisations' assets; zero fields match everything.
type AssetFilter struct {
	// Status matches assets in that state.
	Status AssetStatus
	// Org matches one organisation's assets.
	Org string
	// Cursor continues a previous page.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// sharedDomain is a domain many unrelated organisations use, so no one of them owns it.
type sharedDomain struct {
	name  string
	what  string
	under bool // names under it are shared too (a mail provider's), not delegated to members
}

// sharedDomains are refused as assets: mail providers, whose every name is theirs, and the
// health service's shared names, under which trusts do own names of their own (a trust's
// example.nhs.uk is its own; nhs.uk itself is also a public suffix).
var sharedDomains = func() map[string]sharedDomain {
	out := map[string]sharedDomain{}
	for _, d := range []string{"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
		"live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "aol.com", "aol.co.uk", "icloud.com", "me.com",
		"mac.com", "protonmail.com", "proton.me", "gmx.com", "gmx.co.uk", "mail.com", "zoho.com", "btinternet.com",
		"sky.com", "talktalk.net", "virginmedia.com", "blueyonder.co.uk", "ntlworld.com"} {
		out[d] = sharedDomain{name: d, what: "a public mail provider shared by millions of people", under: true}
	}
	for _, d := range []string{"nhs.net", "nhs.uk", "nhs.scot", "wales.nhs.uk", "hscni.net"} {
		out[d] = sharedDomain{name: d, what: "shared by every NHS organisation that uses it"}
	}
	return out
}()

// CheckOwnable returns an invalid error saying why no one organisation could own a, or
// nil: an IP range wider than lim allows or overlapping a special-purpose block, or a
// well-known shared domain or a name under a shared mail provider's. a is normalised (a
// masked network, a lower-case name); public suffixes are refused when it is normalised.
func CheckOwnable(a Asset, lim AssetLimits) error {
	if a.Kind == AssetIPRange {
		p, err := netip.ParsePrefix(a.Value)
		if err != nil {
			return Errorf(EINVALID, "IP range %q is not a network in CIDR form", a.Value)
		}
		return checkRange(p, lim)
	}
	return checkName(a)
}

func checkRange(p netip.Prefix, lim AssetLimits) error {
	widest, family := lim.IPv4, "IPv4"
	if widest == 0 {
		widest = DefaultMaxIPv4Prefix
	}
	if !p.Addr().Is4() {
		widest, family = lim.IPv6, "IPv6"
		if widest == 0 {
			widest = DefaultMaxIPv6Prefix
		}
	}
	if s, ok := SpecialRangeOf(p, false); ok {
		if s.Prefix.Bits() <= p.Bits() {
			return Errorf(EINVALID, "IP range %s is in %s, %s, which no one organisation owns: register public addresses your organisation holds",
				p, s.Prefix, s.What)
		}
		return Errorf(EINVALID, "IP range %s contains %s, %s, which no one organisation owns: register public addresses your organisation holds",
			p, s.Prefix, s.What)
	}
	if p.Bits() < widest {
		return Errorf(EINVALID, "IP range %s is wider than one organisation could own: register the %s networks your organisation holds, each /%d or narrower",
			p, family, widest)
	}
	return nil
}

func checkName(a Asset) error {
	what := strings.ReplaceAll(string(a.Kind), "_", " ")
	for d := a.Value; d != ""; {
		if s, ok := sharedDomains[d]; ok && (d == a.Value || s.under) {
			if d == a.Value {
				return Errorf(EINVALID, "%s %s is %s, so no one organisation owns it: register the domains your organisation holds", what, a.Value, s.what)
			}
			return Errorf(EINVALID, "%s %s is under %s, %s, so no one organisation owns it: register the domains your organisation holds",
				what, a.Value, s.name, s.what)
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
	}
	return nil
}

// String describes the asset for a person: "ip_range 192.0.2.0/24 of RXA".
func (a OrgAsset) String() string {
	return fmt.Sprintf("%s %s of %s", strings.ReplaceAll(string(a.Kind), "_", " "), a.Value, a.Org)
}
