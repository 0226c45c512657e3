package warn

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"

	"github.com/vigil-health/vigil"
)

// benchClaims returns n claims spread over orgs organisations, laid out like real address
// allocations: IPv4 ranges from /16 to /29 (most /24 and smaller), one claim in ten an IPv6
// /48, and one in a hundred a /28 that a second organisation claims inside the range
// before it (a GP practice inside its trust's network).
func benchClaims(tb testing.TB, n, orgs int) []vigil.AssetClaim {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	names := make([]string, orgs)
	for i := range names {
		names[i] = fmt.Sprintf("O%07d", i)
	}
	claims := make([]vigil.AssetClaim, 0, n)
	cursor := uint64(1 << 24) // 1.0.0.0
	var prev netip.Prefix
	for i := range n {
		org := names[i%orgs]
		switch {
		case i%10 == 9:
			claims = append(claims, vigil.AssetClaim{Org: org, Prefix: v6Slash48(uint64(i))})
		case i%100 == 50 && prev.Bits() < 28:
			claims = append(claims, vigil.AssetClaim{Org: names[(i+1)%orgs], Prefix: netip.PrefixFrom(prev.Addr(), 28)})
		default:
			bits := v4Bits(rng)
			size := uint64(1) << (32 - bits)
			cursor = (cursor + size - 1) &^ (size - 1)
			if cursor+size > 1<<32 {
				tb.Fatalf("benchmark claims do not fit IPv4 after %d claims", i)
			}
			prev = netip.PrefixFrom(v4(uint32(cursor)), bits)
			claims = append(claims, vigil.AssetClaim{Org: org, Prefix: prev})
			cursor += size * uint64(1+rng.IntN(2))
		}
	}
	return claims
}

// v4Bits draws a prefix length: 0.2% /16, 1.8% /17-/19, 13% /20-/23, 30% /24, the rest /25-/29.
func v4Bits(rng *rand.Rand) int {
	switch r := rng.IntN(1000); {
	case r < 2:
		return 16
	case r < 20:
		return 17 + rng.IntN(3)
	case r < 150:
		return 20 + rng.IntN(4)
	case r < 450:
		return 24
	}
	return 25 + rng.IntN(5)
}

func v4(u uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], u)
	return netip.AddrFrom4(b)
}

// v6Slash48 returns the i'th /48 in 2a00::/12.
func v6Slash48(i uint64) netip.Prefix {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], (0x2a00<<48)|(i*7)<<16)
	return netip.PrefixFrom(netip.AddrFrom16(b), 48)
}

// benchQueries returns addresses to route: half inside a random claim, half drawn from
// all of IPv4 (mostly misses, as most of a feed is), one in ten IPv6.
func benchQueries(claims []vigil.AssetClaim, n int) []query {
	rng := rand.New(rand.NewPCG(3, 4))
	qs := make([]query, n)
	for i := range qs {
		var a netip.Addr
		if i%2 == 0 {
			p := claims[rng.IntN(len(claims))].Prefix
			a = randomIn(rng, p)
		} else {
			a = v4(rng.Uint32())
		}
		t := vigil.TypeIPv4
		if a.Is6() {
			t = vigil.TypeIPv6
		}
		qs[i] = query{t, a.String()}
	}
	return qs
}

// randomIn returns a random address inside p.
func randomIn(rng *rand.Rand, p netip.Prefix) netip.Addr {
	if p.Addr().Is4() {
		base := binary.BigEndian.Uint32(p.Addr().AsSlice())
		return v4(base | rng.Uint32()&(1<<(32-p.Bits())-1))
	}
	b := p.Addr().As16()
	binary.BigEndian.PutUint64(b[8:], rng.Uint64())
	return netip.AddrFrom16(b)
}

func BenchmarkRoute(b *testing.B) {
	for _, orgs := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("prefixes=1M/orgs=%d", orgs), func(b *testing.B) {
			claims := benchClaims(b, 1_000_000, orgs)
			r, _ := NewRouter(claims)
			benchRoute(b, r, benchQueries(claims, 1<<16))
		})
	}
	b.Run("domains=100k", func(b *testing.B) {
		var claims []vigil.AssetClaim
		for i := range 100_000 {
			claims = append(claims, vigil.AssetClaim{Org: fmt.Sprintf("O%07d", i), Name: fmt.Sprintf("org%d.example", i)})
		}
		r, _ := NewRouter(claims)
		qs := make([]query, 1<<12)
		for i := range qs {
			switch i % 3 {
			case 0:
				qs[i] = query{vigil.TypeDomain, fmt.Sprintf("mail.org%d.example", i*7)}
			case 1:
				qs[i] = query{vigil.TypeURL, fmt.Sprintf("https://www.org%d.example/login?x=1", i*13)}
			default:
				qs[i] = query{vigil.TypeDomain, fmt.Sprintf("cdn%d.evil.example", i)}
			}
		}
		benchRoute(b, r, qs)
	})
}

func benchRoute(b *testing.B, r *Router, qs []query) {
	dst := make([]string, 0, 8)
	hits, i := 0, 0
	runtime.GC() // finish collecting after the build, so that it does not run in the loop
	b.ReportAllocs()
	for b.Loop() {
		q := qs[i&(len(qs)-1)]
		dst = r.Route(q.t, q.value, dst[:0])
		hits += min(len(dst), 1)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "routes/s")
	b.ReportMetric(float64(hits)/float64(i), "hit-ratio")
}

func BenchmarkNewRouter1M(b *testing.B) {
	claims := benchClaims(b, 1_000_000, 100_000)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		r, overlaps := NewRouter(claims)
		if r.Stats().Prefixes == 0 || len(overlaps) == 0 {
			b.Fatal("benchmark claims built an empty router or no overlaps")
		}
		n++
	}
	b.ReportMetric(float64(n*len(claims))/b.Elapsed().Seconds(), "claims/s")
}

func BenchmarkParseEvents(b *testing.B) {
	var in bytes.Buffer
	const lines = 10_000
	for i := range lines {
		over := map[string]any{"observable": v4(0xc6336400 + uint32(i)).String(), "port": 1 + i%65535}
		switch i % 4 {
		case 1:
			over = map[string]any{"type": "phishing", "observable": fmt.Sprintf("hxxps://login-org%d[.]example/portal", i), "description": "credential phishing page imitating NHSmail"}
		case 2:
			over = map[string]any{"type": "compromise", "observable": fmt.Sprintf("2001:db8::%x", i), "severity": "critical"}
		case 3:
			over = map[string]any{"type": "vulnerable_service", "observable": fmt.Sprintf("vpn.org%d.example", i), "cve": "CVE-2023-4966", "service": "citrix"}
		}
		in.WriteString(eventLine(over))
		in.WriteByte('\n')
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		rep, err := testParser.Parse(bytes.NewReader(data), nil)
		if err != nil || rep.Accepted != lines {
			b.Fatalf("Parse = %+v, %v", rep, err)
		}
		events += rep.Accepted
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
