package match

import (
	"hash/maphash"
	"math/bits"
	"strings"
)

// strSet holds the string indicators of one type (domain, url, email, filename). The
// values are packed into one string, entry i being arena[offs[i]:offs[i+1]], and found
// through an open-addressing table keyed by a seeded hash of the value: 8 bytes a slot
// at most 3/4 full, where a map[string]ID costs some 40 bytes an entry, and one
// allocation for all the bytes, none per value. A slot holds the entry's number and the
// top half of its value's hash, so that a probe compares values only when the halves
// agree. The hash is seeded per set so that values chosen to collide cannot pile up in
// one run of slots.
type strSet struct {
	arena string
	offs  []uint32 // len n+1 when n > 0
	slots []uint64 // hash>>32<<32 | 1 + the entry's index; 0 for an empty slot; len a power of two
	seed  maphash.Seed
	k     kind

	// minLabels and maxLabels bound the label count of domain indicators, so that the
	// suffix walk skips names too long or too short to be listed.
	minLabels, maxLabels int
}

// newStrSet indexes distinct values, entry i being arena[offs[i]:offs[i+1]]; offs
// has one more element than there are values, at least two.
func newStrSet(k kind, arena string, offs []uint32) strSet {
	n := len(offs) - 1
	s := strSet{k: k, arena: arena, offs: offs}
	s.seed = maphash.MakeSeed()
	s.slots = make([]uint64, 1<<bits.Len(uint(n+n/3)))
	mask := uint64(len(s.slots) - 1)
	s.minLabels, s.maxLabels = 1<<30, 0
	for i := range n {
		v := s.value(i)
		h := maphash.String(s.seed, v)
		j := h & mask
		for s.slots[j] != 0 {
			j = (j + 1) & mask
		}
		s.slots[j] = h>>32<<32 | uint64(i+1)
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
	for j := h & mask; s.slots[j] != 0; j = (j + 1) & mask {
		if e := s.slots[j]; e>>32 == h>>32 {
			if i := int(uint32(e) - 1); s.value(i) == v {
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
func (s *strSet) len() int { return max(len(s.offs)-1, 0) }

// value returns entry i.
func (s *strSet) value(i int) string { return s.arena[s.offs[i]:s.offs[i+1]] }

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
	return len(s.arena) + 4*cap(s.offs) + 8*cap(s.slots)
}
