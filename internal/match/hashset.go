package match

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"

	"github.com/FastFilter/xorfilter"
)

// hashSet holds the file-hash indicators of one hash type as raw digests, sorted, back
// to back; entry i is digests[i*size:(i+1)*size]. A BinaryFuse8 filter over each
// digest's first 8 bytes answers most misses, the common case, before any search.
type hashSet struct {
	k       kind
	size    int     // digest length in bytes
	digests []byte  // sorted, distinct, size bytes each
	index   buckets // on the top bits of the digests, which are uniform
	filter  *xorfilter.BinaryFuse8
}

// newHashSet indexes digests, which must be sorted and distinct.
func newHashSet(k kind, digests []byte) hashSet {
	h := hashSet{k: k, size: k.hashSize(), digests: digests}
	n := h.len()
	if n == 0 {
		return h
	}
	h.index = newBuckets(n, func(i int) uint32 { return uint32(h.prefix(i) >> 32) })
	keys := make([]uint64, 0, n)
	for i := range n {
		key := h.prefix(i)
		if len(keys) == 0 || keys[len(keys)-1] != key { // sorted: equal prefixes are adjacent
			keys = append(keys, key)
		}
	}
	if f, err := xorfilter.PopulateBinaryFuse8(keys); err == nil {
		h.filter = f
	} // without a filter every lookup searches: slower, still correct
	return h
}

// len returns the number of digests.
func (h *hashSet) len() int {
	if h.size == 0 {
		return 0
	}
	return len(h.digests) / h.size
}

// prefix returns the first 8 bytes of digest i, big-endian so that it sorts like the digest.
func (h *hashSet) prefix(i int) uint64 {
	return binary.BigEndian.Uint64(h.digests[i*h.size:])
}

// lookup appends the ID of the digest written in hex as v, if listed.
func (h *hashSet) lookup(v string, dst []ID) []ID {
	if len(h.digests) == 0 || len(v) != 2*h.size {
		return dst
	}
	key, ok := hexUint64(v[:16])
	if !ok || (h.filter != nil && !h.filter.Contains(key)) {
		return dst
	}
	var buf [64]byte
	d := buf[:h.size]
	if !decodeHex(d, v) {
		return dst
	}
	if i, ok := h.search(key, d); ok {
		dst = append(dst, h.k.id(i))
	}
	return dst
}

// search finds digest d, whose first 8 bytes are key, by binary search.
func (h *hashSet) search(key uint64, d []byte) (int, bool) {
	lo, hi := h.index.span(uint32(key>>32), h.len())
	end := hi
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		p := h.prefix(m)
		if p < key || p == key && bytes.Compare(h.digests[m*h.size:(m+1)*h.size], d) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < end && bytes.Equal(h.digests[lo*h.size:(lo+1)*h.size], d) {
		return lo, true
	}
	return 0, false
}

// value formats digest i as lower-case hex.
func (h *hashSet) value(i int) string {
	return hex.EncodeToString(h.digests[i*h.size : (i+1)*h.size])
}

// bytes returns the heap the set holds.
func (h *hashSet) bytes() int {
	n := cap(h.digests) + h.index.bytes()
	if h.filter != nil {
		n += len(h.filter.Fingerprints)
	}
	return n
}

// hexVal maps an ASCII byte to its hex digit value, or 0xff when it is not a hex digit.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	for i, c := range "ABCDEF" {
		t[c] = byte(10 + i)
	}
	return t
}()

// hexUint64 decodes 16 hex digits big-endian.
func hexUint64(s string) (uint64, bool) {
	var x uint64
	var bad byte
	for i := range 16 {
		v := hexVal[s[i]]
		bad |= v
		x = x<<4 | uint64(v&0xf)
	}
	return x, bad&0xf0 == 0
}

// decodeHex decodes s, exactly 2*len(d) hex digits of either case, into d.
func decodeHex(d []byte, s string) bool {
	var bad byte
	for i := range d {
		hi, lo := hexVal[s[2*i]], hexVal[s[2*i+1]]
		bad |= hi | lo
		d[i] = hi<<4 | lo&0xf
	}
	return bad&0xf0 == 0
}
