package match

import (
	"fmt"
	"math"
	"strings"
)

// strSet holds the string indicators of one type (domain, url, email, filename). The
// values are packed into one string, entry i being arena[offs[i]:offs[i+1]], and the
// map keys are substrings of that arena: one allocation for all the bytes, none per value.
type strSet struct {
	arena string
	offs  []uint32 // len n+1 when n > 0
	index map[string]ID

	// minLabels and maxLabels bound the label count of domain indicators, so that the
	// suffix walk skips names too long or too short to be listed.
	minLabels, maxLabels int
}

// newStrSet indexes values, which must be distinct.
func newStrSet(k kind, values []hashedString) strSet {
	var s strSet
	if len(values) == 0 {
		return s
	}
	var b strings.Builder
	n := 0
	for _, v := range values {
		n += len(v.s)
	}
	if n > math.MaxUint32 {
		panic(fmt.Sprintf("match: %d bytes of %s values, more than 32-bit offsets reach", n, k.indicatorType()))
	}
	b.Grow(n)
	s.offs = make([]uint32, 0, len(values)+1)
	for _, v := range values {
		s.offs = append(s.offs, uint32(b.Len()))
		b.WriteString(v.s)
	}
	s.offs = append(s.offs, uint32(b.Len()))
	s.arena = b.String()
	s.index = make(map[string]ID, len(values))
	s.minLabels, s.maxLabels = 1<<30, 0
	for i := range values {
		v := s.value(i)
		s.index[v] = k.id(i)
		if k == kDomain {
			s.noteLabels(strings.Count(v, ".") + 1)
		}
	}
	return s
}

// noteLabels widens the label-count bounds to include n.
func (s *strSet) noteLabels(n int) {
	s.minLabels = min(s.minLabels, n)
	s.maxLabels = max(s.maxLabels, n)
}

// len returns the number of values.
func (s *strSet) len() int { return len(s.index) }

// value returns entry i.
func (s *strSet) value(i int) string { return s.arena[s.offs[i]:s.offs[i+1]] }

// lookupExact appends the ID of v, if listed.
func (s *strSet) lookupExact(v string, dst []ID) []ID {
	if id, ok := s.index[v]; ok {
		dst = append(dst, id)
	}
	return dst
}

// lookupDomain appends the IDs of name and of every parent domain listed, most
// specific first. It walks the name's suffixes at label boundaries, one map lookup
// each, skipping suffixes with more or fewer labels than any listed domain.
func (s *strSet) lookupDomain(name string, dst []ID) []ID {
	if len(s.index) == 0 || name == "" {
		return dst
	}
	labels := strings.Count(name, ".") + 1
	for suffix := name; labels >= s.minLabels; labels-- {
		if labels <= s.maxLabels {
			if id, ok := s.index[suffix]; ok {
				dst = append(dst, id)
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

// bytes estimates the heap the set holds.
func (s *strSet) bytes() int {
	const slot = 16 + 4 + 4 // string header, ID, padding
	return len(s.arena) + 4*cap(s.offs) + mapBytes(len(s.index), slot)
}

// mapBytes estimates the size of a Go map of n entries made with size hint n: slots
// of slotSize bytes plus a control byte each, at the load factor the runtime's
// swiss tables settle at for that hint (between 7/16 and 7/8).
func mapBytes(n, slotSize int) int {
	if n == 0 {
		return 0
	}
	const maxTable = 1024
	want := n * 8 / 7
	tables := 1
	for tables*maxTable < want {
		tables *= 2
	}
	per := 8
	for per*tables < want {
		per *= 2
	}
	return tables * per * (slotSize + 1)
}
