package vigil

import (
	"net/netip"
	"time"
)

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
	// IPRanges are the networks the organisation has registered as its own.
	IPRanges []netip.Prefix
	// Domains are the domain names it has registered; their subdomains are its too.
	Domains []string
}

// Severity is how urgent a threat event or alert is.
type Severity string

// Severities, least to most urgent.
const (
	SeverityLow      Severity = "low"      // worth knowing; goes in the daily digest
	SeverityMedium   Severity = "medium"   // act this week; daily digest
	SeverityHigh     Severity = "high"     // act today; sent at once
	SeverityCritical Severity = "critical" // act now; sent at once
)

// Rank orders severities: 0 unknown, 1 low ... 4 critical.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// ThreatEvent is a third-party report about one observable, such as "this IP was seen
// talking to a botnet" or "this host exposes RDP", to be routed to the organisation that owns it.
type ThreatEvent struct {
	// Type is what was seen: compromise, abuse, vulnerable_service, open_port, phishing...
	Type string
	// Observable is the IP address, domain or URL the event is about (normalised).
	Observable string
	// ObservableType is ipv4, ipv6, domain or url.
	ObservableType IndicatorType
	// Time is when the partner saw it.
	Time time.Time
	// Source is the partner or scanner that reported it.
	Source string
	// Severity is the reporter's view of urgency.
	Severity Severity
	// Port is the network port involved, 0 when not stated.
	Port int
	// Service is the network service involved (rdp, smb, http...), when stated.
	Service string
	// CVE is the vulnerability involved, when stated.
	CVE string
	// Description is the reporter's free text.
	Description string
}
