package storetest

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// Concurrently runs n writers at once and fails the test for any that failed: the
// shape of the tests that concurrent uploads do not deadlock or lose rows on either engine.
func Concurrently(t *testing.T, n int, write func(i int) error) {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = write(i) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
}

// Shuffled returns lines in an order of their own for writer i, the same on every run,
// so that concurrent writers touch the same keys in different orders.
func Shuffled(lines []string, i int) []string {
	out := append([]string(nil), lines...)
	r := rand.New(rand.NewPCG(uint64(i), 7))
	r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}
