package store_test

import (
	"sync"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

// clock is a settable clock for a store under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// fakeClock sets s's clock to a fixed time and returns it.
func fakeClock(s *store.Store) *clock {
	c := &clock{t: time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)}
	s.SetNow(c.now)
	return c
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
