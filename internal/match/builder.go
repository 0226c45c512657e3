package match

import (
	"encoding/binary"
	"math"
	"net/netip"
	"slices"

	"github.com/vigil-health/vigil"
)

// Builder collects indicators, merging the same type and value from several sources
// into one entry, and compiles them into a Snapshot. A Builder is not safe for
// concurrent use; the Snapshots it builds are. Add keeps the indicators compactly
// (parsed addresses, decoded digests, interned provenance); Build does the sorting,
// merging and indexing.
type Builder struct {
	v4      []pend[uint32]
	v6      []pend[u128]
	nets    []pend[netip.Prefix]
	strs    [numKinds][]pend[hashedString] // domain, url, email, filename
	hashes  [numKinds][]pend[digestRef]    // md5, sha1, sha256, sha512
	digests [numKinds][]byte               // the digests hashes refer to, back to back
	claims  []claim                        // one per accepted Add, in Add order
	provs   provTable
	refs    refArena
	bad     int
}

// pend is one added value waiting for Build; seq is its Add order, which indexes claims.
type pend[K any] struct {
	key K
	seq uint32
}

// hashedString is a string value with its strHash, which Build sorts by first so that
// nearly every comparison is of two integers.
type hashedString struct {
	h uint64
	s string
}

// digestRef is a digest in Builder.digests: its first 8 bytes, big-endian, and its position.
type digestRef struct {
	prefix uint64
	pos    uint32
}

// NewBuilder returns an empty Builder. The zero Builder is ready to use too.
func NewBuilder() *Builder { return &Builder{} }

// Add adds one indicator. Its value must already be normalised (internal/ioc): values
// are compared byte for byte, except that addresses and networks are compared as
// parsed and hashes regardless of hex case. An indicator whose type is unknown or whose
// value does not parse is counted by Rejected and otherwise ignored. Add copies the
// Labels it keeps; it keeps the Value string itself until Build.
func (b *Builder) Add(ind vigil.Indicator) {
	k, ok := kindOf(ind.Type)
	seq := len(b.claims)
	if !ok || seq >= math.MaxUint32 || !b.addValue(k, ind.Value, uint32(seq)) {
		b.bad++
		return
	}
	p := &ind.Provenance
	b.claims = push(b.claims, claim{prov: b.provs.intern(p), ref: b.refs.add(p.Ref)})
}

// Rejected returns the number of indicators Add ignored.
func (b *Builder) Rejected() int { return b.bad }

// addValue files value v of kind k under claim seq, reporting whether it parsed.
func (b *Builder) addValue(k kind, v string, seq uint32) bool {
	switch {
	case k == kIPv4 || k == kIPv6:
		return b.addAddr(v, seq)
	case k == kCIDR:
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return false
		}
		b.nets = push(b.nets, pend[netip.Prefix]{p.Masked(), seq})
	case k.hashSize() > 0:
		return b.addDigest(k, v, seq)
	default:
		if v == "" {
			return false
		}
		b.strs[k] = push(b.strs[k], pend[hashedString]{hashedString{strHash(v), v}, seq})
	}
	return true
}

// addAddr files an address by its family, whatever type it came with; IPv4-mapped IPv6
// is IPv4.
func (b *Builder) addAddr(v string, seq uint32) bool {
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return false
	}
	if a = a.Unmap(); a.Is4() {
		b4 := a.As4()
		b.v4 = push(b.v4, pend[uint32]{binary.BigEndian.Uint32(b4[:]), seq})
	} else {
		b.v6 = push(b.v6, pend[u128]{u128From(a), seq})
	}
	return true
}

// addDigest decodes hex digest v of hash kind k and files it.
func (b *Builder) addDigest(k kind, v string, seq uint32) bool {
	size := k.hashSize()
	pos := len(b.digests[k])
	if len(v) != 2*size || pos+size > math.MaxUint32 {
		return false
	}
	b.digests[k] = grow(b.digests[k], size)[:pos+size]
	d := b.digests[k][pos:]
	if !decodeHex(d, v) {
		b.digests[k] = b.digests[k][:pos]
		return false
	}
	b.hashes[k] = push(b.hashes[k], pend[digestRef]{digestRef{binary.BigEndian.Uint64(d), uint32(pos)}, seq})
	return true
}

// strHash returns a 64-bit hash of s, 8 bytes at a time. Build only sorts by it, so
// it needs to be fast and deterministic, not strong: equal hashes fall back to
// comparing the strings.
func strHash(s string) uint64 {
	const m1, m2 = 0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9
	h := uint64(len(s)) * m1
	for ; len(s) >= 8; s = s[8:] {
		h = (h ^ le64(s)) * m2
		h ^= h >> 29
	}
	var tail uint64
	for i := len(s) - 1; i >= 0; i-- {
		tail = tail<<8 | uint64(s[i])
	}
	h = (h ^ tail) * m1
	return h ^ h>>32
}

// le64 reads the first 8 bytes of s little-endian.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// push appends v to s, doubling the capacity when s is full. The runtime grows large
// slices by only 1.25x, which for the Builder's multi-megabyte slices copies every
// element about four times over; doubling copies it about once.
func push[T any](s []T, v T) []T {
	return append(grow(s, 1), v)
}

// grow returns s with room for n more elements, at least doubling its capacity when
// it has to grow.
func grow[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return slices.Grow(s, max(n, len(s), 64))
}
