package ioc

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
)

// normalizeNet reads an address or a network. Single-host networks (/32, /128) become
// addresses so that "1.2.3.4" and "1.2.3.4/32" are one indicator.
func normalizeNet(t vigil.IndicatorType, s string) (vigil.IndicatorType, string, error) {
	if strings.IndexByte(s, '/') < 0 {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return t, "", fmt.Errorf("not a valid IP address")
		}
		a = a.Unmap()
		if t == vigil.TypeIPv4 && !a.Is4() {
			return t, "", fmt.Errorf("not a valid IPv4 address")
		}
		return ipType(a), a.String(), nil
	}
	p, err := Prefix(s)
	if err != nil {
		return t, "", err
	}
	if p.IsSingleIP() {
		return ipType(p.Addr()), p.Addr().String(), nil
	}
	return vigil.TypeCIDR, p.String(), nil
}

// Prefix parses a CIDR, masks host bits (10.1.2.3/8 is 10.0.0.0/8), unmaps IPv4-mapped
// IPv6 networks, and refuses networks wider than /8 (IPv4) or /32 (IPv6).
func Prefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a valid CIDR network")
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	p = p.Masked()
	min := MinPrefixV6
	if p.Addr().Is4() {
		min = MinPrefixV4
	}
	if p.Bits() < min {
		return netip.Prefix{}, fmt.Errorf("network %s is wider than /%d and would match too much of the internet", p, min)
	}
	return p, nil
}

// Addr parses an IP address observable, unmapping IPv4-mapped IPv6 and dropping any zone.
func Addr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}
