package match

import "sync/atomic"

// Holder holds the current Snapshot for concurrent readers and lets a writer replace
// it at any time. Readers call Load once per unit of work (an event, a batch) and use
// that Snapshot throughout, so a swap never splits one unit between two snapshots.
// The zero Holder is ready to use and holds an empty Snapshot.
type Holder struct {
	p atomic.Pointer[Snapshot]
}

// emptySnapshot is what a Holder holds before its first Store. It is never modified.
var emptySnapshot = new(Snapshot)

// Load returns the current Snapshot, never nil. It does not lock.
func (h *Holder) Load() *Snapshot {
	if s := h.p.Load(); s != nil {
		return s
	}
	return emptySnapshot
}

// Store makes s the current Snapshot; nil stores an empty one. Readers holding the
// previous Snapshot keep using it until they Load again; the garbage collector frees
// it after the last of them lets go.
func (h *Holder) Store(s *Snapshot) {
	if s == nil {
		s = emptySnapshot
	}
	h.p.Store(s)
}
