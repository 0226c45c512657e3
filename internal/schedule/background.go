package schedule

import (
	"context"
	"sync"
	"time"
)

// Background is the work a server runs after the request that asked for it has ended
// (an import job, a pull someone asked for), so that a server that stops cancels it and
// waits until it has recorded how it ended before the store closes. The zero value is
// empty and ready.
type Background struct {
	mu       sync.Mutex
	wg       sync.WaitGroup
	stopping bool
	ctx      context.Context // ends when the server stops; made on first use
	cancel   context.CancelFunc
}

// Start runs fn in the background under a context that keeps parent's values but ends
// only when the server stops; false, without running it, once the server is stopping.
func (b *Background) Start(parent context.Context, fn func(context.Context)) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopping {
		return false
	}
	b.init()
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	unlink := context.AfterFunc(b.ctx, cancel)
	b.wg.Go(func() {
		defer cancel()
		defer unlink()
		fn(ctx)
	})
	return true
}

// Stop cancels the work, refuses more and waits for what runs to end.
func (b *Background) Stop() {
	b.mu.Lock()
	b.stopping = true
	b.init()
	b.cancel()
	b.mu.Unlock()
	b.wg.Wait()
}

// Wait waits for what runs to end, leaving it to run: tests call it.
func (b *Background) Wait() { b.wg.Wait() }

// init makes the context that ends when the server stops; b.mu is held.
func (b *Background) init() {
	if b.ctx == nil {
		b.ctx, b.cancel = context.WithCancel(context.Background())
	}
}

// WaitAtMost waits for wg, or d; it reports whether wg was done. A server that stops
// waits so for work it cannot wait on for ever, then goes on without it.
func WaitAtMost(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}
