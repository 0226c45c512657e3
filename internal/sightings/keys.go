package sightings

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
	"golang.org/x/net/publicsuffix"
)

// The keyed observable index holds HMAC-SHA256(server secret, type ":" value) of what an
// organisation's telemetry held. Without the secret the rows say nothing; with it, they
// can only confirm a guess. So that an indicator published later finds what it covers,
// an observable is indexed under more than its own value:
//
//   - a domain under itself and each parent domain down to, not including, its public
//     suffix (a.b.evil.co.uk: a.b.evil.co.uk, b.evil.co.uk, evil.co.uk);
//   - an IPv4 address under itself and its /24 ("cidr:192.0.2.0/24");
//   - an IPv6 address under itself and its /48 ("cidr:2001:db8:1::/48");
//   - everything else under itself.

// indexKey is one keyed hash.
type indexKey [sha256.Size]byte

// keyer makes index keys. It is not safe for concurrent use: make one per goroutine.
type keyer struct {
	mac hash.Hash
	buf []byte
	sum []byte
}

func newKeyer(secret []byte) *keyer {
	return &keyer{mac: hmac.New(sha256.New, secret)}
}

// key returns the index key of a typed value ("domain", "evil.example").
func (k *keyer) key(typ, value string) indexKey {
	k.buf = append(append(append(k.buf[:0], typ...), ':'), value...)
	k.mac.Reset()
	k.mac.Write(k.buf)
	k.sum = k.mac.Sum(k.sum[:0])
	return indexKey(k.sum)
}

// observableKeys calls add with every key the observable is indexed under.
func (k *keyer) observableKeys(t vigil.IndicatorType, v string, add func(indexKey)) {
	add(k.key(string(t), v))
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		if p, ok := indexNetwork(v); ok {
			add(k.key(string(vigil.TypeCIDR), p.String()))
		}
	case vigil.TypeDomain:
		forParents(v, func(d string) { add(k.key(string(vigil.TypeDomain), d)) })
	}
}

// indexNetwork is the network an address is indexed under: its /24 or /48.
func indexNetwork(addr string) (netip.Prefix, bool) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Prefix{}, false
	}
	bits := 48
	if a = a.Unmap(); a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	return p, err == nil
}

// forParents calls fn with each parent domain of d down to its registrable domain (the
// public suffix plus one label). A name with no registrable domain has no parents.
func forParents(d string, fn func(string)) {
	reg, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil || !strings.HasSuffix(d, "."+reg) {
		return
	}
	for d != reg {
		d = d[strings.IndexByte(d, '.')+1:]
		fn(d)
	}
}
