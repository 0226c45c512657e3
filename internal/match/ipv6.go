package match

import (
	"math/bits"
	"net/netip"
)

// parseIPv6 reads the common forms of an IPv6 address — up to eight groups of one to four
// hex digits, at most one "::" — straight into a u128, without building a netip.Addr: it
// is the first step of every IPv6 lookup. It reports false for anything else (an embedded
// IPv4 tail, a zone, any error), which the caller hands to netip.ParseAddr, so that every
// address it accepts is one netip accepts with the same value (tested, fuzzed).
func parseIPv6(s string) (u128, bool) {
	var groups [8]uint16
	n, gap := 0, -1 // groups read; where "::" stands, in groups
	i := 0
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		gap, i = 0, 2
		if i == len(s) {
			return u128{}, true // "::"
		}
	}
	for i < len(s) {
		v, d := uint32(0), 0
		for ; i < len(s) && d < 5; i, d = i+1, d+1 {
			h := hexVal[s[i]]
			if h > 0xf {
				break
			}
			v = v<<4 | uint32(h)
		}
		if d == 0 || d > 4 || n == 8 {
			return u128{}, false
		}
		groups[n], n = uint16(v), n+1
		if i == len(s) {
			break
		}
		if s[i] != ':' || i+1 == len(s) {
			return u128{}, false
		}
		i++
		if s[i] == ':' {
			if gap >= 0 {
				return u128{}, false
			}
			gap, i = n, i+1
			if i == len(s) {
				break
			}
		}
	}
	switch {
	case gap < 0 && n != 8, gap >= 0 && n > 7:
		return u128{}, false
	case gap >= 0:
		copy(groups[8-(n-gap):], groups[gap:n])
		clear(groups[gap : 8-(n-gap)])
	}
	var x u128
	for j := range 4 {
		x.hi = x.hi<<16 | uint64(groups[j])
		x.lo = x.lo<<16 | uint64(groups[4+j])
	}
	return x, true
}

// addr returns x as a netip.Addr.
func (x u128) addr() netip.Addr {
	var b [16]byte
	for j := range 8 {
		b[j], b[8+j] = byte(x.hi>>(56-8*j)), byte(x.lo>>(56-8*j))
	}
	return netip.AddrFrom16(b)
}

// v4Mapped reports whether x is an IPv4-mapped address (::ffff:a.b.c.d) and its IPv4 part.
func (x u128) v4Mapped() (uint32, bool) {
	return uint32(x.lo), x.hi == 0 && x.lo>>32 == 0xffff
}

// v6Filter answers, for most IPv6 addresses no listed network contains, "no" with one
// read: a bitmap of hashed /32s, set for every /32 a listed IPv6 network overlaps. A
// listed network shorter than /20 overlaps too many /32s to mark: the filter is then off
// and every address goes to the trie.
type v6Filter struct {
	words []uint64 // nil: no IPv6 networks at all, or the filter is off (all)
	shift uint8
	all   bool
}

// newV6Filter marks the /32s the IPv6 networks among prefixes overlap.
func newV6Filter(prefixes []netip.Prefix) v6Filter {
	var tops []uint32
	for _, p := range prefixes {
		if p.Addr().Is4() {
			continue
		}
		if p.Bits() < 20 {
			return v6Filter{all: true}
		}
		top := uint32(u128From(p.Addr()).hi >> 32)
		span := uint32(1)
		if p.Bits() < 32 {
			span = 1 << (32 - p.Bits())
		}
		for j := range span {
			tops = append(tops, top+j)
		}
	}
	if len(tops) == 0 {
		return v6Filter{}
	}
	k := min(max(bits.Len(uint(len(tops)))+4, 12), 26)
	f := v6Filter{words: make([]uint64, 1<<k/64), shift: uint8(32 - k)}
	for _, t := range tops {
		b := f.slot(t)
		f.words[b>>6] |= 1 << (b & 63)
	}
	return f
}

// slot hashes the top 32 bits of an address to a bit of the filter.
func (f *v6Filter) slot(top uint32) uint32 { return (top * 0x9e3779b1) >> f.shift }

// mayContain reports whether a listed IPv6 network may contain x.
func (f *v6Filter) mayContain(x u128) bool {
	if f.all {
		return true
	}
	if f.words == nil {
		return false
	}
	b := f.slot(uint32(x.hi >> 32))
	return f.words[b>>6]&(1<<(b&63)) != 0
}
