package match

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/vigil-health/vigil"
)

// claim is one source's claim on an indicator: an interned provenance and the claim's own Ref.
type claim struct {
	prov uint32 // index into the provenance table
	ref  uint32 // the Ref's handle in the ref arena (refArena); 0 is the empty Ref
}

// sources holds the provenance of every entry. The claims of kind k's entries are
// claims[k], entry by entry in entry order, each entry's in the order they were added;
// many[k] finds where an entry's claims start. Nearly every entry has one claim, so
// that is what many[k] takes for granted: it lists only the others (8 bytes each, where
// a start offset an entry took 4 bytes for every entry).
type sources struct {
	claims [numKinds]claimList
	many   [numKinds]manyClaims
	provs  []vigil.Provenance // distinct apart from Ref, which is always empty here
	refs   refArena
}

// claimList is the claims of one kind's entries, in entry order, in one slice for each
// part of the Builder's pending values that held any, as Build merged them: it never
// holds a kind's claims whole beside the values it has not compiled yet (8 bytes an
// indicator, 14 MB of a 2M-line feed's rebuild). An entry's claims are all in one part.
type claimList struct {
	parts [][]claim
	ends  []uint32 // ends[i]: the claims in parts[0] to parts[i] together
}

// add appends the claims of the next part, if any.
func (l *claimList) add(cs []claim) {
	if len(cs) == 0 {
		return
	}
	end := uint32(len(cs))
	if len(l.ends) > 0 {
		end += l.ends[len(l.ends)-1]
	}
	l.parts, l.ends = append(l.parts, cs), append(l.ends, end)
}

// slice returns claims start to end, which lie in one part.
func (l *claimList) slice(start, end int) []claim {
	i, found := slices.BinarySearch(l.ends, uint32(start))
	if found { // start is where part i ends: it is the first claim of part i+1
		i++
	}
	first := 0
	if i > 0 {
		first = int(l.ends[i-1])
	}
	return l.parts[i][start-first : end-first]
}

// bytes returns the heap the list holds.
func (l *claimList) bytes() int {
	n := 24*cap(l.parts) + 4*cap(l.ends)
	for _, cs := range l.parts {
		n += int(unsafe.Sizeof(claim{})) * cap(cs)
	}
	return n
}

// manyClaims lists the entries of a kind with more than one claim: entries their
// indexes, ascending, and extra[j] the claims beyond one of entries[0] to entries[j]
// together. Entry i's claims then start at i plus the extra claims of the listed
// entries before it.
type manyClaims struct {
	entries, extra []uint32
}

// note records that entry i, the next in order, has n claims.
func (m *manyClaims) note(i, n int) {
	if n <= 1 {
		return
	}
	total := uint32(0)
	if len(m.extra) > 0 {
		total = m.extra[len(m.extra)-1]
	}
	m.entries = append(m.entries, uint32(i))
	m.extra = append(m.extra, total+uint32(n-1))
}

// span returns where the claims of entry i start and end.
func (m *manyClaims) span(i int) (start, end int) {
	j, listed := slices.BinarySearch(m.entries, uint32(i))
	if j > 0 {
		start = int(m.extra[j-1])
	}
	start += i
	if !listed {
		return start, start + 1
	}
	return start, i + int(m.extra[j]) + 1
}

// provenance materialises the provenance of entry i of kind k, copying what a caller
// could change so that the snapshot stays immutable.
func (s *sources) provenance(k kind, i int) []vigil.Provenance {
	start, end := s.many[k].span(i)
	cs := s.claims[k].slice(start, end)
	out := make([]vigil.Provenance, len(cs))
	for j, c := range cs {
		out[j] = s.provs[c.prov]
		out[j].Labels = slices.Clone(out[j].Labels)
		out[j].Ref = s.refs.text(c.ref)
	}
	return out
}

// bytes estimates the heap the provenance holds.
func (s *sources) bytes() int {
	n := s.refs.bytes()
	for k := range numKinds {
		n += 4*(cap(s.many[k].entries)+cap(s.many[k].extra)) + s.claims[k].bytes()
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

// refArena stores Refs in an arena. A Ref is named by a 32-bit handle: 0 is the empty
// Ref; with the top bit set, the handle holds the Ref itself when it is a line number,
// "line N" (what the list and CSV parsers give every indicator) or a bare N (the next
// bit says which, N is in the other 30 bits), so that the commonest Refs cost nothing
// beside the claim (they took 2 to 13 bytes of arena); otherwise it is the Ref's offset
// in the arena. A Ref reads the same whichever way it is kept, and one text is always
// kept the same way (only canonical numbers, decimal digits without a leading zero,
// are inline), so two handles of different kinds never name equal Refs.
type refArena struct{ arena }

// The bits of an inline Ref's handle.
const (
	refInline = 1 << 31 // the handle holds a number
	refLine   = 1 << 30 // written "line N"; N alone without it
	refNumber = refLine - 1
)

// add stores ref and returns its handle. It stores "" (0) when the arena is full: past
// 2 GiB of Refs that are not line numbers, a Ref is the first thing to give up.
func (a *refArena) add(ref string) uint32 {
	if ref == "" {
		return 0
	}
	if h, ok := inlineRef(ref); ok {
		return h
	}
	if len(a.chunks) == 0 {
		a.arena.add("") // offset 0: no Ref in the arena has the empty Ref's handle
	}
	off, ok := a.arena.add(ref)
	if !ok || off&refInline != 0 {
		return 0
	}
	return off
}

// text returns the Ref named by handle h.
func (a *refArena) text(h uint32) string {
	switch {
	case h == 0:
		return ""
	case h&(refInline|refLine) == refInline|refLine:
		return "line " + strconv.FormatUint(uint64(h&refNumber), 10)
	case h&refInline != 0:
		return strconv.FormatUint(uint64(h&refNumber), 10)
	}
	return string(a.get(h))
}

// equal reports whether handles x and y name the same Ref.
func (a *refArena) equal(x, y uint32) bool {
	if x == y {
		return true
	}
	if x == 0 || y == 0 || (x|y)&refInline != 0 {
		return false // one text is always kept one way: see refArena
	}
	return bytes.Equal(a.get(x), a.get(y))
}

// inlineRef returns the inline handle of ref when it is "line N" or N, N written
// canonically (decimal digits, no leading zero) and under 2^30.
func inlineRef(ref string) (uint32, bool) {
	h := uint32(refInline)
	if digits, ok := strings.CutPrefix(ref, "line "); ok {
		ref, h = digits, refInline|refLine
	}
	if len(ref) == 0 || len(ref) > 10 || ref[0] == '0' && len(ref) > 1 {
		return 0, false
	}
	var n uint64
	for i := range len(ref) {
		c := ref[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > refNumber {
		return 0, false
	}
	return h | uint32(n), true
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
