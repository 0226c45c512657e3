package warn

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// ClaimString returns "ORG prefix" or "ORG domain", as an analyst would read it.
func ClaimString(c vigil.AssetClaim) string {
	if c.Prefix.IsValid() {
		return c.Org + " " + c.Prefix.String()
	}
	return c.Org + " " + c.Name
}

// ValidateClaim reports why NewRouter would leave the claim out, or nil when it is usable: the
// org is missing, both or neither of Prefix and Name are set, the range is wider than
// ioc.MinPrefixV4/ioc.MinPrefixV6, or the domain is not a domain name or is a public
// suffix (nhs.uk, co.uk) that would claim every organisation under it.
func ValidateClaim(c vigil.AssetClaim) error {
	_, err := normalizeClaim(c)
	return err
}

// normalizeClaim returns the claim in the form the Router stores: the range masked and IPv4
// unmapped, the domain lower-case punycode without a trailing dot.
func normalizeClaim(c vigil.AssetClaim) (vigil.AssetClaim, error) {
	c.Org = strings.TrimSpace(c.Org)
	if c.Org == "" {
		return c, errors.New("claim has no organisation")
	}
	hasDomain := strings.TrimSpace(c.Name) != ""
	switch {
	case c.Prefix.IsValid() && hasDomain:
		return c, fmt.Errorf("claim by %s names both a range and a domain; make two claims", c.Org)
	case c.Prefix.IsValid():
		return normalizePrefix(c)
	case hasDomain:
		d, err := ioc.Domain(strings.TrimSpace(c.Name))
		if err != nil {
			return c, fmt.Errorf("claim by %s: %w", c.Org, err)
		}
		c.Name = d
		return c, nil
	}
	return c, fmt.Errorf("claim by %s names neither a range nor a domain", c.Org)
}

func normalizePrefix(c vigil.AssetClaim) (vigil.AssetClaim, error) {
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
