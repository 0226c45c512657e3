package vigil

import "net/netip"

// SpecialRange is an address block from the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890) or the multicast registries. It is the one table of such blocks:
// asset claims refuse them all, feed pulls refuse to connect to them, and intel imports
// refuse the internal ones as threat indicators.
type SpecialRange struct {
	// Prefix is the block.
	Prefix netip.Prefix
	// What says what the block is for, with the RFC that sets it aside.
	What string
	// Internal is true when an address in the block means something only inside one
	// network or host (private, loopback, link-local, multicast...), so that it is never
	// evidence of a threat on the internet; false for blocks that carry globally routed
	// traffic (6to4, Teredo, NAT64) or are judged by the address they embed (IPv4-mapped).
	Internal bool
}

// specialRanges is the table behind SpecialRanges and SpecialRangeOf. The documentation
// ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20) are
// deliberately absent: they never appear in real traffic, so the demo sector, the examples
// and the tests use them in place of public addresses, as assets and as indicators.
var specialRanges = func() []SpecialRange {
	const own = " (every organisation may use it inside its own network)"
	var out []SpecialRange
	for _, r := range []struct {
		cidr, what string
		internal   bool
	}{
		{"0.0.0.0/8", `"this network" (RFC 791)`, true},
		{"10.0.0.0/8", "private-use address space (RFC 1918)" + own, true},
		{"100.64.0.0/10", "shared address space for carrier-grade NAT (RFC 6598)", true},
		{"127.0.0.0/8", "loopback (RFC 1122)", true},
		{"169.254.0.0/16", "link-local address space (RFC 3927)", true},
		{"172.16.0.0/12", "private-use address space (RFC 1918)" + own, true},
		{"192.0.0.0/24", "IETF protocol assignments (RFC 6890)", true},
		{"192.88.99.0/24", "the deprecated 6to4 relay anycast block (RFC 7526)", false},
		{"192.168.0.0/16", "private-use address space (RFC 1918)" + own, true},
		{"198.18.0.0/15", "benchmarking address space (RFC 2544)", true},
		{"224.0.0.0/4", "multicast address space (RFC 5771)", true},
		{"240.0.0.0/4", "reserved address space (RFC 1112), including the limited broadcast address", true},
		{"::/128", "the unspecified address (RFC 4291)", true},
		{"::1/128", "loopback (RFC 4291)", true},
		{"::ffff:0:0/96", "IPv4-mapped address space (RFC 4291)", false},
		{"64:ff9b::/96", "IPv4/IPv6 translation (RFC 6052)", false},
		{"64:ff9b:1::/48", "local-use IPv4/IPv6 translation (RFC 8215)", true},
		{"100::/64", "discard-only address space (RFC 6666)", true},
		{"2001::/23", "IETF protocol assignments, Teredo and ORCHID (RFC 2928)", false},
		{"2002::/16", "6to4 address space (RFC 3056)", false},
		{"5f00::/16", "segment routing (SRv6) SIDs (RFC 9602)", true},
		{"fc00::/7", "unique local address space (RFC 4193)" + own, true},
		{"fe80::/10", "link-local address space (RFC 4291)", true},
		{"ff00::/8", "multicast address space (RFC 4291)", true},
	} {
		out = append(out, SpecialRange{netip.MustParsePrefix(r.cidr), r.what, r.internal})
	}
	return out
}()

// SpecialRanges returns a copy of the table of special-purpose blocks.
func SpecialRanges() []SpecialRange {
	return append([]SpecialRange(nil), specialRanges...)
}

// SpecialRangeOf returns the first special-purpose block that p lies in or overlaps, and
// whether there is one; with internalOnly, only blocks marked Internal count. The block's
// prefix is as long as p's or shorter when p lies inside it, longer when p covers it.
func SpecialRangeOf(p netip.Prefix, internalOnly bool) (SpecialRange, bool) {
	for _, s := range specialRanges {
		if (s.Internal || !internalOnly) && s.Prefix.Overlaps(p) {
			return s, true
		}
	}
	return SpecialRange{}, false
}

// InternalRange returns the internal special-purpose block that p lies in or covers, and
// whether there is one: such a network is not a threat indicator. An IPv4-mapped IPv6
// network (::ffff:10.0.0.0/104) is judged as the IPv4 network it maps.
func InternalRange(p netip.Prefix) (SpecialRange, bool) {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return SpecialRangeOf(netip.PrefixFrom(p.Addr().WithZone(""), p.Bits()).Masked(), true)
}

// InternalAddr is InternalRange for one address.
func InternalAddr(a netip.Addr) (SpecialRange, bool) {
	return InternalRange(netip.PrefixFrom(a, a.BitLen()))
}
