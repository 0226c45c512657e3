// Package schedule is the shape every service's background work shares: a pass run
// every so often until the server stops, by one server of several when given a lease,
// and a pass that acts on each due item on its own, so that one item's failure does
// not hold up the rest.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Once runs fn as the scheduled job named job when this server wins the job's lease
// (cluster.Service.Once) and reports whether it ran it. every is how often the job
// comes round; a lease lasts about that long.
type Once func(ctx context.Context, job string, every time.Duration, fn func(context.Context)) bool

// Here is the Once of a server on its own: it always runs fn.
func Here(ctx context.Context, _ string, _ time.Duration, fn func(context.Context)) bool {
	fn(ctx)
	return true
}

// OrHere returns once, or Here when once is nil.
func OrHere(once Once) Once {
	if once == nil {
		return Here
	}
	return once
}

// Sleep waits for d, or returns false when ctx ends first; a d of zero or less does not
// wait. Loops take it as a parameter so that tests can drive them with a fake clock.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Every runs pass as job, under once, then waits every with sleep, until ctx ends or
// sleep says stop.
func Every(ctx context.Context, once Once, job string, every time.Duration, sleep func(context.Context, time.Duration) bool, pass func(context.Context)) {
	for {
		once(ctx, job, every, pass)
		if !sleep(ctx, every) {
			return
		}
	}
}

// Each runs act on each item, counting those it acted on (act returns false for one
// dealt with meanwhile, by another server say). An item act fails on is named in the
// joined error by what; the rest are still acted on. It stops early when ctx ends.
func Each[T any](ctx context.Context, items []T, what func(T) string, act func(context.Context, T) (bool, error)) (int, error) {
	n := 0
	var errs []error
	for _, it := range items {
		if ctx.Err() != nil {
			return n, errors.Join(append(errs, ctx.Err())...)
		}
		done, err := act(ctx, it)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what(it), err))
		} else if done {
			n++
		}
	}
	return n, errors.Join(errs...)
}
