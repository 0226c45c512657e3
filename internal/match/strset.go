package match

import (
	"hash/maphash"
	"math/bits"
	"strings"
)

// strSet holds the string indicators of one type (domain, url, email, filename). The
// values are packed into the chunks of the Builder's arena (each after its uvarint
// length), entry i being the value at offset offs[i], and found
// through an open-addressing table keyed by a seeded hash of the value: 4 bytes a slot
// at most 3/4 full, where a map[string]ID costs some 40 bytes an entry, and one
// allocation for all the bytes, none per value. A slot holds 1 + the entry's number in
// its low bits (as few as the set needs: idx) and the top bits of its value's hash in
// the others, so that a probe compares values only when those agree: for a million
// values 12 bits, a needless comparison one probe in 4,096 (8-byte slots holding 32
// bits of hash took twice the memory, some 7 bytes a value more). The hash is seeded per set so that values chosen to collide cannot pile up in
// one run of slots.
type strSet struct {
	chunks []string // a frozen arena: see getString
	offs   []uint32 // entry i's offset in chunks
	slots  []uint32 // the hash's top bits outside idx | 1 + the entry's index; 0 for an empty slot; len a power of two
	idx    uint32   // the mask of the low idxBits bits of a slot
	seed   maphash.Seed
	k      kind

	// minLabels and maxLabels bound the label count of domain indicators, so that the
	// suffix walk skips names too long or too short to be listed.
	minLabels, maxLabels int
}

// newStrSet indexes distinct values, entry i being the value at offset offs[i] of the
// frozen arena chunks; offs is not empty.
func newStrSet(k kind, chunks []string, offs []uint32) strSet {
	n := len(offs)
	s := strSet{k: k, chunks: chunks, offs: offs}
	s.seed = maphash.MakeSeed()
	s.slots = make([]uint32, 1<<bits.Len(uint(n+n/3)))
	s.idx = 1<<bits.Len(uint(n)) - 1
	mask := uint64(len(s.slots) - 1)
	s.minLabels, s.maxLabels = 1<<30, 0
	for i := range n {
		v := s.value(i)
		h := maphash.String(s.seed, v)
		j := h & mask
		for s.slots[j] != 0 {
			j = (j + 1) & mask
		}
		s.slots[j] = uint32(h>>32)&^s.idx | uint32(i+1)
		if k == kDomain {
			s.noteLabels(strings.Count(v, ".") + 1)
		}
	}
	return s
}

// find returns the index of value v, if listed.
func (s *strSet) find(v string) (int, bool) {
	if len(s.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(s.slots) - 1)
	h := maphash.String(s.seed, v)
	tag := uint32(h>>32) &^ s.idx
	for j := h & mask; s.slots[j] != 0; j = (j + 1) & mask {
		if e := s.slots[j]; e&^s.idx == tag {
			if i := int(e&s.idx - 1); s.value(i) == v {
				return i, true
			}
		}
	}
	return 0, false
}

// noteLabels widens the label-count bounds to include n.
func (s *strSet) noteLabels(n int) {
	s.minLabels = min(s.minLabels, n)
	s.maxLabels = max(s.maxLabels, n)
}

// len returns the number of values.
func (s *strSet) len() int { return len(s.offs) }

// value returns entry i.
func (s *strSet) value(i int) string { return getString(s.chunks, s.offs[i]) }

// lookupExact appends the ID of v, if listed.
func (s *strSet) lookupExact(v string, dst []ID) []ID {
	if i, ok := s.find(v); ok {
		dst = append(dst, s.k.id(i))
	}
	return dst
}

// lookupDomain appends the IDs of name and of every parent domain listed, most
// specific first. It walks the name's suffixes at label boundaries, one map lookup
// each, skipping suffixes with more or fewer labels than any listed domain.
func (s *strSet) lookupDomain(name string, dst []ID) []ID {
	if len(s.slots) == 0 || name == "" {
		return dst
	}
	labels := strings.Count(name, ".") + 1
	for suffix := name; labels >= s.minLabels; labels-- {
		if labels <= s.maxLabels {
			if i, ok := s.find(suffix); ok {
				dst = append(dst, s.k.id(i))
			}
		}
		i := strings.IndexByte(suffix, '.')
		if i < 0 {
			break
		}
		suffix = suffix[i+1:]
	}
	return dst
}

// bytes returns the heap the set holds.
func (s *strSet) bytes() int {
	n := 16*cap(s.chunks) + 4*cap(s.offs) + 4*cap(s.slots)
	for _, c := range s.chunks {
		n += len(c)
	}
	return n
}
