package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// errStalled is a body read that waited past the stall timeout; FailureReason words it.
var errStalled = errors.New("the source stopped sending")

// stallTimeout is the longest client's transport lets a request wait for its answer,
// which get applies between reads of the body too; 0 for a transport it cannot read.
func stallTimeout(client *http.Client) time.Duration {
	if t, ok := client.Transport.(*http.Transport); ok {
		return t.ResponseHeaderTimeout
	}
	return 0
}

// stallBody fails a read that waits longer than d for bytes by cancelling the request.
// Only the time spent inside Read counts: a consumer that is slow to store what it read
// does not make the source look stalled.
type stallBody struct {
	rc     io.ReadCloser
	d      time.Duration
	ctx    context.Context // the request's, cancelled with errStalled when a read stalls
	cancel context.CancelCauseFunc
	timer  *time.Timer // runs only while a Read waits
}

// withStall sends req on client with its body reads bounded by the client's stall
// timeout (none when 0).
func withStall(client *http.Client, req *http.Request) (*http.Response, error) {
	d := stallTimeout(client)
	if d <= 0 {
		return client.Do(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		cancel(nil)
		return nil, err
	}
	b := &stallBody{rc: resp.Body, d: d, ctx: ctx, cancel: cancel}
	b.timer = time.AfterFunc(d, func() { cancel(errStalled) })
	b.timer.Stop()
	resp.Body = b
	return resp, nil
}

// Read implements io.Reader.
func (b *stallBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.d)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if err != nil && err != io.EOF && errors.Is(context.Cause(b.ctx), errStalled) {
		// Whatever the transport said of the cancelled request, the cause is the stall.
		return n, fmt.Errorf("%w for %s; try again later, or tell whoever runs it if it goes on", errStalled, b.d)
	}
	return n, err
}

// Close implements io.Closer.
func (b *stallBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}
