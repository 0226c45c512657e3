package match

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/vigil-health/vigil"
)

// claim is one source's claim on an indicator: an interned provenance and the claim's own Ref.
type claim struct {
	prov uint32 // index into the provenance table
	ref  uint32 // offset of the Ref in the ref arena; 0 is the empty Ref
}

// sources holds the provenance of every entry. Entry i of kind k has the claims
// claims[k][starts[k][i]:starts[k][i+1]], in the order they were added.
type sources struct {
	starts [numKinds][]uint32
	claims [numKinds][]claim
	provs  []vigil.Provenance // distinct apart from Ref, which is always empty here
	refs   refArena
}

// provenance materialises the provenance of entry i of kind k, copying what a caller
// could change so that the snapshot stays immutable.
func (s *sources) provenance(k kind, i int) []vigil.Provenance {
	st := s.starts[k]
	cs := s.claims[k][st[i]:st[i+1]]
	out := make([]vigil.Provenance, len(cs))
	for j, c := range cs {
		out[j] = s.provs[c.prov]
		out[j].Labels = slices.Clone(out[j].Labels)
		out[j].Ref = string(s.refs.get(c.ref))
	}
	return out
}

// bytes estimates the heap the provenance holds.
func (s *sources) bytes() int {
	n := s.refs.bytes()
	for k := range numKinds {
		n += 4*cap(s.starts[k]) + int(unsafe.Sizeof(claim{}))*cap(s.claims[k])
	}
	n += int(unsafe.Sizeof(vigil.Provenance{})) * cap(s.provs)
	for i := range s.provs {
		n += len(s.provs[i].Source) + 16*len(s.provs[i].Labels)
		for _, l := range s.provs[i].Labels {
			n += len(l)
		}
	}
	return n
}

// refArena stores Refs in an arena. A Ref is named by its offset; offset 0 holds the
// empty Ref.
type refArena struct{ arena }

// add stores ref and returns its offset. It stores "" (offset 0) when the arena is
// full: past 4 GiB of Refs, a Ref is the first thing to give up.
func (a *refArena) add(ref string) uint32 {
	if len(a.chunks) == 0 {
		a.arena.add("") // offset 0
	}
	if ref == "" {
		return 0
	}
	off, _ := a.arena.add(ref)
	return off
}

// provTable interns provenance, ignoring Ref: a feed's indicators nearly all share one
// provenance, so each claim then costs an index instead of a copy.
type provTable struct {
	provs  []vigil.Provenance
	index  map[provKey]uint32
	recent [8]uint32 // 1 + the index of recently used provenances, tried before the map; 0 when empty
	next   int       // the slot of recent to replace next
}

// provKey is the comparable form of a Provenance without its Ref. Labels are joined
// with NUL; intern confirms every map hit, so a label containing NUL cannot merge two
// different provenances.
type provKey struct {
	source, publisher                          string
	tlp                                        vigil.TLP
	reliability, credibility                   uint8
	confidence                                 int
	validFrom, validUntil, firstSeen, lastSeen time.Time
	nlabels                                    int
	labels                                     string
}

// intern returns the index of p's provenance, ignoring Ref, adding it if new.
func (t *provTable) intern(p *vigil.Provenance) uint32 {
	for _, r := range t.recent {
		if r > 0 && sameProv(&t.provs[r-1], p) {
			return r - 1
		}
	}
	key := keyOf(p)
	i, ok := t.index[key]
	if !ok || !sameProv(&t.provs[i], p) {
		i = uint32(len(t.provs))
		t.provs = append(t.provs, ownCopy(p))
		if t.index == nil {
			t.index = map[provKey]uint32{}
		}
		if !ok {
			t.index[keyOf(&t.provs[i])] = i // the key of the copy: Add keeps nothing of p
		}
	}
	t.recent[t.next] = i + 1
	t.next = (t.next + 1) % len(t.recent)
	return i
}

// ownCopy returns p without its Ref, its strings copied: once per distinct provenance,
// so that the Builder keeps no part of a caller's indicator.
func ownCopy(p *vigil.Provenance) vigil.Provenance {
	q := *p
	q.Ref, q.Source, q.Publisher = "", strings.Clone(p.Source), strings.Clone(p.Publisher)
	q.Labels = slices.Clone(p.Labels)
	for i, l := range q.Labels {
		q.Labels[i] = strings.Clone(l)
	}
	return q
}

// keyOf returns the map key of p.
func keyOf(p *vigil.Provenance) provKey {
	k := provKey{
		source: p.Source, publisher: p.Publisher, tlp: p.TLP, reliability: p.Reliability, credibility: p.Credibility,
		confidence: p.Confidence, validFrom: p.ValidFrom, validUntil: p.ValidUntil,
		firstSeen: p.FirstSeen, lastSeen: p.LastSeen, nlabels: len(p.Labels),
	}
	switch len(p.Labels) {
	case 0:
	case 1:
		k.labels = p.Labels[0]
	default:
		var b bytes.Buffer
		for _, l := range p.Labels {
			b.WriteString(l)
			b.WriteByte(0)
		}
		k.labels = b.String()
	}
	return k
}

// sameProv reports whether a and b are the same provenance apart from Ref.
func sameProv(a, b *vigil.Provenance) bool {
	return a.Source == b.Source && a.Publisher == b.Publisher && a.TLP == b.TLP && a.Reliability == b.Reliability &&
		a.Credibility == b.Credibility && a.Confidence == b.Confidence &&
		a.ValidFrom == b.ValidFrom && a.ValidUntil == b.ValidUntil &&
		a.FirstSeen == b.FirstSeen && a.LastSeen == b.LastSeen && slices.Equal(a.Labels, b.Labels)
}
