package feeds

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateAddress is what a pull reports when the feed's address, or an address it
// redirects to, is loopback, private, link-local, CGNAT or cloud metadata and not in
// the allow-list. It says no more, so that feeds cannot be used to map internal networks.
var ErrPrivateAddress = errors.New("refused: private address")

// privateNets are the networks feeds may not reach unless allowed.
var privateNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("10.0.0.0/8"),     // private
	netip.MustParsePrefix("100.64.0.0/10"),  // CGNAT (and Alibaba's metadata, 100.100.100.200)
	netip.MustParsePrefix("127.0.0.0/8"),    // loopback
	netip.MustParsePrefix("169.254.0.0/16"), // link-local (cloud metadata, 169.254.169.254)
	netip.MustParsePrefix("172.16.0.0/12"),  // private
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("192.168.0.0/16"), // private
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("224.0.0.0/4"),    // multicast
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("::/128"),         // unspecified
	netip.MustParsePrefix("::1/128"),        // loopback
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64, which can reach any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"), // local NAT64
	netip.MustParsePrefix("fc00::/7"),       // unique local (AWS metadata, fd00:ec2::254)
	netip.MustParsePrefix("fe80::/10"),      // link-local
	netip.MustParsePrefix("ff00::/8"),       // multicast
	netip.MustParsePrefix("2002::/16"),      // 6to4, which embeds IPv4 addresses
	netip.MustParsePrefix("2001::/32"),      // Teredo, likewise
}

// Refused reports whether a pull may not connect to addr: an address in privateNets
// that no prefix of allow contains. IPv4-mapped IPv6 addresses are judged as IPv4.
func Refused(addr netip.Addr, allow []netip.Prefix) bool {
	addr = addr.Unmap().WithZone("")
	for _, p := range allow {
		if p.Contains(addr) {
			return false
		}
	}
	for _, p := range privateNets {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// NewClient returns a copy of base (nil: a client with a 10-minute timeout) whose
// connections are checked when they are made: the address actually dialled, after DNS
// and on every redirect, is refused with ErrPrivateAddress when Refused says so. It uses
// no proxy, since a proxy would dial for it unchecked. A base whose transport is not an
// *http.Transport cannot be checked, and its client refuses every request.
func NewClient(base *http.Client, allow []netip.Prefix) *http.Client {
	c := &http.Client{Timeout: 10 * time.Minute}
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
