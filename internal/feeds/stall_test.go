package feeds

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// quickClient is a client from NewClient that gives up on a silent source after d.
func quickClient(t *testing.T, d time.Duration) *http.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = d
	return NewClient(&http.Client{Transport: tr}, loopback)
}

// hold blocks a handler until the test ends or the client goes away.
func hold(t *testing.T) func(*http.Request) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before the server's Close, registered earlier
	return func(r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
}

// A source that accepts the connection and then says nothing fails the pull with a
// worded reason once the stall timeout passes, before or during the body; one that is
// slow but keeps sending is pulled whole.
func TestFetchGivesUpOnASilentSource(t *testing.T) {
	tests := []struct {
		name    string
		handler func(wait func(*http.Request)) http.HandlerFunc
		stall   time.Duration
		want    string // in FailureReason; "" for a pull that succeeds
	}{
		{name: "no answer at all", stall: 100 * time.Millisecond, want: "no answer came in time",
			handler: func(wait func(*http.Request)) http.HandlerFunc {
				return func(_ http.ResponseWriter, r *http.Request) { wait(r) }
			}},
		{name: "the body stops", stall: 100 * time.Millisecond, want: "the source stopped sending",
			handler: func(wait func(*http.Request)) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprint(w, "198.51.100.7\n")
					w.(http.Flusher).Flush()
					wait(r)
				}
			}},
		{name: "slow but moving", stall: time.Second,
			handler: func(func(*http.Request)) http.HandlerFunc {
				return func(w http.ResponseWriter, _ *http.Request) {
					for i := range 15 {
						fmt.Fprintf(w, "198.51.100.%d\n", i+1)
						w.(http.Flusher).Flush()
						time.Sleep(100 * time.Millisecond)
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := start(t, tt.handler(hold(t)))
			emit, got := collect()
			_, err := Fetch(context.Background(), quickClient(t, tt.stall), urlFeed(ts.URL+"/list.txt"), intel.Options{}, State{}, emit)
			if tt.want == "" {
				if err != nil || len(*got) != 15 {
					t.Fatalf("Fetch: %v, %d indicators; want all 15", err, len(*got))
				}
				return
			}
			if err == nil {
				t.Fatal("Fetch succeeded, want it to give up")
			}
			if why := FailureReason(err, feedAllowSetting); !strings.Contains(why, tt.want) {
				t.Errorf("reason %q, want it to contain %q (error %v)", why, tt.want, err)
			}
		})
	}
}

// A check of a source that never answers ends with a worded failure, not a hang.
func TestCheckFeedGivesUpOnASilentSource(t *testing.T) {
	wait := hold(t)
	for _, kind := range []string{vigil.FeedURL, vigil.FeedMISPFeed} {
		ts := start(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { wait(r) }))
		c := CheckFeed(context.Background(), quickClient(t, 100*time.Millisecond), 0,
			vigil.Feed{Name: "silent", Kind: kind, URL: ts.URL + "/feed"}, intel.Options{})
		if c.OK || !strings.Contains(c.Message, "no answer came in time") {
			t.Errorf("%s: check says OK=%v %q, want no answer in time", kind, c.OK, c.Message)
		}
	}
}

// NewClient bounds the wait for an answer unless its base already does.
func TestNewClientStallTimeout(t *testing.T) {
	if got := stallTimeout(NewClient(nil, nil)); got != StallTimeout {
		t.Errorf("default stall timeout %v, want %v", got, StallTimeout)
	}
	if got := stallTimeout(quickClient(t, time.Second)); got != time.Second {
		t.Errorf("stall timeout %v, want the base's 1s", got)
	}
}
