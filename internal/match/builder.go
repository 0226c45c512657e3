package match

import (
	"encoding/binary"
	"math"
	"net/netip"

	"github.com/vigil-health/vigil"
)

// Builder collects indicators, merging the same type and value from several sources
// into one entry, and compiles them into a Snapshot. A Builder is not safe for
// concurrent use; the Snapshots it builds are. Add keeps the indicators compactly
// (parsed addresses, decoded digests, string values back to back in one arena per
// type, interned provenance); Build does the sorting, merging and indexing.
type Builder struct {
	v4     parts[uint32, uint64]                   // by the top bits of the address
	v6     parts[u128, seqd[u128]]                 // by the top bits of the address's hash
	nets   parts[netip.Prefix, seqd[netip.Prefix]] // by family and the top bits of the address
	strs   [numKinds]*pendingStrs                  // domain, url, email, filename, ja4; nil until added to
	hashes [numKinds]*pendingHashes                // md5, sha1, sha256, sha512 and the fingerprints; likewise
	provs  provTable
	refs   refArena
	added  int // indicators accepted since the last Build
	bad    int

	// workers caps the goroutines Build compiles on; 0 means GOMAXPROCS. Tests set
	// it to compare a sequential Build with a parallel one.
	workers int
}

// pend is one value waiting for Build with its claim. Add files the value alone (an
// address, or the offset of a string or digest: 12 bytes with the claim for most
// kinds); Build makes it a key to sort by as it gathers a part (parts.gather), which
// holds besides the value its Add order (its place in the part, or an offset that grows
// with each Add), last in the key's order: Build orders the claims on an entry by it.
type pend[K any] struct {
	key K
	c   claim
}

// seqd is a value with its Add order.
type seqd[V any] struct {
	v   V
	seq uint32
}

// parts holds the values of one kind waiting for Build, split by the top bits of what
// the kind's order compares first (an address, a hash), so that part i sorts wholly
// before part i+1. Build then gathers and sorts the parts on several cores and
// compiles and releases them one at a time. V is what Add files, K the key Build sorts.
type parts[V, K any] struct {
	p [numParts]part[V, K]
	n int // values in all parts
}

// part is the values of one part. Add files them in blocks, so that a part grows
// without copying itself and without the spare capacity a growing slice keeps (a
// quarter of it once past 256 elements, some 6 MB of a 2M-line feed's 64 MB pending);
// Build gathers them into one slice of the exact size to sort and merge.
type part[V, K any] struct {
	blocks [][]pend[V]
}

// Bounds of a block, in values: small for a small Builder (an Apply's overlay), at
// most 512 (8 to 24 KiB), so that the last block of each part leaves little unused.
const (
	minBlock = 8
	maxBlock = 512
)

// numParts is the number of parts a kind's pending values are split into, by the top
// partBits bits of a 64-bit key or the 32-bit key's top bits.
const (
	partBits = 6
	numParts = 1 << partBits
)

// add files value v with claim c in part i.
func (ps *parts[V, K]) add(i int, v V, c claim) {
	ps.p[i].add(pend[V]{v, c})
	ps.n++
}

// add appends v to the part's last block, starting a new block when it is full.
func (p *part[V, K]) add(v pend[V]) {
	n := len(p.blocks)
	if n == 0 || len(p.blocks[n-1]) == cap(p.blocks[n-1]) {
		size := minBlock
		if n > 0 {
			size = min(2*cap(p.blocks[n-1]), maxBlock)
		}
		p.blocks = append(p.blocks, make([]pend[V], 0, size))
		n++
	}
	p.blocks[n-1] = append(p.blocks[n-1], v)
}

// len returns the number of values in the part's blocks.
func (p *part[V, K]) len() int {
	n := 0
	for _, b := range p.blocks {
		n += len(b)
	}
	return n
}

// gather returns the part's values in buf's room, making each value v, the i-th added
// to the part, the key key(v, i), and releases the blocks as it goes. Build gathers
// every part of a kind into one buffer in turn, so that it allocates about one part's
// keys a kind.
func (p *part[V, K]) gather(buf []pend[K], key func(v V, i int) K) []pend[K] {
	all := buf[:0]
	if n := p.len(); cap(all) < n {
		all = make([]pend[K], 0, n+n/4) // the next part is likely as large: spare it growing again
	}
	for i, b := range p.blocks {
		for _, x := range b {
			all = append(all, pend[K]{key(x.key, len(all)), x.c})
		}
		p.blocks[i] = nil
	}
	p.blocks = nil
	return all
}

// seqKey makes value v, the i-th of its part, a key ordered by value then Add order.
func seqKey[V any](v V, i int) seqd[V] { return seqd[V]{v, uint32(i)} }

// v4Key makes address x, the i-th of its part, a key ordered by address then Add order.
func v4Key(x uint32, i int) uint64 { return uint64(x)<<32 | uint64(uint32(i)) }

// part64 returns the part of a value whose order starts with key x.
func part64(x uint64) int { return int(x >> (64 - partBits)) }

// part32 returns the part of a value whose order starts with key x.
func part32(x uint32) int { return int(x >> (32 - partBits)) }

// prefixPart returns the part of network p: netip.Prefix.Compare orders IPv4 first, then
// by address, so IPv4 networks take the first half of the parts by their top bits,
// IPv6 networks the second half.
func prefixPart(p netip.Prefix) int {
	a := p.Addr()
	if a.Is4() {
		return int(a.As4()[0] >> (9 - partBits))
	}
	return numParts/2 + int(a.As16()[0]>>(9-partBits))
}

// pendingStrs holds the string values of one kind added since the last Build, their
// bytes in an arena.
type pendingStrs struct {
	refs  parts[uint32, strRef] // offsets in bytes, by the top bits of the value's strHash
	bytes arena
}

// strRef is the key Build sorts a string value by: the top half of its strHash, so
// that nearly every comparison is of two integers, and its offset in the kind's arena,
// which grows with each Add. Add keeps only the offset (12 bytes with the claim where
// the key took 16); Build hashes the value again as it gathers a part.
type strRef struct {
	h   uint32
	off uint32
}

// pendingHashes holds the digests of one hash kind added since the last Build, decoded,
// back to back in chunks that grow like an arena's (no lengths: they are one size).
type pendingHashes struct {
	refs   parts[uint32, digestRef] // positions in chunks, by the top bits of the digest
	chunks [][]byte
	size   int // bytes of all the digests
}

// digestRef is the key Build sorts a digest by: its first 8 bytes, big-endian, in two
// halves (so that with its claim it takes 20 bytes, not 24), and its position in the
// chunks (the chunk's number above chunkBits), which grows with each Add. Add keeps only
// the position; Build reads the first bytes again as it gathers a part.
type digestRef struct {
	hi, lo uint32
	pos    uint32
}

// prefix returns the first 8 bytes of r's digest, big-endian.
func (r digestRef) prefix() uint64 { return uint64(r.hi)<<32 | uint64(r.lo) }

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
		n = n.Masked()
		b.nets.add(prefixPart(n), n, b.claim(p))
	case k.hashSize() > 0:
		if b.hashes[k] == nil {
			b.hashes[k] = &pendingHashes{}
		}
		h := b.hashes[k]
		ref, ok := h.store(k, v)
		if !ok {
			return false
		}
		h.refs.add(part64(ref.prefix()), ref.pos, b.claim(p))
	default:
		if b.strs[k] == nil {
			b.strs[k] = &pendingStrs{}
		}
		s := b.strs[k]
		ref, ok := s.store(v)
		if !ok {
			return false
		}
		s.refs.add(part32(ref.h), ref.off, b.claim(p))
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
		x := binary.BigEndian.Uint32(b4[:])
		b.v4.add(part32(x), x, b.claim(p))
	} else {
		x := u128From(a)
		b.v6.add(part64(x.hash()), x, b.claim(p))
	}
	return true
}

// store copies string value v into the arena, reporting false for an empty value or
// one past what the arena holds.
func (p *pendingStrs) store(v string) (strRef, bool) {
	if v == "" {
		return strRef{}, false
	}
	off, ok := p.bytes.add(v)
	return strRef{uint32(strHash(v) >> 32), off}, ok
}

// value returns the bytes of the value at offset off, sharing the arena.
func (p *pendingStrs) value(off uint32) []byte { return p.bytes.get(off) }

// key returns the key of the value at offset off.
func (p *pendingStrs) key(off uint32, _ int) strRef {
	return strRef{uint32(strHash(p.value(off)) >> 32), off}
}

// store decodes hex digest v of hash kind k into the chunks, reporting whether it is one.
func (p *pendingHashes) store(k kind, v string) (digestRef, bool) {
	size := k.hashSize()
	n := len(p.chunks)
	if len(v) != 2*size {
		return digestRef{}, false
	}
	if n == 0 || cap(p.chunks[n-1])-len(p.chunks[n-1]) < size {
		if n == 1<<(32-chunkBits) {
			return digestRef{}, false
		}
		c := 1 << 10
		if n > 0 {
			c = min(2*cap(p.chunks[n-1]), 1<<chunkBits)
		}
		p.chunks = append(p.chunks, make([]byte, 0, c))
		n++
	}
	c := &p.chunks[n-1]
	pos := len(*c)
	d := (*c)[pos : pos+size]
	if !decodeHex(d, v) {
		return digestRef{}, false
	}
	*c = (*c)[:pos+size]
	p.size += size
	x := binary.BigEndian.Uint64(d)
	return digestRef{uint32(x >> 32), uint32(x), uint32(n-1)<<chunkBits | uint32(pos)}, true
}

// digest returns the digest r of a hash kind of size bytes.
func (p *pendingHashes) digest(r digestRef, size int) []byte { return p.digestAt(r.pos, size) }

// digestAt returns the digest at position pos of a hash kind of size bytes.
func (p *pendingHashes) digestAt(pos uint32, size int) []byte {
	off := int(pos & (1<<chunkBits - 1))
	return p.chunks[pos>>chunkBits][off : off+size]
}

// key returns the key of the digest at position pos of a hash kind of size bytes.
func (p *pendingHashes) key(pos uint32, size int) digestRef {
	x := binary.BigEndian.Uint64(p.digestAt(pos, size))
	return digestRef{uint32(x >> 32), uint32(x), pos}
}

// strHash returns a 64-bit hash of s, 8 bytes at a time. Build only sorts by it, so
// it needs to be fast and deterministic, not strong: equal hashes fall back to
// comparing the strings.
func strHash[S ~string | ~[]byte](s S) uint64 {
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
func le64[S ~string | ~[]byte](s S) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
