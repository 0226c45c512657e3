package threatintel

import (
	"sync"

	"github.com/vigil-health/vigil/internal/match"
)

// heldMatchers knows which matcher version each unit of work in progress matches with,
// so that a server can say when none still uses a version older than a change: only
// then has everything indexed with the old matcher been written, and a retro-hunt of the
// change finds it (see Service.HoldMatcher and OldestMatcherInUse).
type heldMatchers struct {
	mu      sync.Mutex
	version int64         // the version of the current snapshot
	inUse   map[int64]int // version → units of work holding it
}

// hold returns the current snapshot, counted as in use until release is called.
func (h *heldMatchers) hold(cur *match.Holder) (snap *match.Snapshot, release func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.version
	if h.inUse == nil {
		h.inUse = map[int64]int{}
	}
	h.inUse[v]++
	var once sync.Once
	return cur.Load(), func() { once.Do(func() { h.release(v) }) }
}

func (h *heldMatchers) release(v int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.inUse[v]--; h.inUse[v] <= 0 {
		delete(h.inUse, v)
	}
}

// swap makes snap at version the current snapshot: under the lock, so that no hold
// pairs the new snapshot with the old version or the other way round.
func (h *heldMatchers) swap(cur *match.Holder, snap *match.Snapshot, version int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cur.Store(snap)
	h.version = version
}

// versions returns the current version and the oldest one still in use (the current
// one when nothing older is).
func (h *heldMatchers) versions() (current, oldest int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	oldest = h.version
	for v := range h.inUse {
		oldest = min(oldest, v)
	}
	return h.version, oldest
}
