package reports

import (
	"context"
	"slices"
	"sync"

	"github.com/vigil-health/vigil/internal/store"
)

// flights runs one build per key at a time: a request asking for what is being built
// waits for that build instead of starting its own, so eight people opening the same
// report cost one report.
type flights[K comparable, V any] struct {
	mu      sync.Mutex
	running map[K]*flight[V]
}

// flight is one build in progress; done is closed when v and err are set.
type flight[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// do returns build's result for key, joining the build in progress if there is one. The
// build runs without the caller's cancellation, since others may be waiting for it; a
// caller whose context ends stops waiting.
func (f *flights[K, V]) do(ctx context.Context, key K, build func(context.Context) (V, error)) (V, error) {
	f.mu.Lock()
	fl, ok := f.running[key]
	if !ok {
		fl = &flight[V]{done: make(chan struct{})}
		if f.running == nil {
			f.running = map[K]*flight[V]{}
		}
		f.running[key] = fl
		go f.run(context.WithoutCancel(ctx), key, fl, build)
	}
	f.mu.Unlock()
	select {
	case <-fl.done:
		return fl.v, fl.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

func (f *flights[K, V]) run(ctx context.Context, key K, fl *flight[V], build func(context.Context) (V, error)) {
	defer close(fl.done)
	defer func() {
		f.mu.Lock()
		delete(f.running, key)
		f.mu.Unlock()
	}()
	fl.v, fl.err = build(ctx)
}

// receiptsCache keeps the store's indicator receipts (store.IndicatorReceipts) for the
// intelligence's change count (store.Versions.Intel): every write of a claim counts a
// change in the same transaction, so while the count stands the tally is the claims'.
// Reading all the claims costs a second or more at a million indicators; with the cache
// it is paid once per change of the intelligence, whatever period and however many
// people ask, and each report then counts its period from a few hundred rows.
type receiptsCache struct {
	mu      sync.Mutex
	st      *store.Store
	version int64
	kept    store.IndicatorReceipts
	builds  flights[receiptsKey, store.IndicatorReceipts]
}

// receiptsKey names one tally: the store's and the change count it was read at.
type receiptsKey struct {
	st      *store.Store
	version int64
}

// get returns the receipts as of the store's current intelligence.
func (c *receiptsCache) get(ctx context.Context, st *store.Store) (store.IndicatorReceipts, error) {
	v, err := st.Versions(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.st == st && c.version == v.Intel && c.kept != nil {
		kept := c.kept
		c.mu.Unlock()
		return kept, nil
	}
	c.mu.Unlock()
	key := receiptsKey{st, v.Intel}
	return c.builds.do(ctx, key, func(ctx context.Context) (store.IndicatorReceipts, error) {
		rs, err := st.IndicatorReceipts(ctx)
		if err != nil {
			return nil, err
		}
		if rs == nil {
			rs = store.IndicatorReceipts{} // kept: an empty store's tally is a tally too
		}
		c.keep(key, rs)
		return rs, nil
	})
}

// keep holds rs unless a tally read at a later change is held already.
func (c *receiptsCache) keep(key receiptsKey, rs store.IndicatorReceipts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st == key.st && c.version > key.version {
		return
	}
	c.st, c.version, c.kept = key.st, key.version, rs
}

// shared copies a report built once for several callers, down to the slices a caller
// may change (the golden test truncates timings in place), so that none sees another's
// changes; the published tables' cells stay shared and are only read.
func shared(r Report) Report {
	r.Sections = slices.Clone(r.Sections)
	for i := range r.Sections {
		s := &r.Sections[i]
		s.Figures, s.Tables, s.Timings = slices.Clone(s.Figures), slices.Clone(s.Tables), slices.Clone(s.Timings)
	}
	return r
}

// buildMemo holds what several sections of one report read alike: the organisations
// registered by the period's end, which the alerts, reach, incidents and vulnerabilities
// sections each break down by (a scan of every organisation, some 10 ms at 10,000 on
// SQLite, read once a report instead of four times).
type buildMemo struct {
	once       sync.Once
	registered []store.OrgTally
	err        error
}

type buildMemoKey struct{}

// withBuildMemo gives the sections built with ctx one memo.
func withBuildMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, buildMemoKey{}, &buildMemo{})
}

// orgsRegistered is st.OrgsRegistered(ctx, per.End()), read once for the report being
// built with ctx (a section built alone reads it itself). Callers only read the tallies.
func orgsRegistered(ctx context.Context, st *store.Store, per Period) ([]store.OrgTally, error) {
	m, ok := ctx.Value(buildMemoKey{}).(*buildMemo)
	if !ok {
		return st.OrgsRegistered(ctx, per.End())
	}
	m.once.Do(func() { m.registered, m.err = st.OrgsRegistered(ctx, per.End()) })
	return m.registered, m.err
}
