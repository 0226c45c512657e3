package threatintel

import (
	"context"
	"sync"
)

// runningPulls are the feed pulls under way on this server, so that deleting a feed
// stops its pull at once rather than at the pull's next batch. The zero value is ready.
type runningPulls struct {
	mu    sync.Mutex
	pulls map[int64]map[*context.CancelCauseFunc]struct{} // feed id → the pulls' cancels
}

// track returns ctx for a pull of feed id, cancelled by stop(id, …), and done, which
// the pull calls when it ends.
func (r *runningPulls) track(ctx context.Context, id int64) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pulls == nil {
		r.pulls = map[int64]map[*context.CancelCauseFunc]struct{}{}
	}
	if r.pulls[id] == nil {
		r.pulls[id] = map[*context.CancelCauseFunc]struct{}{}
	}
	r.pulls[id][&cancel] = struct{}{}
	return ctx, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if delete(r.pulls[id], &cancel); len(r.pulls[id]) == 0 {
			delete(r.pulls, id)
		}
		cancel(nil)
	}
}

// stop cancels the pulls of feed id under way here, with cause as their context's cause.
func (r *runningPulls) stop(id int64, cause error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for cancel := range r.pulls[id] {
		(*cancel)(cause)
	}
}
