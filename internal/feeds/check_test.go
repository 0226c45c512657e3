package feeds

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// A check that cannot reach the source says why in words a person can act on, not
// "internal error", and never what was dialled nor the URL's secrets; the full error is
// in Err for the server log.
func TestCheckFeedSaysWhyTheSourceCannotBeRead(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	t.Cleanup(cancel)
	tests := []struct {
		name   string
		ctx    context.Context
		client *http.Client
		url    string
		want   string
	}{
		{"an internal address", context.Background(), NewClient(nil, nil),
			"https://user:SEKRITa@127.0.0.1:1/list.txt?key=SEKRITb", "the address is refused as internal"},
		{"nothing listens there", context.Background(), NewClient(nil, loopback),
			"https://user:SEKRITa@127.0.0.1:1/list.txt?key=SEKRITb", "the connection was refused"},
		{"a certificate nobody vouches for", context.Background(), NewClient(nil, loopback),
			tlsSrv.URL + "/list.txt?key=SEKRITb", "TLS error: the server's certificate is not signed by an authority"},
		{"out of time", expired, NewClient(nil, loopback),
			"https://127.0.0.1:1/list.txt?key=SEKRITb", "no answer came in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CheckFeed(tt.ctx, tt.client, 0, urlFeed(tt.url), intel.Options{})
			if c.OK || !strings.Contains(c.Message, tt.want) {
				t.Errorf("check says OK=%v %q, want it to say %q", c.OK, c.Message, tt.want)
			}
			if c.Err == nil {
				t.Error("the check keeps no error for the log")
			}
			for _, leak := range []string{"internal error", "SEKRIT", "127.0.0.1", "dial"} {
				if strings.Contains(c.Message, leak) {
					t.Errorf("message %q shows %q", c.Message, leak)
				}
			}
		})
	}
}

// Failures no local server can stage (a name that does not exist, a certificate for
// another name) are named from the errors the network and TLS packages return.
func TestFailureReason(t *testing.T) {
	dial := func(err error) error {
		return fmt.Errorf("fetch https://feed.example/x?…: %w", &net.OpError{Op: "dial", Net: "tcp", Err: err})
	}
	tests := []struct {
		err  error
		want string
	}{
		{dial(&net.DNSError{Err: "no such host", Name: "nonexistent.invalid", IsNotFound: true}), "the host name was not found (DNS)"},
		{dial(&net.DNSError{Err: "server misbehaving", Name: "feed.example"}), "the host name could not be looked up (DNS)"},
		{dial(os.NewSyscallError("connect", syscall.ECONNREFUSED)), "the connection was refused"},
		{dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), "the host cannot be reached"},
		{dial(os.NewSyscallError("connect", syscall.ETIMEDOUT)), "no answer came in time"},
		{fmt.Errorf("fetch x: %w", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "feed.example"}), "not for this host name"},
		{fmt.Errorf("fetch x: %w", ErrPrivateAddress), "refused as internal (loopback, private, link-local or similar); an administrator can allow its network with feed_allow_private"},
		{vigil.Errorf(vigil.EINVALID, "collection %q is not there", "c1"), `collection "c1" is not there`},
		{dial(errors.New("something new")), "the connection failed; check the address and the network"},
		{errors.New("fetch https://feed.example/x?…: 404 Not Found (check the feed's URL)"), "404 Not Found (check the feed's URL)"},
	}
	for _, tt := range tests {
		if got := FailureReason(tt.err, feedAllowSetting); !strings.Contains(got, tt.want) {
			t.Errorf("FailureReason(%v) = %q, want it to contain %q", tt.err, got, tt.want)
		}
	}
}
