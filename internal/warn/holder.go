package warn

import "sync/atomic"

// Holder publishes the current Router to concurrent readers. Build a new Router off to the
// side and Store it; readers that Load see the old or the new one, whole. The zero Holder
// is ready to use and holds a Router with no claims.
type Holder struct {
	p atomic.Pointer[Router]
}

// empty is what a Holder holds before the first Store. A Router never changes, so one
// shared empty Router is safe.
var empty = &Router{}

// NewHolder returns a Holder holding r; a nil r means a Router with no claims.
func NewHolder(r *Router) *Holder {
	h := &Holder{}
	h.Store(r)
	return h
}

// Load returns the current Router. It is never nil.
func (h *Holder) Load() *Router {
	if r := h.p.Load(); r != nil {
		return r
	}
	return empty
}

// Store makes r the current Router; a nil r means a Router with no claims.
func (h *Holder) Store(r *Router) {
	if r == nil {
		r = empty
	}
	h.p.Store(r)
}

// Swap makes r the current Router, like Store, and returns the one it replaced.
func (h *Holder) Swap(r *Router) *Router {
	if r == nil {
		r = empty
	}
	if old := h.p.Swap(r); old != nil {
		return old
	}
	return empty
}
