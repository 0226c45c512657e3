package feeds

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestWorded: a failure shows vigil's steps as they are and, beneath them, the failure
// in FailureReason's words, never the network library's text (which names what was
// dialled). vigil's own words with nothing beneath them read as they are.
func TestWorded(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 443},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a refused dial under one step", step(refused, "fetch %s", "https://feed.example/x?…"),
			"fetch https://feed.example/x?…: the connection was refused: nothing answers at that host and port"},
		{"steps within steps", step(step(refused, "fetch %s: reading the response", "https://feed.example/x"), "pull TAXII collection %q", "c1"),
			`pull TAXII collection "c1": fetch https://feed.example/x: reading the response: the connection was refused: nothing answers at that host and port`},
		{"vigil's words beneath a step", step(vigil.Errorf(vigil.EINVALID, "the collection is gone"), "fetch %s", "https://feed.example/x"),
			"fetch https://feed.example/x: the collection is gone"},
		{"a wrapper of vigil's that is not a step is worded whole", fmt.Errorf("fetch x: %w", refused),
			"the connection was refused: nothing answers at that host and port"},
		{"vigil's own words", errors.New("fetch https://feed.example/x: 404 Not Found (check the feed's URL)"),
			"fetch https://feed.example/x: 404 Not Found (check the feed's URL)"},
		{"vigil's own words under a step", step(errors.New("the response was empty"), "fetch %s", "https://feed.example/x"),
			"fetch https://feed.example/x: the response was empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Worded(tt.err, feedAllowSetting); got != tt.want {
				t.Errorf("Worded(%v)\n got %q\nwant %q", tt.err, got, tt.want)
			}
		})
	}
}
