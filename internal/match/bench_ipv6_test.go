package match

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-health/vigil"
)

// ipv6Corpus is an IPv6 set shaped like real feeds: 100,000 addresses in the /48s of
// 2,000 networks of global unicast space (hosting providers' /32s, as listed addresses
// cluster), 20,000 IPv6 networks from /29 to /64 in the same space, beside 100,000 IPv4
// networks, as in the one-million corpus; and its probes, as telemetry would write them.
type ipv6Corpus struct {
	snap                    *Snapshot
	hits, near, far, inNets []vigil.Observable
}

var benchIPv6 = sync.OnceValue(func() *ipv6Corpus {
	r := rand.New(rand.NewPCG(7, 8))
	provs := make([]uint64, 2000) // the top 32 bits of each provider's network
	for i := range provs {
		provs[i] = uint64(0x2000_0000 | r.Uint32()&0x1fff_ffff)
	}
	addr := func(p uint64, rest uint64, low uint64) netip.Addr {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:], p<<32|rest)
		binary.BigEndian.PutUint64(b[8:], low)
		return netip.AddrFrom16(b)
	}
	// a host: a /48 of the provider (16 of them each), a /64 in it, a small interface id
	host := func() netip.Addr {
		return addr(provs[r.IntN(len(provs))], uint64(r.IntN(16))<<16|uint64(r.IntN(4096)), uint64(r.IntN(1<<16)))
	}
	b := NewBuilder()
	p := vigil.Provenance{Source: "bench"}
	c := &ipv6Corpus{}
	listed := make([]netip.Addr, 100_000)
	for i := range listed {
		listed[i] = host()
		b.Add(vigil.Indicator{Type: vigil.TypeIPv6, Value: listed[i].String(), Provenance: p})
	}
	var nets []netip.Prefix
	for range 20_000 {
		n := netip.PrefixFrom(host(), []int{29, 32, 40, 48, 56, 64}[r.IntN(6)]).Masked()
		if n.Bits() <= 32 && r.IntN(10) > 0 { // providers' whole networks are rarely listed
			n = netip.PrefixFrom(n.Addr(), 48).Masked()
		}
		nets = append(nets, n)
		b.Add(vigil.Indicator{Type: vigil.TypeCIDR, Value: n.String(), Provenance: p})
	}
	for range 100_000 {
		b.Add(vigil.Indicator{Type: vigil.TypeCIDR, Value: netip.PrefixFrom(randIPv4(r), 18+r.IntN(12)).Masked().String(), Provenance: p})
	}
	c.snap = b.Build()
	obs := func(a netip.Addr) vigil.Observable {
		return vigil.Observable{Field: "f", Type: vigil.TypeIPv6, Value: strings.Clone(a.String())}
	}
	for len(c.hits) < 4096 || len(c.near) < 4096 || len(c.far) < 4096 || len(c.inNets) < 4096 {
		var a netip.Addr
		switch r.IntN(4) {
		case 0:
			a = listed[r.IntN(len(listed))]
		case 1:
			a = host()
		case 2:
			a = addr(0x2000_0000|uint64(r.Uint32()&0x1fff_ffff), r.Uint64()>>32, r.Uint64())
		default:
			n := nets[r.IntN(len(nets))]
			a = addr(binary.BigEndian.Uint64(n.Addr().AsSlice()), 0, r.Uint64()&0xffff)
		}
		o := obs(a)
		ids := c.snap.Lookup(o, nil)
		onlyNets := len(ids) > 0 && kind(ids[0]>>idShift) == kCIDR
		switch {
		case len(ids) > 0 && !onlyNets && len(c.hits) < 4096:
			c.hits = append(c.hits, o)
		case onlyNets && len(c.inNets) < 4096:
			c.inNets = append(c.inNets, o)
		case len(ids) == 0 && isProvider(provs, a) && len(c.near) < 4096:
			c.near = append(c.near, o)
		case len(ids) == 0 && !isProvider(provs, a) && len(c.far) < 4096:
			c.far = append(c.far, o)
		}
	}
	return c
})

func isProvider(provs []uint64, a netip.Addr) bool {
	top := binary.BigEndian.Uint64(a.AsSlice()) >> 32
	for _, p := range provs {
		if p == top {
			return true
		}
	}
	return false
}

// BenchmarkLookupIPv6 looks up IPv6 observables against ipv6Corpus: listed addresses
// (hit), addresses inside listed networks only (in-cidr), unlisted addresses of the same
// providers (miss-near) and of other networks (miss-far). Target: ≤ 100 ns.
func BenchmarkLookupIPv6(b *testing.B) {
	c := benchIPv6()
	for _, tc := range []struct {
		name string
		obs  []vigil.Observable
	}{{"hit", c.hits}, {"in-cidr", c.inNets}, {"miss-near", c.near}, {"miss-far", c.far}} {
		b.Run(tc.name, func(b *testing.B) {
			dst := make([]ID, 0, 16)
			benchCPU(b, func(i int) { dst = c.snap.Lookup(tc.obs[i&4095], dst[:0]) })
		})
	}
}

// BenchmarkParseIPv6 parses the hit case's observables: the first step of each lookup.
func BenchmarkParseIPv6(b *testing.B) {
	c := benchIPv6()
	var sink uint64
	benchCPU(b, func(i int) {
		x, _ := parseIPv6(c.hits[i&4095].Value)
		sink += x.lo
	})
	_ = sink
}
