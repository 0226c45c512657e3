package match

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// arena holds byte strings back to back in chunks, each after its uvarint length, and
// names each by a 32-bit offset: the chunk's number in the top bits, the position in
// the chunk in the low chunkBits. Chunks rather than one string each spare an
// allocation and a 16-byte header a value and let the garbage collector skip the
// bytes; chunks rather than one growing slice spare copying it as it grows and the
// unused half a doubling leaves. They grow from 1 KiB, so that a small Builder (an
// Apply's) stays small, to 1 MiB, or to one value's size past that.
type arena struct {
	chunks [][]byte
	size   int // bytes of all the values, lengths apart
}

// chunkBits is the number of offset bits a position in a chunk takes.
const chunkBits = 20

// add copies v into the arena and returns its offset, or false when the arena has no
// room left: past about 4 GiB.
func (a *arena) add(v string) (uint32, bool) {
	need := binary.MaxVarintLen64 + len(v)
	n := len(a.chunks)
	if n == 0 || len(a.chunks[n-1]) >= 1<<chunkBits || cap(a.chunks[n-1])-len(a.chunks[n-1]) < need {
		if n == 1<<(32-chunkBits) || len(v) > math.MaxUint32 {
			return 0, false
		}
		size := 1 << 10
		if n > 0 {
			size = min(2*cap(a.chunks[n-1]), 1<<chunkBits)
		}
		a.chunks = append(a.chunks, make([]byte, 0, max(size, need)))
		n++
	}
	c := &a.chunks[n-1]
	off := uint32(n-1)<<chunkBits | uint32(len(*c))
	*c = binary.AppendUvarint(*c, uint64(len(v)))
	*c = append(*c, v...)
	a.size += len(v)
	return off, true
}

// get returns the value at offset off, sharing the arena's bytes.
func (a *arena) get(off uint32) []byte {
	c := a.chunks[off>>chunkBits][off&(1<<chunkBits-1):]
	n, w := binary.Uvarint(c)
	return c[w : w+int(n)]
}

// bytes returns the heap the arena holds.
func (a *arena) bytes() int {
	n := 24 * cap(a.chunks)
	for _, c := range a.chunks {
		n += cap(c)
	}
	return n
}

// frozen returns the arena's chunks as strings, sharing their bytes: the arena must not
// be added to again (Build drops the Builder's).
func (a *arena) frozen() []string {
	out := make([]string, len(a.chunks))
	for i, c := range a.chunks {
		if len(c) > 0 {
			out[i] = unsafe.String(&c[0], len(c)) //nolint:gosec // read-only from here on: the arena is never added to again
		}
	}
	return out
}

// getString returns the value at offset off of a frozen arena.
func getString(chunks []string, off uint32) string {
	c := chunks[off>>chunkBits][off&(1<<chunkBits-1):]
	if n := c[0]; n < 0x80 { // the common case: shorter than 128 bytes
		return c[1 : 1+int(n)]
	}
	var n uint64
	w := 0
	for shift := 0; ; shift += 7 {
		b := c[w]
		w++
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	return c[w : w+int(n)]
}
