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
// (parsed addresses, decoded digests, string values back to back in one arena per
// type, interned provenance); Build does the sorting, merging and indexing.
type Builder struct {
	v4     []pend[uint32]
	v6     []pend[u128]
	nets   []pend[netip.Prefix]
	strs   [numKinds]pendingStrs   // domain, url, email, filename, ja4
	hashes [numKinds]pendingHashes // md5, sha1, sha256, sha512 and the fingerprints
	provs  provTable
	refs   refArena
	added  int // indicators accepted since the last Build
	bad    int

	// workers caps the goroutines Build compiles on; 0 means GOMAXPROCS. Tests set
	// it to compare a sequential Build with a parallel one.
	workers int
}

// pend is one added value waiting for Build with its claim; seq is its Add order among
// the values of its kind, which orders the claims on an entry.
type pend[K any] struct {
	key K
	seq uint32
	c   claim
}

// pendingStrs holds the string values of one kind added since the last Build: each
// value's bytes, after a uvarint length, back to back in chunks, named by the chunk's
// number in the top bits of an offset and the position in it in the chunkBits below.
// Chunks rather than a string each spare an allocation and a 16-byte header a value
// and let the garbage collector skip the bytes; chunks rather than one growing slice
// spare copying it and the spare half a doubling leaves.
type pendingStrs struct {
	refs   []pend[strRef]
	chunks [][]byte
}

// chunkBits is the number of offset bits a position in a chunk takes: chunks grow from
// 4 KiB (small Builders, such as an Apply's) to 1 MiB, or to one value's size past that.
const chunkBits = 20

// strRef is a pending string value: its strHash, which Build sorts by first so that
// nearly every comparison is of two integers, and its offset in the kind's arena.
type strRef struct {
	h   uint64
	off uint32
}

// pendingHashes holds the digests of one hash kind added since the last Build, decoded,
// back to back in digests.
type pendingHashes struct {
	refs    []pend[digestRef]
	digests []byte
}

// digestRef is a digest in pendingHashes.digests: its first 8 bytes, big-endian, and its position.
type digestRef struct {
	prefix uint64
	pos    uint32
}

// NewBuilder returns an empty Builder. The zero Builder is ready to use too.
func NewBuilder() *Builder { return &Builder{} }

// Add adds one indicator. Its value must already be normalised (internal/ioc): values
// are compared byte for byte, except that addresses and networks are compared as
// parsed and hashes regardless of hex case. An indicator whose type is unknown or whose
// value does not parse is counted by Rejected and otherwise ignored.
//
// Add keeps nothing of ind after it returns: it copies the value's bytes and whatever
// of the provenance it keeps, so a caller may hand it values in a buffer it reuses, or
// strings it will drop, without the Builder holding them alive.
func (b *Builder) Add(ind vigil.Indicator) {
	k, ok := kindOf(ind.Type)
	if !ok || b.added >= math.MaxUint32 || !b.addValue(k, ind.Value, &ind.Provenance) {
		b.bad++
		return
	}
	b.added++
}

// Rejected returns the number of indicators Add ignored.
func (b *Builder) Rejected() int { return b.bad }

// addValue files value v of kind k with its provenance p, reporting whether it parsed.
func (b *Builder) addValue(k kind, v string, p *vigil.Provenance) bool {
	switch {
	case k == kIPv4 || k == kIPv6:
		return b.addAddr(v, p)
	case k == kCIDR:
		n, err := netip.ParsePrefix(v)
		if err != nil {
			return false
		}
		b.nets = push(b.nets, pend[netip.Prefix]{n.Masked(), uint32(len(b.nets)), b.claim(p)})
	case k.hashSize() > 0:
		h := &b.hashes[k]
		ref, ok := h.store(k, v)
		if !ok {
			return false
		}
		h.refs = push(h.refs, pend[digestRef]{ref, uint32(len(h.refs)), b.claim(p)})
	default:
		s := &b.strs[k]
		ref, ok := s.store(v)
		if !ok {
			return false
		}
		s.refs = push(s.refs, pend[strRef]{ref, uint32(len(s.refs)), b.claim(p)})
	}
	return true
}

// claim interns provenance p, Ref apart, and stores its Ref: the claim of an accepted value.
func (b *Builder) claim(p *vigil.Provenance) claim {
	return claim{prov: b.provs.intern(p), ref: b.refs.add(p.Ref)}
}

// addAddr files an address by its family, whatever type it came with; IPv4-mapped IPv6
// is IPv4.
func (b *Builder) addAddr(v string, p *vigil.Provenance) bool {
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return false
	}
	if a = a.Unmap(); a.Is4() {
		b4 := a.As4()
		b.v4 = push(b.v4, pend[uint32]{binary.BigEndian.Uint32(b4[:]), uint32(len(b.v4)), b.claim(p)})
	} else {
		b.v6 = push(b.v6, pend[u128]{u128From(a), uint32(len(b.v6)), b.claim(p)})
	}
	return true
}

// store copies string value v into the chunks, reporting false for an empty value or
// one past the 4 GiB that 32-bit offsets reach.
func (p *pendingStrs) store(v string) (strRef, bool) {
	if v == "" {
		return strRef{}, false
	}
	need := binary.MaxVarintLen64 + len(v)
	n := len(p.chunks)
	if n == 0 || len(p.chunks[n-1]) >= 1<<chunkBits || cap(p.chunks[n-1])-len(p.chunks[n-1]) < need {
		if n == 1<<(32-chunkBits) {
			return strRef{}, false
		}
		size := 4 << 10
		if n > 0 {
			size = min(2*cap(p.chunks[n-1]), 1<<chunkBits)
		}
		p.chunks = append(p.chunks, make([]byte, 0, max(size, need)))
		n++
	}
	c := &p.chunks[n-1]
	off := uint32(n-1)<<chunkBits | uint32(len(*c))
	*c = binary.AppendUvarint(*c, uint64(len(v)))
	*c = append(*c, v...)
	return strRef{strHash(v), off}, true
}

// value returns the bytes of the value at offset off, sharing the chunk.
func (p *pendingStrs) value(off uint32) []byte {
	c := p.chunks[off>>chunkBits][off&(1<<chunkBits-1):]
	n, w := binary.Uvarint(c)
	return c[w : w+int(n)]
}

// store decodes hex digest v of hash kind k into digests, reporting whether it is one.
func (p *pendingHashes) store(k kind, v string) (digestRef, bool) {
	size := k.hashSize()
	pos := len(p.digests)
	if len(v) != 2*size || pos+size > math.MaxUint32 {
		return digestRef{}, false
	}
	p.digests = grow(p.digests, size)[:pos+size]
	d := p.digests[pos:]
	if !decodeHex(d, v) {
		p.digests = p.digests[:pos]
		return digestRef{}, false
	}
	return digestRef{binary.BigEndian.Uint64(d), uint32(pos)}, true
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
