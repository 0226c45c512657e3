// Package feedstest serves sources for tests of pulls: a source that holds each request
// until the test lets it through, to catch two pulls of one source running together.
package feedstest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Held serves body at URL, holding each request until the test lets one through (Let),
// the client gives up, or 5 s pass (then it answers 503, so that a pull the test never
// lets through still ends). It counts the requests, and the most at once.
type Held struct {
	// URL is where the source is served.
	URL string

	body    []byte
	pass    chan struct{}
	started chan struct{} // one value per request
	mu      sync.Mutex
	now     int
	most    int
	total   int
}

// maxHold is how long a request is held at most.
const maxHold = 5 * time.Second

// NewHeld serves body at path on a new local server, closed when the test ends.
func NewHeld(t testing.TB, path string, body []byte) *Held {
	h := &Held{body: body, pass: make(chan struct{}), started: make(chan struct{}, 16)}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	h.URL = srv.URL + path
	return h
}

// ServeHTTP holds the request, then answers it.
func (h *Held) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.now++
	h.total++
	h.most = max(h.most, h.now)
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.now--
		h.mu.Unlock()
	}()
	h.started <- struct{}{}
	select {
	case <-h.pass:
		_, _ = w.Write(h.body)
	case <-r.Context().Done():
	case <-time.After(maxHold):
		http.Error(w, "held too long", http.StatusServiceUnavailable)
	}
}

// Counts returns the requests answered or under way, and the most at once.
func (h *Held) Counts() (total, most int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total, h.most
}

// AwaitRequest waits for the next request to reach the source.
func (h *Held) AwaitRequest(t testing.TB) {
	t.Helper()
	select {
	case <-h.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no pull reached the source within 10 s")
	}
}

// Let lets a request waiting at the source through.
func (h *Held) Let(t testing.TB) {
	t.Helper()
	select {
	case h.pass <- struct{}{}:
	case <-time.After(10 * time.Second):
		t.Fatal("no request waited at the source for 10 s")
	}
}
