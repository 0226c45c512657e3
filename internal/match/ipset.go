package match

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"net/netip"
	"slices"
	"unsafe"
)

// v4Set holds IPv4 address indicators as a sorted array of addresses; entry i is addrs[i].
// A bucket index on the top bits narrows the binary search to a handful of addresses.
type v4Set struct {
	addrs []uint32 // sorted, distinct
	index buckets
}

// newV4Set indexes addrs, which must be sorted and distinct.
func newV4Set(addrs []uint32) v4Set {
	return v4Set{addrs: addrs, index: newBuckets(len(addrs), func(i int) uint32 { return addrs[i] })}
}

// lookup appends the ID of address ip, if listed.
func (s *v4Set) lookup(ip uint32, dst []ID) []ID {
	lo, hi := s.index.span(ip, len(s.addrs))
	if i, ok := slices.BinarySearch(s.addrs[lo:hi], ip); ok {
		dst = append(dst, kIPv4.id(lo+i))
	}
	return dst
}

// value formats entry i.
func (s *v4Set) value(i int) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], s.addrs[i])
	return netip.AddrFrom4(b).String()
}

// bytes returns the heap the set holds.
func (s *v4Set) bytes() int { return 4*cap(s.addrs) + s.index.bytes() }

// u128 is an IPv6 address as two big-endian halves, ordered like the address.
type u128 struct{ hi, lo uint64 }

// u128From returns the address a as a u128.
func u128From(a netip.Addr) u128 {
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// compare orders u128 values.
func (x u128) compare(y u128) int {
	switch {
	case x.hi < y.hi:
		return -1
	case x.hi > y.hi:
		return 1
	case x.lo < y.lo:
		return -1
	case x.lo > y.lo:
		return 1
	}
	return 0
}

// v6Set holds IPv6 address indicators; entry i is addrs[i], in compareHashed6 order.
//
// A listed address is found with one read where the memory is: an open-addressing table
// holds each address beside its index, so that a hit costs one cache miss rather than a
// bucket index's and then the array's, one after the other (a sorted array behind a
// bucket index took some 40 ns a hit of the 100 the issue allows). The table costs 32
// bytes an address; IPv6 addresses are a few percent of a feed.
//
// Most IPv6 observables are not listed, and a filter of the hashes in cache answers
// most of them without reading the table at all.
type v6Set struct {
	addrs  []u128    // in compareHashed6 order, distinct
	table  []v6Entry // linear probing from fastrange of the hash; a third larger than addrs
	filter bloom     // of the addresses' hashes; nil when there are none
}

// v6Entry is one slot of a v6Set's table.
type v6Entry struct {
	addr u128
	id   uint32 // 1 + the index of addr; 0 for an empty slot
}

// newV6Set indexes addrs, which must be distinct and in compareHashed6 order.
func newV6Set(addrs []u128) v6Set {
	s := v6Set{addrs: addrs}
	if len(addrs) == 0 {
		return s
	}
	s.filter = newBloom(len(addrs))
	s.table = make([]v6Entry, len(addrs)+len(addrs)/3+1)
	for i, x := range addrs {
		h := x.hash()
		s.filter.add(h)
		j := s.home(h)
		for s.table[j].id != 0 {
			if j++; j == len(s.table) {
				j = 0
			}
		}
		s.table[j] = v6Entry{addr: x, id: uint32(i) + 1}
	}
	return s
}

// home returns the slot where the table's probe for hash h starts: bits 20 to 51 of h,
// which neither the filter's word (the low bits) nor its bit positions (the top twelve)
// use, scaled to the table's length.
func (s *v6Set) home(h uint64) int {
	return int(uint64(uint32(h>>20)) * uint64(len(s.table)) >> 32)
}

// hash mixes the 128 bits of x into 64: equal addresses hash equal, near ones far apart.
func (x u128) hash() uint64 {
	return fold(x.hi*0x9e3779b97f4a7c15 ^ x.lo)
}

// fold mixes the bits of h: the two halves of its 128-bit product by an odd constant,
// xored. It is the last step of every hash of an address or network; two multiplies and
// three shifts (murmur3's finaliser) took twice as long, on the path of every lookup.
func fold(h uint64) uint64 {
	hi, lo := bits.Mul64(h, 0xe7037ed1a0b428db)
	return hi ^ lo
}

// compareHashed6 orders addresses by hash, then by address: the order of a v6Set.
func compareHashed6(x, y u128) int {
	if r := cmp.Compare(x.hash(), y.hash()); r != 0 {
		return r
	}
	return x.compare(y)
}

// lookup appends the ID of address x, if listed.
func (s *v6Set) lookup(x u128, dst []ID) []ID {
	if i, ok := s.find(x); ok {
		dst = append(dst, kIPv6.id(i))
	}
	return dst
}

// find returns the index of address x, if listed.
func (s *v6Set) find(x u128) (int, bool) {
	h := x.hash()
	if s.filter == nil || !s.filter.has(h) {
		return 0, false
	}
	for j := s.home(h); ; {
		e := &s.table[j]
		if e.id == 0 {
			return 0, false
		}
		if e.addr == x {
			return int(e.id - 1), true
		}
		if j++; j == len(s.table) {
			j = 0
		}
	}
}

// value formats entry i.
func (s *v6Set) value(i int) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], s.addrs[i].hi)
	binary.BigEndian.PutUint64(b[8:], s.addrs[i].lo)
	return netip.AddrFrom16(b).String()
}

// bytes returns the heap the set holds.
func (s *v6Set) bytes() int {
	return 16*cap(s.addrs) + int(unsafe.Sizeof(v6Entry{}))*cap(s.table) + s.filter.bytes()
}

// buckets indexes a sorted array of n keys by the top bits of a 32-bit key: the keys
// whose top bits are b lie in [start[b], start[b+1]). With about 4 to 8 keys a bucket a
// lookup costs one probe here and a binary search that stays in one or two cache lines.
type buckets struct {
	start []uint32 // nil for small arrays: search them whole
	shift uint8    // 32 minus the number of bucket bits
}

// maxBucketBits caps an index at 2^16+1 entries (256 KiB).
const maxBucketBits = 16

// newBuckets indexes n sorted keys; key(i) returns the 32-bit key of the i-th.
func newBuckets(n int, key func(int) uint32) buckets {
	nb := min(bits.Len(uint(n))-3, maxBucketBits)
	if nb <= 0 {
		return buckets{}
	}
	x := buckets{start: make([]uint32, 1<<nb+1), shift: uint8(32 - nb)}
	j := 0
	for b := range 1 << nb {
		for j < n && key(j)>>x.shift < uint32(b) {
			j++
		}
		x.start[b] = uint32(j)
	}
	x.start[1<<nb] = uint32(n)
	return x
}

// span returns the part [lo, hi) of the n keys where key k can be.
func (x *buckets) span(k uint32, n int) (lo, hi int) {
	if x.start == nil {
		return 0, n
	}
	b := k >> x.shift
	return int(x.start[b]), int(x.start[b+1])
}

// bytes returns the heap the index holds.
func (x *buckets) bytes() int { return 4 * cap(x.start) }

// parseIPv4 reads a dotted-quad IPv4 address exactly as netip.ParseAddr does (four
// decimal fields 0..255, no leading zeros), without building a netip.Addr: it is the
// first step of most lookups. It reports false for anything else, IPv6 included.
func parseIPv4(s string) (uint32, bool) {
	var ip uint32
	fields, val, digits := 0, uint32(0), 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 1 && val == 0 { // leading zero
				return 0, false
			}
			val = val*10 + uint32(c-'0')
			if digits++; val > 255 {
				return 0, false
			}
		case c == '.' && digits > 0 && fields < 3:
			ip = ip<<8 | val
			fields, val, digits = fields+1, 0, 0
		default:
			return 0, false
		}
	}
	if fields != 3 || digits == 0 {
		return 0, false
	}
	return ip<<8 | val, true
}
