package match

import (
	"net/netip"
	"unsafe"

	"github.com/vigil-health/vigil"
)

// ID identifies one merged indicator in a Snapshot. It is only meaningful to the
// Snapshot whose Lookup returned it: after a Holder swap, resolve IDs against the
// Snapshot that produced them.
type ID uint32

// The top bits of an ID name the indicator's kind, the rest its index in that kind's table.
const (
	idShift  = 28
	idMask   = 1<<idShift - 1
	maxIndex = idMask // entries per kind
)

// Entry is one merged indicator with the provenance of every source that published it.
type Entry struct {
	// Type is what kind of value the indicator holds.
	Type vigil.IndicatorType
	// Value is the indicator's normalised value.
	Value string
	// Sources holds one Provenance per source claim, in the order they were added.
	Sources []vigil.Provenance
}

// Snapshot is an immutable compiled set of indicators. Build returns it fully
// constructed; from then on it is only read, so any number of goroutines may call its
// methods at once without locking.
type Snapshot struct {
	v4       v4Set
	v6       v6Set
	nets     netSet
	domain   strSet
	url      strSet
	email    strSet
	filename strSet
	md5      hashSet
	sha1     hashSet
	sha256   hashSet
	sha512   hashSet
	// certificate and TLS fingerprints, apart from file hashes
	x509sha1, x509sha256, ja3, ja3s hashSet
	ja4                             strSet
	src                             sources
	bytes                           int // MemoryBytes, computed once by Build or Apply

	// layer, when set, makes this Snapshot a compiled base plus the indicators changed
	// since (Apply), and every field above unused.
	layer *layer
}

// Len returns the number of merged indicators.
func (s *Snapshot) Len() int {
	n := 0
	for k := range numKinds {
		n += s.liveLen(k)
	}
	return n
}

// liveLen returns the number of entries of kind k a lookup can return.
func (s *Snapshot) liveLen(k kind) int {
	if s.layer != nil {
		return s.layer.kindLen(k)
	}
	return s.kindLen(k)
}

// Lookup appends the IDs of every indicator that matches o to dst and returns the
// extended slice. It never allocates unless it has to grow dst for a match.
//
//   - ipv4, ipv6: the address itself, then every CIDR covering it, most specific
//     first. The address family comes from the value, not the type, and IPv4-mapped
//     IPv6 (::ffff:1.2.3.4) is looked up as IPv4.
//   - cidr: every CIDR indicator equal to or covering the network, most specific first.
//   - domain: the name and every parent domain listed, most specific first.
//   - url, email, filename: the exact value, byte for byte.
//   - md5, sha1, sha256, sha512: the exact digest, in either hex case.
//
// A value that does not parse as its type (including an address with a zone, which
// normalised values never have) matches nothing.
func (s *Snapshot) Lookup(o vigil.Observable, dst []ID) []ID {
	if s.layer != nil {
		return s.layer.lookup(o, dst)
	}
	switch o.Type {
	case vigil.TypeIPv4:
		return s.lookupAddr(o.Value, dst)
	case vigil.TypeIPv6:
		return s.lookupAddr6(o.Value, dst)
	case vigil.TypeCIDR:
		return s.lookupPrefix(o.Value, dst)
	case vigil.TypeDomain:
		return s.domain.lookupDomain(o.Value, dst)
	case vigil.TypeURL:
		return s.url.lookupExact(o.Value, dst)
	case vigil.TypeEmail:
		return s.email.lookupExact(o.Value, dst)
	case vigil.TypeFilename:
		return s.filename.lookupExact(o.Value, dst)
	case vigil.TypeMD5:
		return s.md5.lookup(o.Value, dst)
	case vigil.TypeSHA1:
		return s.sha1.lookup(o.Value, dst)
	case vigil.TypeSHA256:
		return s.sha256.lookup(o.Value, dst)
	case vigil.TypeSHA512:
		return s.sha512.lookup(o.Value, dst)
	case vigil.TypeX509SHA1:
		return s.x509sha1.lookup(o.Value, dst)
	case vigil.TypeX509SHA256:
		return s.x509sha256.lookup(o.Value, dst)
	case vigil.TypeJA3:
		return s.ja3.lookup(o.Value, dst)
	case vigil.TypeJA3S:
		return s.ja3s.lookup(o.Value, dst)
	case vigil.TypeJA4:
		return s.ja4.lookupExact(o.Value, dst)
	}
	return dst
}

// lookupAddr matches an address: the exact address, then covering CIDRs.
func (s *Snapshot) lookupAddr(v string, dst []ID) []ID {
	if ip, ok := parseIPv4(v); ok { // the fast path for the common case
		dst = s.v4.lookup(ip, dst)
		return s.nets.covering4(ip, dst)
	}
	x, ok := parseIPv6(v)
	if !ok {
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" {
			return dst
		}
		x = u128From(a)
	}
	return s.lookupU128(x, dst)
}

// lookupAddr6 is lookupAddr for a value typed ipv6: it tries the IPv6 parser before the
// IPv4 one, which would fail at a place that differs from one address to the next, a
// mispredicted branch (8-20 ns a lookup).
func (s *Snapshot) lookupAddr6(v string, dst []ID) []ID {
	if x, ok := parseIPv6(v); ok {
		return s.lookupU128(x, dst)
	}
	return s.lookupAddr(v, dst)
}

// lookupU128 matches an address read as IPv6: an IPv4-mapped one as IPv4.
//
// The most specific network is looked for before the address, though its IDs come
// after: the two tables are each a likely cache miss, and the network lookup's few
// hundred instructions after the address table's read kept the processor from reading
// the network table until the first read was done; this way the two reads overlap.
func (s *Snapshot) lookupU128(x u128, dst []ID) []ID {
	if ip, ok := x.v4Mapped(); ok {
		return s.nets.covering4(ip, s.v4.lookup(ip, dst))
	}
	id, up, ok := s.nets.longest6(x)
	return s.nets.appendNets(id, up, ok, s.v6.lookup(x, dst))
}

// lookupPrefix matches a network: CIDR indicators equal to or covering it.
func (s *Snapshot) lookupPrefix(v string, dst []ID) []ID {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return dst
	}
	return s.nets.supernets(p.Masked(), dst)
}

// Entry returns the merged indicator with the given ID, materialised on demand: the
// value is formatted and the provenance copied, so the caller may keep or change it.
// An ID this Snapshot did not hand out yields the zero Entry.
func (s *Snapshot) Entry(id ID) Entry {
	if s.layer != nil {
		return s.layer.entry(id)
	}
	k, i := kind(id>>idShift), int(id&idMask)
	if k >= numKinds || i >= s.kindLen(k) {
		return Entry{}
	}
	return Entry{Type: k.indicatorType(), Value: s.value(k, i), Sources: s.src.provenance(k, i)}
}

// value formats the value of entry i of kind k.
func (s *Snapshot) value(k kind, i int) string {
	switch k {
	case kIPv4:
		return s.v4.value(i)
	case kIPv6:
		return s.v6.value(i)
	case kCIDR:
		return s.nets.prefixes[i].String()
	}
	if h := s.hashSet(k); h != nil {
		return h.value(i)
	}
	return s.strSet(k).value(i)
}

// kindLen returns the number of entries of kind k.
func (s *Snapshot) kindLen(k kind) int {
	switch k {
	case kIPv4:
		return len(s.v4.addrs)
	case kIPv6:
		return len(s.v6.addrs)
	case kCIDR:
		return len(s.nets.prefixes)
	}
	if h := s.hashSet(k); h != nil {
		return h.len()
	}
	return s.strSet(k).len()
}

// strSet returns the string table of k, or nil when k is not a string kind.
func (s *Snapshot) strSet(k kind) *strSet {
	switch k {
	case kDomain:
		return &s.domain
	case kURL:
		return &s.url
	case kEmail:
		return &s.email
	case kFilename:
		return &s.filename
	case kJA4:
		return &s.ja4
	}
	return nil
}

// hashSet returns the digest table of k, or nil when k is not a hash kind.
func (s *Snapshot) hashSet(k kind) *hashSet {
	switch k {
	case kMD5:
		return &s.md5
	case kSHA1:
		return &s.sha1
	case kSHA256:
		return &s.sha256
	case kSHA512:
		return &s.sha512
	case kX509SHA1:
		return &s.x509sha1
	case kX509SHA256:
		return &s.x509sha256
	case kJA3:
		return &s.ja3
	case kJA3S:
		return &s.ja3s
	}
	return nil
}

// Stats returns the number of merged indicators of each type present in the snapshot.
func (s *Snapshot) Stats() map[vigil.IndicatorType]int {
	m := make(map[vigil.IndicatorType]int, numKinds)
	for k := range numKinds {
		if n := s.liveLen(k); n > 0 {
			m[k.indicatorType()] = n
		}
	}
	return m
}

// MemoryBytes estimates the heap the snapshot holds: exact for its flat arrays,
// approximate for the Go maps and the CIDR trie. Build computes it once.
func (s *Snapshot) MemoryBytes() int { return s.bytes }

// memory estimates the heap the snapshot holds.
func (s *Snapshot) memory() int {
	n := int(unsafe.Sizeof(*s)) + s.v4.bytes() + s.v6.bytes() + s.nets.bytes() + s.src.bytes()
	for k := range numKinds {
		if t := s.strSet(k); t != nil {
			n += t.bytes()
		} else if h := s.hashSet(k); h != nil {
			n += h.bytes()
		}
	}
	return n
}
