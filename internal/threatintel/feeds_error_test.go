package threatintel_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// TestFeedPullErrorIsWorded: a pull that fails below vigil (refused, hung up, a
// certificate not trusted) leaves the feed's last error in words a person can act on,
// after what vigil said of the pull (the URL), and never the network library's own text,
// which names what was dialled. vigil's own words (a status) stay as they were.
func TestFeedPullErrorIsWorded(t *testing.T) {
	s := storetest.Open(t)
	ctx := t.Context()
	closed := closedPort(t)
	hangUp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(hangUp.Close)
	untrusted := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("192.0.2.7\n")) }))
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	untrusted.StartTLS()
	t.Cleanup(untrusted.Close)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 500) }))
	t.Cleanup(failing.Close)
	release := make(chan struct{})
	wait := func(r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { wait(r) }))
	t.Cleanup(silent.Close)
	stalls := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("192.0.2.7\n"))
		w.(http.Flusher).Flush()
		wait(r)
	}))
	t.Cleanup(stalls.Close)
	t.Cleanup(func() { close(release) }) // before the servers close, which wait for their handlers
	metadata := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	t.Cleanup(metadata.Close)
	tests := []struct {
		name, url, want string
	}{
		{"refused", "http://" + closed + "/list.txt",
			"fetch http://" + closed + "/list.txt: the connection was refused: nothing answers at that host and port"},
		{"hung up", hangUp.URL + "/list.txt",
			"fetch " + hangUp.URL + "/list.txt: the server closed the connection before its answer was complete"},
		{"untrusted certificate", untrusted.URL + "/list.txt",
			"fetch " + untrusted.URL + "/list.txt: TLS error: the server's certificate is not signed by an authority this server trusts"},
		{"a status is vigil's own words", failing.URL + "/list.txt", "fetch " + failing.URL + "/list.txt: 500 Internal Server Error" +
			" (the source's server failed; try again later, or tell whoever runs it if it goes on)"},
		{"no answer", silent.URL + "/list.txt", "fetch " + silent.URL + "/list.txt: no answer came in time; try again later"},
		{"the answer stops", stalls.URL + "/list.txt", "fetch " + stalls.URL +
			"/list.txt: reading the response: the source stopped sending for 200ms; try again later, or tell whoever runs it if it goes on"},
		{"a redirect to the metadata address", metadata.URL + "/list.txt", "fetch " + metadata.URL +
			"/list.txt: the source redirected to 169.254.169.254, an internal address, which is refused; check the feed's URL, or tell whoever runs the source"},
	}
	// Short enough for a test; a server gives a silent source feeds.StallTimeout.
	quick := http.DefaultTransport.(*http.Transport).Clone()
	quick.ResponseHeaderTimeout = 200 * time.Millisecond
	c := threatintel.New(threatintel.Deps{Store: s, AllowPrivate: loopback, HTTPClient: &http.Client{Transport: quick}})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := s.CreateFeed(ctx, vigil.Feed{Name: "failing-" + string(rune('a'+i)), Kind: vigil.FeedURL, URL: tt.url, Enabled: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.PullFeed(ctx, analyst, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != vigil.FeedError || !strings.HasSuffix(got.LastError, tt.want) {
				t.Errorf("last error %q, want one ending %q", got.LastError, tt.want)
			}
			for _, raw := range []string{"dial tcp", "connect:", "x509", "EOF", "read tcp", "feed_allow_private", "context canceled"} {
				if strings.Contains(got.LastError, raw) {
					t.Errorf("last error %q shows the library's own text (%q)", got.LastError, raw)
				}
			}
		})
	}
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
