package match

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// layer is a Snapshot made of a compiled base and the indicators changed since, so that
// a change of a few indicators costs a Build of those few, not of all of them. The base
// entries of every changed indicator are dead: Lookup skips them, and the changed
// indicators' claims as they now stand are compiled into over. Both are compiled
// Snapshots and immutable; Apply makes a new layer rather than changing one.
type layer struct {
	base, over *Snapshot
	// claims is what over was built from, kept so that the next Apply can rebuild it
	// without the claims of indicators that changed again.
	claims []vigil.Indicator
	dead   [numKinds][]uint64 // bit i set: entry i of base is replaced
	ndead  [numKinds]int
}

// Apply returns a new Snapshot: s with the indicators named in changed (by Type and
// Value; Provenance is ignored) replaced by claims, their claims as they now stand. An
// indicator in changed without claims is removed; an indicator in claims counts as
// changed whether or not changed names it. s is not modified. Apply costs a Build of
// the claims changed since s's base was compiled, however large the base: see
// OverlayLen for when a full Build is worth it again. It reports false, and returns
// nil, when the result would name more entries of one type than an ID can.
func (s *Snapshot) Apply(changed, claims []vigil.Indicator) (*Snapshot, bool) {
	base, l := s, &layer{}
	if s.layer != nil {
		base = s.layer.base
		l.dead, l.ndead = s.layer.dead, s.layer.ndead
		for k := range l.dead {
			l.dead[k] = slices.Clone(l.dead[k])
		}
	}
	l.base = base
	keys := make(map[indicatorKey]struct{}, len(changed)+len(claims))
	for _, list := range [][]vigil.Indicator{changed, claims} {
		for _, ind := range list {
			if k, ok := indicatorKeyOf(ind.Type, ind.Value); ok {
				keys[k] = struct{}{}
				l.kill(k)
			}
		}
	}
	if s.layer != nil {
		for _, c := range s.layer.claims {
			if k, ok := indicatorKeyOf(c.Type, c.Value); ok {
				if _, again := keys[k]; !again {
					l.claims = append(l.claims, c)
				}
			}
		}
	}
	l.claims = append(l.claims, claims...)
	b := NewBuilder()
	for _, c := range l.claims {
		b.Add(c)
	}
	l.over = b.Build()
	for k := range numKinds {
		if base.kindLen(k)+l.over.kindLen(k) > maxIndex {
			return nil, false
		}
	}
	out := &Snapshot{layer: l}
	out.bytes = base.bytes + l.over.bytes + l.bytes()
	return out, true
}

// OverlayLen returns the number of indicators changed since the Snapshot's base was
// compiled (replaced, added or removed): 0 for a Snapshot Build returned. Once it is a
// sizeable part of Len, a full Build is cheaper to look up with.
func (s *Snapshot) OverlayLen() int {
	if s.layer == nil {
		return 0
	}
	n := s.layer.over.Len()
	for _, d := range s.layer.ndead {
		n += d
	}
	return n
}

// kill marks the base entry of k, if any, as replaced.
func (l *layer) kill(k indicatorKey) {
	i, ok := l.base.find(k)
	if !ok {
		return
	}
	d := l.dead[k.k]
	if d == nil {
		d = make([]uint64, (l.base.kindLen(k.k)+63)/64)
		l.dead[k.k] = d
	}
	if d[i/64]&(1<<(i%64)) == 0 {
		d[i/64] |= 1 << (i % 64)
		l.ndead[k.k]++
	}
}

// isDead reports whether base entry id is replaced.
func (l *layer) isDead(id ID) bool {
	d := l.dead[id>>idShift]
	i := int(id & idMask)
	return d != nil && d[i/64]&(1<<(i%64)) != 0
}

// lookup is Snapshot.Lookup on a layer: the base's matches that still stand, the
// overlay's, renumbered after the base's entries, and the two merged most specific first.
func (l *layer) lookup(o vigil.Observable, dst []ID) []ID {
	n := len(dst)
	dst = l.base.Lookup(o, dst)
	if l.anyDead() {
		dst = append(dst[:n], slices.DeleteFunc(dst[n:], l.isDead)...)
	}
	m := len(dst)
	dst = l.over.Lookup(o, dst)
	for i := m; i < len(dst); i++ {
		k := kind(dst[i] >> idShift)
		dst[i] = k.id(l.base.kindLen(k) + int(dst[i]&idMask))
	}
	if m > n && len(dst) > m {
		slices.SortStableFunc(dst[n:], func(a, b ID) int { return l.specificity(b) - l.specificity(a) })
	}
	return dst
}

// anyDead reports whether any base entry is replaced.
func (l *layer) anyDead() bool {
	for _, d := range l.ndead {
		if d > 0 {
			return true
		}
	}
	return false
}

// specificity orders the matches of one lookup as each layer orders its own: the
// address itself first, then networks and parent domains from the most specific.
func (l *layer) specificity(id ID) int {
	switch k := kind(id >> idShift); k {
	case kCIDR:
		return l.entrySet(id).nets.prefixes[l.index(id)].Bits()
	case kDomain:
		s := l.entrySet(id)
		return len(s.domain.value(l.index(id)))
	default:
		return 1 << 20 // exact values: one a lookup, ahead of any network or parent
	}
}

// entrySet returns the compiled Snapshot an ID of the layer lives in.
func (l *layer) entrySet(id ID) *Snapshot {
	if int(id&idMask) < l.base.kindLen(kind(id>>idShift)) {
		return l.base
	}
	return l.over
}

// index returns the index of id within the Snapshot entrySet returns.
func (l *layer) index(id ID) int {
	k, i := kind(id>>idShift), int(id&idMask)
	if n := l.base.kindLen(k); i >= n {
		return i - n
	}
	return i
}

// entry resolves an ID of the layer.
func (l *layer) entry(id ID) Entry {
	k := kind(id >> idShift)
	if k >= numKinds {
		return Entry{}
	}
	return l.entrySet(id).Entry(k.id(l.index(id)))
}

// kindLen is the number of live entries of kind k.
func (l *layer) kindLen(k kind) int {
	return l.base.kindLen(k) - l.ndead[k] + l.over.kindLen(k)
}

// bytes estimates what the layer holds besides its two Snapshots.
func (l *layer) bytes() int {
	n := 0
	for _, d := range l.dead {
		n += 8 * cap(d)
	}
	for _, c := range l.claims {
		n += 96 + len(c.Value) + len(c.Provenance.Ref)
	}
	return n
}

// indicatorKey is an indicator's type and value as the Builder merges them: addresses
// and networks parsed, digests regardless of hex case.
type indicatorKey struct {
	k kind
	a u128         // addresses; IPv4 in the low 32 bits
	p netip.Prefix // networks
	s string       // strings and digests (lower-case hex)
}

// indicatorKeyOf returns the key of an indicator, false when Add would reject it.
func indicatorKeyOf(t vigil.IndicatorType, v string) (indicatorKey, bool) {
	k, ok := kindOf(t)
	if !ok {
		return indicatorKey{}, false
	}
	switch {
	case k == kIPv4 || k == kIPv6:
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" {
			return indicatorKey{}, false
		}
		if a = a.Unmap(); a.Is4() {
			b := a.As4()
			return indicatorKey{k: kIPv4, a: u128{lo: uint64(binary.BigEndian.Uint32(b[:]))}}, true
		}
		return indicatorKey{k: kIPv6, a: u128From(a)}, true
	case k == kCIDR:
		p, err := netip.ParsePrefix(v)
		return indicatorKey{k: k, p: p.Masked()}, err == nil
	case k.hashSize() > 0:
		var buf [64]byte
		if len(v) != 2*k.hashSize() || !decodeHex(buf[:k.hashSize()], v) {
			return indicatorKey{}, false
		}
		return indicatorKey{k: k, s: strings.ToLower(v)}, true
	}
	return indicatorKey{k: k, s: v}, v != ""
}

// find returns the index of the entry of a compiled Snapshot with key k.
func (s *Snapshot) find(k indicatorKey) (int, bool) {
	switch k.k {
	case kIPv4:
		return slices.BinarySearch(s.v4.addrs, uint32(k.a.lo))
	case kIPv6:
		return s.v6.find(k.a)
	case kCIDR:
		return slices.BinarySearchFunc(s.nets.prefixes, k.p, netip.Prefix.Compare)
	}
	if h := s.hashSet(k.k); h != nil {
		var buf [64]byte
		d := buf[:h.size]
		if h.len() == 0 || !decodeHex(d, k.s) {
			return 0, false
		}
		return h.search(binary.BigEndian.Uint64(d), d)
	}
	return s.strSet(k.k).find(k.s)
}
