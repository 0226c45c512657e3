package match

import (
	"math/bits"
	"net/netip"
	"unsafe"
)

// parseIPv6 reads the common forms of an IPv6 address — up to eight groups of one to four
// hex digits, at most one "::" — straight into a u128, without building a netip.Addr: it
// is the first step of every IPv6 lookup. It reports false for anything else (an embedded
// IPv4 tail, a zone, any error), which the caller hands to netip.ParseAddr, so that every
// address it accepts is one netip accepts with the same value (tested, fuzzed).
//
// The groups are shifted into the result as they are read, those after "::" apart, so
// that the gap is made by one shift rather than by moving groups in an array (a copy and
// a clear, two calls into the runtime a lookup).
func parseIPv6(s string) (u128, bool) {
	var x, head u128 // the groups read since the start or since "::"; those before "::"
	n, gap := 0, -1  // groups read; where "::" stands, in groups
	i := 0
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		gap, i = 0, 2
		if i == len(s) {
			return u128{}, true // "::"
		}
	}
	for i < len(s) {
		// the digits are counted once the group is read, not one by one in the loop's
		// condition: that took half the instructions of a parse
		v, start := uint64(0), i
		for ; i < len(s); i++ {
			h := hexVal[s[i]]
			if h > 0xf {
				break
			}
			v = v<<4 | uint64(h)
		}
		if d := i - start; d == 0 || d > 4 || n == 8 {
			return u128{}, false
		}
		x, n = u128{hi: x.hi<<16 | x.lo>>48, lo: x.lo<<16 | v}, n+1
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
			gap, i, head, x = n, i+1, x, u128{}
			if i == len(s) {
				break
			}
		}
	}
	switch {
	case gap < 0 && n != 8, gap >= 0 && n > 7:
		return u128{}, false
	case gap > 0: // the groups before "::" go to the top: head shifted by 16 bits a group after
		return head.shl(uint(16 * (8 - gap))).or(x), true
	}
	return x, true
}

// shl returns x shifted left by k bits, 0 < k < 128.
func (x u128) shl(k uint) u128 {
	if k >= 64 {
		return u128{hi: x.lo << (k - 64)}
	}
	return u128{hi: x.hi<<k | x.lo>>(64-k), lo: x.lo << k}
}

// or returns the bits set in x or y.
func (x u128) or(y u128) u128 { return u128{hi: x.hi | y.hi, lo: x.lo | y.lo} }

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

// v6Nets finds the most specific listed IPv6 network containing an address with a few
// cache-resident reads rather than a walk down the CIDR trie, one node per byte of the
// address: for each length listed IPv6 networks have, longest first, the address masked
// to it is looked for in a hash table of the networks, behind a Bloom filter small
// enough to stay in cache, so that a length holding nothing near the address costs a
// hash and a bit test. Feeds use a handful of lengths (/32, /48, /56, /64...); past
// maxV6Lens of them the trie is faster and v6Nets is left empty.
//
// The filter is blocked by where a network is rather than by the network: the bits of
// every network of a length from 24 to 47 are in the 64-byte block of each /32 it
// overlaps, those of 48 and longer in the block of their /48 (shorter networks, rare,
// in the block of their /16, or of ::/0 below 16). So the lengths of an address share a
// block or two, read once: each length's own block was a cache line more to wait for,
// six a lookup for six lengths.
type v6Nets struct {
	lens   []v6Len  // the lengths of the listed IPv6 networks, longest first; nil: use the trie
	filter bloom    // of every network's netHash, in blocks of blockWords
	slots  []v6Slot // open addressing with linear probing; len a power of two
	shift  uint8    // 64 minus log2 of the number of blocks
}

// v6Len is one length of listed IPv6 networks, with its masks: a few loads from one
// cache line where shifts by a variable count took a dozen instructions a length.
type v6Len struct {
	hi, lo   uint64 // the network bits of an address
	anchorHi uint64 // the bits of its anchor, all in the top half
	bits     uint8
	anchor   uint8
}

// newV6Len returns length l and its masks.
func newV6Len(l uint8) v6Len {
	m := u128{^uint64(0), ^uint64(0)}.masked(l)
	a := anchor(l)
	return v6Len{hi: m.hi, lo: m.lo, anchorHi: ^(^uint64(0) >> a), bits: l, anchor: a}
}

// v6Slot is one listed IPv6 network in v6Nets: its masked address and, packed in meta,
// its index, 1 + the index of its parent (0 for none), so that the networks covering an
// address follow without a read of netSet.parent for the first, and 1 + the index of
// its length in lens (0 for an empty slot).
type v6Slot struct {
	net  u128
	meta uint64
}

// The fields of v6Slot.meta: the index in its low idShift bits, then these.
const (
	slotUpShift  = idShift       // 1 + the parent's index: idShift+1 bits
	slotLenShift = 2*idShift + 1 // 1 + the index of the length in lens: 4 bits
)

// maxV6Lens is the most distinct IPv6 prefix lengths v6Nets looks through one by one.
const maxV6Lens = 12

// blockWords is the number of words in a block of v6Nets' filter: a cache line.
const blockWords = 8

// anchor returns the length of the prefix that picks the filter block of a network of
// length l: of every length at most 48, so that it is in the top half of an address.
// A network shorter than its anchor is in the blocks of every prefix of that length it
// overlaps: up to 256.
func anchor(l uint8) uint8 {
	switch {
	case l >= 48:
		return 48
	case l >= 24:
		return 32
	case l >= 16:
		return 16
	}
	return 0
}

// newV6Nets indexes the IPv6 networks among prefixes, whose IDs are their indexes;
// parent[i] is 1 + the index of the parent of prefixes[i], or 0.
func newV6Nets(prefixes []netip.Prefix, parent []uint32) v6Nets {
	var lens [129]bool
	n6 := 0
	for _, p := range prefixes {
		if p.Addr().Is6() {
			lens[p.Bits()] = true
			n6++
		}
	}
	var v v6Nets
	var index [129]uint8 // of each length in v.lens
	for l := 128; l >= 0; l-- {
		if lens[l] {
			index[l] = uint8(len(v.lens))
			v.lens = append(v.lens, newV6Len(uint8(l)))
		}
	}
	if n6 == 0 || len(v.lens) > maxV6Lens {
		return v6Nets{}
	}
	// 32 to 64 bits a network, twice what a filter of one word a key takes for the same
	// false positives: networks cluster, and the blocks they share fill up more
	blocks := bits.Len(uint(n6 / 16))
	v.filter, v.shift = make(bloom, blockWords<<blocks), uint8(64-blocks)
	v.slots = make([]v6Slot, 1<<bits.Len(uint(n6+n6/3))) // at most 3/4 full
	for i, p := range prefixes {
		if p.Addr().Is6() {
			l := uint8(p.Bits())
			v.add(u128From(p.Addr()), l, uint64(i)|uint64(parent[i])<<slotUpShift|uint64(index[l]+1)<<slotLenShift)
		}
	}
	return v
}

// netHash hashes a masked network and its length.
func netHash(net u128, l uint8) uint64 {
	return fold((net.hi^uint64(l))*0x9e3779b97f4a7c15 ^ net.lo)
}

// block returns the index of the first word of the filter block of the networks whose
// prefix of length a, an anchor, is hi, the top half of an address masked to a. A
// multiplicative hash's top bits pick the block.
func (v *v6Nets) block(hi uint64, a uint8) uint64 {
	return (hi ^ uint64(a)) * 0x9e3779b97f4a7c15 >> v.shift * blockWords
}

// bitsIn returns the index of the word of the block starting at base for hash h, and
// its two bits there: the word from the low bits of h, the bits from the top twelve,
// which no table indexed by a hash here uses.
func bitsIn(base, h uint64) (uint64, uint64) {
	return base | h&(blockWords-1), 1<<(h>>52&63) | 1<<(h>>58)
}

// add files network net of length l with its v6Slot.meta.
func (v *v6Nets) add(net u128, l uint8, meta uint64) {
	h := netHash(net, l)
	a := anchor(l)
	for j := range uint64(1) << max(int(a)-int(l), 0) { // the prefixes of length a in net
		w, b := bitsIn(v.block(net.hi&^(^uint64(0)>>a)+j<<(64-a), a), h)
		v.filter[w] |= b
	}
	mask := uint64(len(v.slots) - 1)
	for i := h >> 20 & mask; ; i = (i + 1) & mask {
		if v.slots[i].meta == 0 {
			v.slots[i] = v6Slot{net: net, meta: meta}
			return
		}
	}
}

// longest returns the ID of the most specific listed network containing x and 1 + the
// index of its parent, or 0.
func (v *v6Nets) longest(x u128) (ID, uint32, bool) {
	mask := uint64(len(v.slots) - 1)
	var base uint64
	last := uint8(255) // the anchor of base; lens go down, so anchors change a few times
	for i := range v.lens {
		l := &v.lens[i]
		if l.anchor != last {
			base, last = v.block(x.hi&l.anchorHi, l.anchor), l.anchor
		}
		net := u128{x.hi & l.hi, x.lo & l.lo}
		h := netHash(net, l.bits)
		if w, b := bitsIn(base, h); v.filter[w]&b != b {
			continue
		}
		for j := h >> 20 & mask; v.slots[j].meta != 0; j = (j + 1) & mask {
			if s := &v.slots[j]; s.meta>>slotLenShift == uint64(i+1) && s.net == net {
				return kCIDR.id(int(s.meta & idMask)), uint32(s.meta >> slotUpShift & (1<<(idShift+1) - 1)), true
			}
		}
	}
	return 0, 0, false
}

// masked returns x with all but its first l bits cleared.
func (x u128) masked(l uint8) u128 {
	if l <= 64 {
		return u128{hi: x.hi &^ (^uint64(0) >> l)}
	}
	return u128{hi: x.hi, lo: x.lo &^ (^uint64(0) >> (l - 64))}
}

// bytes returns the heap v holds.
func (v *v6Nets) bytes() int {
	return int(unsafe.Sizeof(v6Len{}))*cap(v.lens) + v.filter.bytes() + int(unsafe.Sizeof(v6Slot{}))*cap(v.slots)
}

// bloom is a blocked Bloom filter of 64-bit hashes: each sets two bits of one word, so
// that a test is one read. At 16 to 32 bits a key about 1% of the keys not added pass.
type bloom []uint64

// newBloom returns a filter sized for n keys, 512 bytes at least.
func newBloom(n int) bloom { return make(bloom, 1<<max(bits.Len(uint(n/4)), 6)) }

// word returns the word of hash h and its two bits there. The word comes from the low
// bits of h, the bit positions from the top twelve, which no table indexed by a hash
// here uses.
func (f bloom) word(h uint64) (*uint64, uint64) {
	return &f[h&uint64(len(f)-1)], 1<<(h>>52&63) | 1<<(h>>58)
}

// add adds hash h.
func (f bloom) add(h uint64) {
	w, b := f.word(h)
	*w |= b
}

// has reports whether h may have been added: always true if it was.
func (f bloom) has(h uint64) bool {
	w, b := f.word(h)
	return *w&b == b
}

// bytes returns the heap f holds.
func (f bloom) bytes() int { return 8 * cap(f) }
