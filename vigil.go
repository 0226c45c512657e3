// Package vigil is the domain of the vigil active-cyber-defence platform: the things
// people at a sector security centre and its organisations talk about (organisations and
// their assets and contacts, alerts and their states, indicators and their provenance,
// sightings, feeds, tokens, overlaps, the audit log, who is asking) and the rules that
// belong to them. Every other package speaks in these types. It imports only the
// standard library.
package vigil

import (
	"strings"
	"time"
)

// IndicatorType names the kind of value an indicator of compromise holds.
type IndicatorType string

// The indicator types vigil can match. Observables extracted from telemetry use the same names.
const (
	TypeIPv4     IndicatorType = "ipv4"     // a single IPv4 address
	TypeIPv6     IndicatorType = "ipv6"     // a single IPv6 address
	TypeCIDR     IndicatorType = "cidr"     // an IPv4 or IPv6 network range
	TypeDomain   IndicatorType = "domain"   // a domain name; matches its subdomains too
	TypeURL      IndicatorType = "url"      // a full URL, canonicalised
	TypeEmail    IndicatorType = "email"    // an email address
	TypeMD5      IndicatorType = "md5"      // a 32-hex-digit file hash
	TypeSHA1     IndicatorType = "sha1"     // a 40-hex-digit file hash
	TypeSHA256   IndicatorType = "sha256"   // a 64-hex-digit file hash
	TypeSHA512   IndicatorType = "sha512"   // a 128-hex-digit file hash
	TypeFilename IndicatorType = "filename" // a file's base name, compared exactly
	// Certificates and TLS fingerprints are kept apart from file hashes, so that a JA3
	// never matches a file's MD5.
	TypeX509SHA1   IndicatorType = "x509-sha1"   // a TLS certificate's SHA-1 fingerprint (40 hex digits)
	TypeX509SHA256 IndicatorType = "x509-sha256" // a TLS certificate's SHA-256 fingerprint (64 hex digits)
	TypeJA3        IndicatorType = "ja3"         // a TLS client's JA3 fingerprint (an MD5, 32 hex digits)
	TypeJA3S       IndicatorType = "ja3s"        // a TLS server's JA3S fingerprint (an MD5, 32 hex digits)
	TypeJA4        IndicatorType = "ja4"         // a TLS client's JA4 fingerprint, e.g. t13d1516h2_8daaf6152771_b186095e22b6
)

// IndicatorTypes lists every indicator type in a stable order, for reports.
var IndicatorTypes = []IndicatorType{
	TypeIPv4, TypeIPv6, TypeCIDR, TypeDomain, TypeURL, TypeEmail,
	TypeMD5, TypeSHA1, TypeSHA256, TypeSHA512, TypeFilename,
	TypeX509SHA1, TypeX509SHA256, TypeJA3, TypeJA3S, TypeJA4,
}

// IndicatorTypeNames lists the indicator types for messages: "ipv4, ipv6, …, ja4".
func IndicatorTypeNames() string {
	names := make([]string, len(IndicatorTypes))
	for i, t := range IndicatorTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// Valid reports whether t is one of the known indicator types.
func (t IndicatorType) Valid() bool {
	for _, k := range IndicatorTypes {
		if t == k {
			return true
		}
	}
	return false
}

// IsHash reports whether t is a file-hash type.
func (t IndicatorType) IsHash() bool {
	return t == TypeMD5 || t == TypeSHA1 || t == TypeSHA256 || t == TypeSHA512
}

// IsFingerprint reports whether t is a certificate or TLS fingerprint type.
func (t IndicatorType) IsFingerprint() bool {
	return t == TypeX509SHA1 || t == TypeX509SHA256 || t == TypeJA3 || t == TypeJA3S || t == TypeJA4
}

// Indicator is one normalised indicator of compromise as one source published it.
// The same value from several sources is several Indicators that the matcher merges.
type Indicator struct {
	// Type is what kind of value this is.
	Type IndicatorType
	// Value is the normalised value (see internal/ioc); compare it byte for byte.
	Value string
	// Provenance says where the indicator came from and how far it may be shared.
	Provenance Provenance
}

// Provenance records who published an indicator, how much to trust it,
// how far it may be shared and for how long it is valid.
type Provenance struct {
	// Source is the feed, partner or file name the indicator came from.
	Source string
	// Publisher is who published the indicator inside the data, when the data says: a
	// STIX created_by_ref identity's name, a MISP event's creator organisation (Orgc). A
	// feed can carry several publishers' indicators; empty when the data names none.
	Publisher string
	// TLP is the Traffic Light Protocol marking: how far the indicator may be shared.
	TLP TLP
	// Reliability is the Admiralty source-reliability grade 'A'..'F'; 0 when unknown.
	Reliability byte
	// Credibility is the Admiralty information-credibility grade 1..6; 0 when unknown.
	Credibility uint8
	// Confidence is the publisher's confidence 0..100; -1 when not stated.
	Confidence int
	// ValidFrom is when the indicator starts to be meaningful; zero when not stated.
	ValidFrom time.Time
	// ValidUntil is when the indicator stops being meaningful; zero means no end.
	ValidUntil time.Time
	// FirstSeen is when the source first saw the indicator; zero when unknown.
	FirstSeen time.Time
	// LastSeen is when the source last saw the indicator; zero when unknown.
	LastSeen time.Time
	// Labels are free-text tags such as a malware family or campaign name.
	Labels []string
	// Ref identifies the indicator inside its source: a STIX id, a MISP attribute UUID, a line number.
	Ref string
}

// Expired reports whether the indicator's validity ended before now.
func (p *Provenance) Expired(now time.Time) bool {
	return !p.ValidUntil.IsZero() && p.ValidUntil.Before(now)
}

// TLP is a Traffic Light Protocol 2.0 marking.
type TLP string

// The TLP 2.0 markings, from least to most restrictive. The zero value means "not marked".
const (
	TLPClear       TLP = "CLEAR"        // may be shared publicly
	TLPGreen       TLP = "GREEN"        // may be shared within the community
	TLPAmber       TLP = "AMBER"        // recipients' organisations and their clients only
	TLPAmberStrict TLP = "AMBER+STRICT" // recipients' organisations only
	TLPRed         TLP = "RED"          // named recipients only
)

// ParseTLP reads a TLP marking as people and tools write it: "amber", "TLP:AMBER",
// "tlp:amber+strict", or the legacy "WHITE" (which TLP 2.0 renamed CLEAR).
func ParseTLP(s string) (TLP, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "TLP:")
	s = strings.TrimPrefix(s, "TLP ")
	switch s {
	case "CLEAR", "WHITE":
		return TLPClear, true
	case "GREEN":
		return TLPGreen, true
	case "AMBER":
		return TLPAmber, true
	case "AMBER+STRICT", "AMBER STRICT":
		return TLPAmberStrict, true
	case "RED":
		return TLPRed, true
	}
	return "", false
}

// Rank orders markings by restriction: 0 unmarked, 1 CLEAR ... 5 RED.
func (t TLP) Rank() int {
	switch t {
	case TLPClear:
		return 1
	case TLPGreen:
		return 2
	case TLPAmber:
		return 3
	case TLPAmberStrict:
		return 4
	case TLPRed:
		return 5
	}
	return 0
}

// Stricter returns the more restrictive of two markings.
func Stricter(a, b TLP) TLP {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// ParseAdmiralty reads an Admiralty code such as "B2" into its reliability letter and
// credibility digit. Either half may be absent ("C", "3").
func ParseAdmiralty(s string) (reliability byte, credibility uint8, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" || len(s) > 2 {
		return 0, 0, false
	}
	if c := s[0]; c >= 'A' && c <= 'F' {
		reliability = c
		s = s[1:]
	}
	if s != "" {
		if s[0] < '1' || s[0] > '6' || len(s) != 1 {
			return 0, 0, false
		}
		credibility = s[0] - '0'
	}
	return reliability, credibility, true
}

// Observable is one value found in a telemetry event that can be looked up in the matcher.
type Observable struct {
	// Field is the event field the value came from, e.g. "destination.ip" or "Hashes.SHA256".
	Field string
	// Type is the kind of value; the same names as IndicatorType.
	Type IndicatorType
	// Value is the normalised value.
	Value string
}
