package warn

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil/internal/ioc"
)

// Claim is one asset an organisation has registered as its own: an IP range or a domain.
// Exactly one of Prefix and Domain is set.
type Claim struct {
	// Org is the ODS code of the organisation making the claim.
	Org string
	// Prefix is the IP range claimed; a single address is a /32 or /128.
	Prefix netip.Prefix
	// Domain is the domain claimed; its subdomains are claimed with it.
	Domain string
}

// String returns "ORG prefix" or "ORG domain", as an analyst would read it.
func (c Claim) String() string {
	if c.Prefix.IsValid() {
		return c.Org + " " + c.Prefix.String()
	}
	return c.Org + " " + c.Domain
}

// Validate reports why NewRouter would leave the claim out, or nil when it is usable: the
// org is missing, both or neither of Prefix and Domain are set, the range is wider than
// ioc.MinPrefixV4/ioc.MinPrefixV6, or the domain is not a domain name or is a public
// suffix (nhs.uk, co.uk) that would claim every organisation under it.
func (c Claim) Validate() error {
	_, err := c.normalize()
	return err
}

// normalize returns the claim in the form the Router stores: the range masked and IPv4
// unmapped, the domain lower-case punycode without a trailing dot.
func (c Claim) normalize() (Claim, error) {
	c.Org = strings.TrimSpace(c.Org)
	if c.Org == "" {
		return c, errors.New("claim has no organisation")
	}
	hasDomain := strings.TrimSpace(c.Domain) != ""
	switch {
	case c.Prefix.IsValid() && hasDomain:
		return c, fmt.Errorf("claim by %s names both a range and a domain; make two claims", c.Org)
	case c.Prefix.IsValid():
		return c.normalizePrefix()
	case hasDomain:
		d, err := ioc.Domain(strings.TrimSpace(c.Domain))
		if err != nil {
			return c, fmt.Errorf("claim by %s: %w", c.Org, err)
		}
		c.Domain = d
		return c, nil
	}
	return c, fmt.Errorf("claim by %s names neither a range nor a domain", c.Org)
}

func (c Claim) normalizePrefix() (Claim, error) {
	p := unmapPrefix(c.Prefix).Masked()
	min := ioc.MinPrefixV6
	if p.Addr().Is4() {
		min = ioc.MinPrefixV4
	}
	if p.Bits() < min {
		return c, fmt.Errorf("claim by %s: network %s is wider than /%d", c.Org, p, min)
	}
	c.Prefix = p
	return c, nil
}

// unmapPrefix turns an IPv4-mapped IPv6 network (::ffff:192.0.2.0/120) into its IPv4 form.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p
}
