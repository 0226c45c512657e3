package match

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// corpus is a synthetic intel load shaped like a large deployment's list feeds: mostly
// IPv4, then domains, hashes, networks and URLs, each value from one of 8 sources whose
// indicators share provenance, each with its line number as Ref.
type corpus struct {
	types  []vigil.IndicatorType
	values []string
	provs  []vigil.Provenance
}

// corpusMix is the share, in percent, of each type in the corpus.
var corpusMix = []struct {
	t   vigil.IndicatorType
	pct int
}{
	{vigil.TypeIPv4, 38}, {vigil.TypeIPv6, 2}, {vigil.TypeCIDR, 10}, {vigil.TypeDomain, 25},
	{vigil.TypeMD5, 4}, {vigil.TypeSHA1, 4}, {vigil.TypeSHA256, 7}, {vigil.TypeURL, 10},
}

func newCorpus(n int) *corpus {
	r := rand.New(rand.NewPCG(1, 2))
	c := &corpus{types: make([]vigil.IndicatorType, 0, n), values: make([]string, 0, n)}
	for i := range 8 {
		c.provs = append(c.provs, vigil.Provenance{
			Source: fmt.Sprintf("list-%d", i), TLP: vigil.TLPGreen, Reliability: 'B', Credibility: 2,
			Confidence: -1, LastSeen: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Labels: []string{"botnet"},
		})
	}
	// Values are generated in Add order, as a loader parses them, so that adding them
	// walks memory in allocation order rather than touching a cold string each time.
	for range n {
		t := pickType(r)
		c.types = append(c.types, t)
		c.values = append(c.values, randValue(r, t))
	}
	return c
}

// build adds the whole corpus to a new Builder and builds it.
func (c *corpus) build() *Snapshot { return c.builder(func(v string) string { return v }).Build() }

// builder adds the whole corpus to a new Builder, each value passed through value.
func (c *corpus) builder(value func(string) string) *Builder {
	b := NewBuilder()
	for i, v := range c.values {
		p := c.provs[i%len(c.provs)]
		p.Ref = strconv.Itoa(i/len(c.provs) + 1)
		b.Add(vigil.Indicator{Type: c.types[i], Value: value(v), Provenance: p})
	}
	return b
}

// pickType draws a type with the probabilities of corpusMix.
func pickType(r *rand.Rand) vigil.IndicatorType {
	x := r.IntN(100)
	for _, m := range corpusMix {
		if x -= m.pct; x < 0 {
			return m.t
		}
	}
	return corpusMix[0].t
}

func randValue(r *rand.Rand, t vigil.IndicatorType) string {
	switch t {
	case vigil.TypeIPv4:
		return randIPv4(r).String()
	case vigil.TypeIPv6:
		return randIPv6(r).String()
	case vigil.TypeCIDR:
		return netip.PrefixFrom(randIPv4(r), 18+r.IntN(12)).Masked().String()
	case vigil.TypeDomain:
		return randDomain(r)
	case vigil.TypeURL:
		return "http://" + randDomain(r) + "/" + randLabel(r, 8, 24)
	}
	d := make([]byte, typ2kind(t).hashSize())
	for i := range d {
		d[i] = byte(r.Uint32())
	}
	return hex.EncodeToString(d)
}

func randIPv4(r *rand.Rand) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], r.Uint32())
	return netip.AddrFrom4(b)
}

func randIPv6(r *rand.Rand) netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], 0x2001_0db8<<32|r.Uint64()>>32)
	binary.BigEndian.PutUint64(b[8:], r.Uint64())
	return netip.AddrFrom16(b)
}

// randDomain returns a 2- or 3-label name.
func randDomain(r *rand.Rand) string {
	tld := []string{"com", "net", "org", "info", "xyz", "top", "ru"}[r.IntN(7)]
	if r.IntN(2) == 0 {
		return randLabel(r, 5, 14) + "." + tld
	}
	return randLabel(r, 3, 8) + "." + randLabel(r, 5, 14) + "." + tld
}

func randLabel(r *rand.Rand, minLen, maxLen int) string {
	b := make([]byte, minLen+r.IntN(maxLen-minLen+1))
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r.IntN(36)]
	}
	return string(b)
}

// BenchmarkBuild1M adds and builds a million indicators and reports the heap the
// Snapshot retains per indicator, measured after GC, beside MemoryBytes' estimate;
// build-s and build-cpu-s are the wall and CPU time of Build alone.
//
// Untimed, it then adds and builds the corpus once more to report pending-B/indicator,
// the heap the Builder holds once everything is added (what a rebuild's read holds at
// its end, beside the store's own), and peak-live-B/indicator, the most heap Add and
// Build hold live at once, per indicator: what sets the memory of a matcher rebuild.
// That pass hands Add a fresh copy of each value, as the store's reader does (a string
// decoded per row), so that a Builder keeping values pays for them; see peakLiveHeap for
// how the peak is sampled.
func BenchmarkBuild1M(b *testing.B) {
	const n = 1_000_000
	c := newCorpus(n)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		cpu := startCPU(processCPUTime)
		b.StartTimer()
		bld := c.builder(func(v string) string { return v })
		start, buildCPU := time.Now(), startCPU(processCPUTime)
		s := bld.Build()
		b.StopTimer()
		b.ReportMetric(time.Since(start).Seconds(), "build-s/op")
		buildCPU.report(b, 1, 1e9, "build-cpu-s/op")
		cpu.report(b, 1, 1e9, "cpu-s/op")
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/indicator")
		b.ReportMetric(float64(s.MemoryBytes())/n, "est-B/indicator")
		runtime.KeepAlive(s)
		s = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		bld = c.builder(strings.Clone)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(bld)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "pending-B/indicator")
		peak := peakLiveHeap(func() any { return c.builder(strings.Clone).Build() })
		b.ReportMetric(float64(peak)/n, "peak-live-B/indicator")
		b.StartTimer()
	}
}

// peakLiveHeap runs f and returns the most heap found live at any garbage collection
// while it ran or just after it returned (what f returned still held), less the live
// heap before. The collector runs at GOGC=10 meanwhile, so that it marks the live heap
// every time the heap grows by a tenth: the peak between two collections is at most
// about 10% above the figure, which therefore slightly understates it. The figure is
// read from runtime/metrics' /gc/heap/live:bytes, which each collection sets, polled
// every millisecond.
func peakLiveHeap(f func() any) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() uint64 { metrics.Read(live); return live[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			peak.Store(max(peak.Load(), read()))
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	result := f()
	runtime.GC()
	close(stop)
	<-done
	runtime.KeepAlive(result)
	return max(peak.Load(), read(), base) - base
}

// cpuMeter reports CPU time per op beside the wall time, which on a shared machine
// mostly measures the other processes.
type cpuMeter struct {
	read  func() (time.Duration, bool)
	start time.Duration
}

func startCPU(read func() (time.Duration, bool)) cpuMeter {
	t, _ := read()
	return cpuMeter{read, t}
}

// report adds the CPU time since start, divided by ops, as metric unit.
func (m cpuMeter) report(b *testing.B, ops int, scale float64, unit string) {
	if t, ok := m.read(); ok && ops > 0 {
		b.ReportMetric(float64(t-m.start)/scale/float64(ops), unit)
	}
}

// benchSnapshot builds the 1M corpus once for every lookup benchmark.
var benchSnapshot = sync.OnceValues(func() (*corpus, *Snapshot) {
	c := newCorpus(1_000_000)
	return c, c.build()
})

// BenchmarkLookup looks up observables of each type that match (hit) and that do not
// (miss) in a million-indicator snapshot, cycling through 4096 different values.
func BenchmarkLookup(b *testing.B) {
	c, s := benchSnapshot()
	r := rand.New(rand.NewPCG(3, 4))
	listed := func(t vigil.IndicatorType, f func(string) string) func() string {
		vals := valuesOf(c, t)
		return func() string { return f(vals[r.IntN(len(vals))]) }
	}
	same := func(v string) string { return v }
	random := func(t vigil.IndicatorType) func() string { return func() string { return randValue(r, t) } }
	cases := []struct {
		name string
		typ  vigil.IndicatorType
		gen  func() string
		hits bool
	}{
		{"ipv4/hit", vigil.TypeIPv4, listed(vigil.TypeIPv4, same), true},
		{"ipv4/miss", vigil.TypeIPv4, random(vigil.TypeIPv4), false},
		{"ipv4/in-cidr", vigil.TypeIPv4, listed(vigil.TypeCIDR, func(v string) string {
			return netip.MustParsePrefix(v).Addr().Next().String()
		}), true},
		{"ipv6/hit", vigil.TypeIPv6, listed(vigil.TypeIPv6, same), true},
		{"ipv6/miss", vigil.TypeIPv6, random(vigil.TypeIPv6), false},
		{"cidr/hit", vigil.TypeCIDR, listed(vigil.TypeCIDR, same), true},
		{"domain/hit-4-labels", vigil.TypeDomain, listed(vigil.TypeDomain, fourLabels), true},
		{"domain/miss-4-labels", vigil.TypeDomain, func() string { return "www.cdn." + randDomain(r) }, false},
		{"url/hit", vigil.TypeURL, listed(vigil.TypeURL, same), true},
		{"url/miss", vigil.TypeURL, random(vigil.TypeURL), false},
		{"md5/hit", vigil.TypeMD5, listed(vigil.TypeMD5, same), true},
		{"md5/miss", vigil.TypeMD5, random(vigil.TypeMD5), false},
		{"sha256/hit", vigil.TypeSHA256, listed(vigil.TypeSHA256, same), true},
		{"sha256/miss", vigil.TypeSHA256, random(vigil.TypeSHA256), false},
	}
	for _, tc := range cases {
		obs := benchObservables(b, s, tc.typ, tc.gen, tc.hits)
		b.Run(tc.name, func(b *testing.B) {
			dst := make([]ID, 0, 16)
			benchCPU(b, func(i int) { dst = s.Lookup(obs[i&(len(obs)-1)], dst[:0]) })
		})
	}
}

// fourLabels returns a 4-label subdomain of v, a 2- or 3-label domain.
func fourLabels(v string) string {
	if strings.Count(v, ".") == 2 {
		return "www." + v
	}
	return "www.cdn." + v
}

// benchObservables draws 4096 observables of type t that all match (hits) or all miss.
func benchObservables(b *testing.B, s *Snapshot, t vigil.IndicatorType, gen func() string, hits bool) []vigil.Observable {
	obs := make([]vigil.Observable, 0, 4096)
	for tries := 0; len(obs) < cap(obs); tries++ {
		if tries > 100*cap(obs) {
			b.Fatalf("cannot draw %s observables with hits=%v", t, hits)
		}
		// A copy, so that hits are not slowed by reading corpus strings scattered over
		// the heap: an ingest path looks up values it has just parsed.
		o := vigil.Observable{Field: "f", Type: t, Value: strings.Clone(gen())}
		if (len(s.Lookup(o, nil)) > 0) == hits {
			obs = append(obs, o)
		}
	}
	return obs
}

func valuesOf(c *corpus, t vigil.IndicatorType) []string {
	var out []string
	for i, v := range c.values {
		if c.types[i] == t {
			out = append(out, v)
		}
	}
	return out
}

// BenchmarkBaseline measures yardsticks in the same run as the lookups, to read their
// figures against on a loaded or unfamiliar machine: parsing an address with
// net/netip, and one lookup in a Go map of a million strings (the floor of any
// map-based matcher), hit and miss.
func BenchmarkBaseline(b *testing.B) {
	c, _ := benchSnapshot()
	set := make(map[string]struct{}, len(c.values))
	for _, v := range c.values {
		set[v] = struct{}{}
	}
	r := rand.New(rand.NewPCG(5, 6))
	hits, misses, addrs := make([]string, 4096), make([]string, 4096), make([]string, 4096)
	for i := range hits {
		hits[i] = c.values[r.IntN(len(c.values))]
		misses[i] = randDomain(r)
		addrs[i] = randIPv4(r).String()
	}
	b.Run("netip.ParseAddr-ipv4", func(b *testing.B) {
		benchCPU(b, func(i int) { _, _ = netip.ParseAddr(addrs[i&4095]) })
	})
	b.Run("map-1M/hit", func(b *testing.B) { benchCPU(b, func(i int) { _ = set[hits[i&4095]] }) })
	b.Run("map-1M/miss", func(b *testing.B) { benchCPU(b, func(i int) { _ = set[misses[i&4095]] }) })
}

// benchCPU runs op(i) for i = 0..b.N-1 and reports CPU time per op beside wall time.
func benchCPU(b *testing.B, op func(i int)) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	cpu := startCPU(threadCPUTime)
	i := 0
	for b.Loop() {
		op(i)
		i++
	}
	cpu.report(b, i, 1, "cpu-ns/op")
}
