package feeds

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/vigil-health/vigil"
)

// ErrPrivateAddress is what a pull reports when the feed's address, or an address it
// redirects to, is loopback, private, link-local, CGNAT or cloud metadata and not in
// the allow-list. It says no more, so that feeds cannot be used to map internal networks.
var ErrPrivateAddress = errors.New("refused: private address")

// Refused reports whether a pull may not connect to addr: an address in one of the
// special-purpose blocks of vigil.SpecialRanges (private, loopback, link-local, CGNAT,
// multicast, and NAT64, 6to4 and Teredo, which can reach IPv4 addresses) that no prefix of
// allow contains. IPv4-mapped IPv6 addresses are judged as IPv4.
func Refused(addr netip.Addr, allow []netip.Prefix) bool {
	addr = addr.Unmap().WithZone("")
	for _, p := range allow {
		if p.Contains(addr) {
			return false
		}
	}
	_, special := vigil.SpecialRangeOf(netip.PrefixFrom(addr, addr.BitLen()), false)
	return special
}

// StallTimeout is how long a feed's server may keep a request waiting: for the response
// headers (http.Transport.ResponseHeaderTimeout, which a client from NewClient sets to
// this unless its base set its own) and then between any two reads of the body, which
// get bounds by the same transport field. A slow download that keeps moving is fine; a
// server that accepts the connection and stops answering fails in minutes, not at the
// client's one-hour timeout. TAXII requests are bounded likewise (taxii.DefaultTimeout).
const StallTimeout = 2 * time.Minute

// NewClient returns a copy of base (nil: a client with a one-hour timeout) whose
// connections are checked when they are made: the address actually dialled, after DNS
// and on every redirect, is refused with ErrPrivateAddress when Refused says so. It uses
// no proxy, since a proxy would dial for it unchecked. A base whose transport is not an
// *http.Transport cannot be checked, and its client refuses every request.
func NewClient(base *http.Client, allow []netip.Prefix) *http.Client {
	// The body is read as fast as the store takes its indicators (pulls are stored as they
	// are parsed), so a long feed needs more than the few minutes its download would.
	c := &http.Client{Timeout: time.Hour}
	if base != nil {
		cp := *base
		c = &cp
	}
	var t *http.Transport
	switch rt := c.Transport.(type) {
	case nil:
		t = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		t = rt.Clone()
	default:
		c.Transport = refuseAll{}
		return c
	}
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second,
		ControlContext: func(_ context.Context, _, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || Refused(ap.Addr(), allow) {
				return ErrPrivateAddress
			}
			return nil
		}}
	t.Proxy = nil
	if t.ResponseHeaderTimeout <= 0 {
		t.ResponseHeaderTimeout = StallTimeout
	}
	t.DialContext = d.DialContext
	t.DialTLSContext = nil
	t.DialTLS = nil //nolint:staticcheck // cleared so that every connection goes through d
	t.Dial = nil    //nolint:staticcheck // likewise
	c.Transport = t
	return c
}

// refuseAll is the transport of a client that cannot be checked.
type refuseAll struct{}

func (refuseAll) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("feeds: the HTTP client's transport cannot be checked for private addresses")
}

// RedirectRefusedError is a pull whose source answered with a redirect to an address
// that is refused (ErrPrivateAddress, which it wraps). Host is the redirect target's
// host, without credentials or port: what the source pointed at, not what was dialled.
type RedirectRefusedError struct {
	// Host is the host the source redirected to.
	Host string
}

// Error names the refused target, for the feed's page.
func (e *RedirectRefusedError) Error() string {
	return fmt.Sprintf("the source redirected to %s, an internal address, which is refused", e.Host)
}

// Unwrap makes the error an ErrPrivateAddress.
func (e *RedirectRefusedError) Unwrap() error { return ErrPrivateAddress }

// refusedAt is the refusal of a request for u: a *RedirectRefusedError when what was
// refused is where u redirected to (err's *url.Error names another host), else
// ErrPrivateAddress alone.
func refusedAt(u string, err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return ErrPrivateAddress
	}
	target, terr := url.Parse(ue.URL)
	orig, oerr := url.Parse(u)
	if terr != nil || oerr != nil || target.Hostname() == "" {
		return ErrPrivateAddress
	}
	// The host is what was refused; a redirect within it is the feed's own address.
	if strings.EqualFold(target.Hostname(), orig.Hostname()) {
		return ErrPrivateAddress
	}
	return &RedirectRefusedError{Host: target.Hostname()}
}
