package threatintel_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
	tests := []struct {
		name, url, want string
	}{
		{"refused", "http://" + closed + "/list.txt",
			"fetch http://" + closed + "/list.txt: the connection was refused: nothing answers at that host and port"},
		{"hung up", hangUp.URL + "/list.txt",
			"fetch " + hangUp.URL + "/list.txt: the server closed the connection before its answer was complete"},
		{"untrusted certificate", untrusted.URL + "/list.txt",
			"fetch " + untrusted.URL + "/list.txt: TLS error: the server's certificate is not signed by an authority this server trusts"},
		{"a status is vigil's own words", failing.URL + "/list.txt", "fetch " + failing.URL + "/list.txt: 500 Internal Server Error"},
	}
	c := threatintel.New(threatintel.Deps{Store: s, AllowPrivate: loopback})
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
			for _, raw := range []string{"dial tcp", "connect:", "x509", "EOF", "read tcp"} {
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
