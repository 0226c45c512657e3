package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/schedule"
)

// A server that stops does not wait for uploads still arriving: a client trickling a
// large file would hold the stop for as long as it takes (a curl at 200 KB/s held it
// past the shutdown timeout, and then lost its connection without an answer). When the
// stop begins, every request whose body has not all arrived has it cut: the handler's
// next read fails, and whatever it then answers is replaced by a 503 asking to send the
// request again. A request whose body had all arrived finishes as usual.

// errBodyCut is what a handler reads from a body cut by the stop.
var errBodyCut = errors.New("the server is stopping")

// stopMessage is the answer to a request whose body the stop cut.
const stopMessage = "the server is stopping and did not receive all of this request, so nothing was done with it: send it again in a minute (another server, or this one restarted, will take it)"

// inflight is the requests being served, so that a stop can cut their bodies and wait
// for their handlers to return before the store under them closes.
type inflight struct {
	log      *slog.Logger
	mu       sync.Mutex
	reqs     map[*cuttable]struct{}
	wg       sync.WaitGroup
	stopping bool
}

// track serves a request as one of those in flight: its body may be cut by the stop
// (cutBodies), which then answers it.
func (f *inflight) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &cuttable{ResponseWriter: w, req: r, log: f.log}
		if r.Body == nil || r.Body == http.NoBody {
			c.eof.Store(true) // nothing to cut, and net/http already reads the connection
		} else {
			c.body, r.Body = r.Body, c
		}
		if !f.add(c) {
			c.cut(false) // it came on a connection open when the stop began
		}
		defer f.remove(c)
		next.ServeHTTP(c, r)
	})
}

// add counts c in flight; false when the stop has begun (its body is cut at once).
func (f *inflight) add(c *cuttable) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wg.Add(1)
	if f.reqs == nil {
		f.reqs = map[*cuttable]struct{}{}
	}
	f.reqs[c] = struct{}{}
	return !f.stopping
}

func (f *inflight) remove(c *cuttable) {
	f.mu.Lock()
	delete(f.reqs, c)
	f.mu.Unlock()
	f.wg.Done()
}

// cutBodies begins the stop: the bodies still arriving are cut, now and for requests
// that come later on connections already open.
func (f *inflight) cutBodies() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopping = true
	for c := range f.reqs {
		c.cut(true)
	}
}

// wait waits for the handlers in flight to return, or d; it reports whether they did.
func (f *inflight) wait(d time.Duration) bool { return schedule.WaitAtMost(&f.wg, d) }

// cuttable is a request's body and response as the stop may cut them.
type cuttable struct {
	http.ResponseWriter
	req  *http.Request
	body io.ReadCloser
	eof  atomic.Bool // the body was read to its end: there is nothing left to cut
	stop atomic.Bool // the stop cut the body
	seen atomic.Bool // a read failed for the cut: the handler did not get the whole request
	log  *slog.Logger
	mu   sync.Mutex // guards answered and replaced
	// answered is set once the response began: the 503 when seen, else the handler's.
	answered bool
	replaced bool // the handler's response is dropped for the 503
}

// cut stops the body: the next read fails, and with blocked a read already waiting on
// a slow client returns at once (a read deadline of now). A body read to its end is
// left alone: net/http then reads the connection itself, to notice the client leaving,
// and a deadline there would cancel the request's context.
func (c *cuttable) cut(blocked bool) {
	if c.eof.Load() || c.stop.Swap(true) || !blocked {
		return
	}
	_ = http.NewResponseController(c.ResponseWriter).SetReadDeadline(time.Now())
}

func (c *cuttable) Read(p []byte) (int, error) {
	if c.stop.Load() {
		c.seen.Store(true)
		return 0, errBodyCut
	}
	n, err := c.body.Read(p)
	switch {
	case err == io.EOF:
		c.eof.Store(true)
	case err != nil && c.stop.Load():
		c.seen.Store(true)
		return n, errBodyCut
	}
	return n, err
}

func (c *cuttable) Close() error { return c.body.Close() }

// WriteHeader sends the handler's status, or the 503 when the handler answers a request
// whose body the stop cut.
func (c *cuttable) WriteHeader(code int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.answered || code < http.StatusOK { // 1xx: informational, the answer is still to come
		if !c.answered {
			c.ResponseWriter.WriteHeader(code)
		}
		return
	}
	c.answered = true
	if !c.seen.Load() {
		c.ResponseWriter.WriteHeader(code)
		return
	}
	c.replaced = true
	stateOf(c.req).stopped = true
	c.Header().Set("Connection", "close")
	api.WriteError(c.ResponseWriter, c.req, c.log, vigil.Errorf(vigil.EUNAVAILABLE, "%s", stopMessage))
}

func (c *cuttable) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	if c.replaced {
		return len(b), nil // the handler's answer to a request it never got whole
	}
	return c.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush through.
func (c *cuttable) Flush() {
	c.WriteHeader(http.StatusOK)
	http.NewResponseController(c.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (c *cuttable) Unwrap() http.ResponseWriter { return c.ResponseWriter }
