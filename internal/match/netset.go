package match

import (
	"math/bits"
	"net/netip"
	"unsafe"

	"github.com/gaissmai/bart"
)

// netSet holds CIDR indicators: the prefixes by index, for Entry; a bart table mapping
// each prefix to its ID; the parent of each prefix; and a bitmap of the IPv4 blocks any
// listed network touches, so that most IPv4 addresses skip the trie altogether.
//
// Every listed network covering an address is found with one longest-prefix match in
// the trie, the fastest thing it does, and then by following parents: the parent of a
// network is the most specific listed network strictly containing it.
type netSet struct {
	prefixes []netip.Prefix  // sorted, distinct
	parent   []uint32        // 1 + the index of prefixes[i]'s parent; 0 for none
	table    *bart.Table[ID] // nil when there are no CIDR indicators
	v4       blockBitmap
	v6       v6Filter
	v6nets   v6Nets // the IPv6 networks again, for covering6; empty when the trie is faster
}

// newNetSet indexes CIDR indicators, which must be sorted and distinct.
func newNetSet(prefixes []netip.Prefix) netSet {
	n := netSet{prefixes: prefixes}
	if len(prefixes) == 0 {
		return n
	}
	n.table = new(bart.Table[ID])
	for i, p := range prefixes {
		n.table.Insert(p, kCIDR.id(i))
	}
	n.parent = make([]uint32, len(prefixes))
	for i, p := range prefixes {
		if p.Bits() == 0 {
			continue
		}
		if id, ok := n.table.LookupPrefix(netip.PrefixFrom(p.Addr(), p.Bits()-1).Masked()); ok {
			n.parent[i] = uint32(id&idMask) + 1
		}
	}
	n.v4 = newBlockBitmap(prefixes)
	n.v6 = newV6Filter(prefixes)
	n.v6nets = newV6Nets(prefixes, n.parent)
	return n
}

// covering4 appends the IDs of every listed prefix containing IPv4 address ip, most
// specific first.
func (n *netSet) covering4(ip uint32, dst []ID) []ID {
	if !n.v4.touched(ip) {
		return dst
	}
	id, ok := n.table.Lookup(netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}))
	return n.withParents(id, ok, dst)
}

// longest6 returns the most specific listed prefix containing IPv6 address x and 1 +
// the index of its parent, or 0; appendNets appends them and the other covering ones.
func (n *netSet) longest6(x u128) (ID, uint32, bool) {
	if n.table == nil || !n.v6.mayContain(x) {
		return 0, 0, false
	}
	if n.v6nets.lens != nil {
		return n.v6nets.longest(x)
	}
	id, ok := n.table.Lookup(x.addr())
	if !ok {
		return 0, 0, false
	}
	return id, n.parent[id&idMask], true
}

// appendNets appends id, when ok, and the IDs of its ancestors, up being 1 + the index
// of its parent or 0, most specific first.
func (n *netSet) appendNets(id ID, up uint32, ok bool, dst []ID) []ID {
	if !ok {
		return dst
	}
	return n.withParents(kCIDR.id(int(up)-1), up != 0, append(dst, id))
}

// supernets appends the IDs of every listed prefix equal to or covering p, most
// specific first.
func (n *netSet) supernets(p netip.Prefix, dst []ID) []ID {
	if n.table == nil {
		return dst
	}
	id, ok := n.table.LookupPrefix(p)
	return n.withParents(id, ok, dst)
}

// withParents appends id, when ok, and the IDs of its ancestors.
func (n *netSet) withParents(id ID, ok bool, dst []ID) []ID {
	for ok {
		dst = append(dst, id)
		p := n.parent[id&idMask]
		id, ok = kCIDR.id(int(p)-1), p != 0
	}
	return dst
}

// bartBytesPerPrefix is what a bart.Table[ID] holds per prefix: 49 bytes measured on
// 100,000 random /18../29 networks; clustered networks share nodes and cost less.
const bartBytesPerPrefix = 50

// bytes estimates the heap the set holds.
func (n *netSet) bytes() int {
	return (int(unsafe.Sizeof(netip.Prefix{}))+4)*cap(n.prefixes) + bartBytesPerPrefix*len(n.prefixes) + 8*cap(n.v4.words) +
		8*cap(n.v6.words) + n.v6nets.bytes()
}

// blockBitmap has one bit per IPv4 block of 2^shift addresses, set when a listed
// network overlaps the block. It is sized for about 16 bits a network, so that few
// blocks are set and the bitmap stays small enough to live in cache (256 KiB for
// 100,000 networks, 2 MiB at most).
type blockBitmap struct {
	words []uint64 // nil when there are no IPv4 networks
	shift uint8
}

// Bounds of the bitmap's block-number width in bits.
const (
	minBlockBits = 12
	maxBlockBits = 24
)

// newBlockBitmap marks the blocks the IPv4 networks among prefixes overlap.
func newBlockBitmap(prefixes []netip.Prefix) blockBitmap {
	n4 := 0
	for _, p := range prefixes {
		if p.Addr().Is4() {
			n4++
		}
	}
	if n4 == 0 {
		return blockBitmap{}
	}
	k := min(max(bits.Len(uint(n4))+4, minBlockBits), maxBlockBits)
	m := blockBitmap{words: make([]uint64, 1<<k/64), shift: uint8(32 - k)}
	for _, p := range prefixes {
		if p.Addr().Is4() {
			m.mark(p, k)
		}
	}
	return m
}

// mark sets the bits of the blocks IPv4 network p overlaps; k is the block-number width.
func (m *blockBitmap) mark(p netip.Prefix, k int) {
	b4 := p.Addr().As4()
	first := (uint32(b4[0])<<24 | uint32(b4[1])<<16 | uint32(b4[2])<<8 | uint32(b4[3])) >> m.shift
	count := uint32(1)
	if p.Bits() < k {
		count = 1 << (k - p.Bits())
	}
	for b := first; b < first+count; b++ {
		m.words[b>>6] |= 1 << (b & 63)
	}
}

// touched reports whether a listed network may contain ip.
func (m *blockBitmap) touched(ip uint32) bool {
	if m.words == nil {
		return false
	}
	b := ip >> m.shift
	return m.words[b>>6]&(1<<(b&63)) != 0
}
