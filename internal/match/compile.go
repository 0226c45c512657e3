package match

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/vigil-health/vigil"
)

// Build compiles everything added since the Builder was made or last built into a
// Snapshot, and empties the Builder: adding more and building again yields a Snapshot
// of the later indicators only (Rejected keeps counting). Pending values are gathered,
// sorted, merged and released one part at a time, so that the heap holds the Snapshot
// so far, one part as sort keys and the values not yet compiled as Add filed them,
// rather than the values in full beside the Snapshot.
//
// Build runs on up to GOMAXPROCS goroutines (on its caller's alone for fewer than
// 16,384 indicators, an Apply's overlay say), one kind on each at a time, the largest
// first (it takes longest). Each part's order and each kind's table depend only on its
// own values, so the Snapshot is the same however many goroutines there are.
func (b *Builder) Build() *Snapshot {
	s := &Snapshot{}
	workers := b.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
		if b.added < 1<<14 { // an Apply's overlay: not worth starting goroutines
			workers = 1
		}
	}
	run(b.jobs(s), workers)
	s.src.provs, s.src.refs = b.provs.provs, b.refs
	*b = Builder{bad: b.bad, workers: b.workers}
	s.bytes = s.memory()
	return s
}

// job is a piece of Build's work; size orders them, the largest first.
type job struct {
	size int
	run  func()
}

// run runs jobs on up to workers goroutines, the largest first.
func run(jobs []job, workers int) {
	slices.SortStableFunc(jobs, func(x, y job) int { return cmp.Compare(y.size, x.size) })
	if workers <= 1 {
		for _, j := range jobs {
			j.run()
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(jobs)); i = next.Add(1) - 1 {
				jobs[i].run()
			}
		})
	}
	wg.Wait()
}

// keying says how Build sorts and merges the values of a kind filed as V: key makes
// the i-th value of a part a key, order orders every pair of keys in a kind (the Add
// order last), same reports whether two keys are one value.
type keying[V, K any] struct {
	key   func(v V, i int) K
	order func(x, y K) int
	same  func(x, y K) bool
}

// jobs returns one job a kind that compiles it into s. A job writes only its own kind
// (its table and sources in s, its pending values in b); all of them read b's
// provenance and Refs.
func (b *Builder) jobs(s *Snapshot) []job {
	d := dedup{provs: b.provs.provs, refs: b.refs}
	v4 := keying[uint32, uint64]{v4Key, cmp.Compare[uint64], func(x, y uint64) bool { return x>>32 == y>>32 }}
	v6 := keying[u128, seqd[u128]]{seqKey[u128], bySeq(compareHashed6), sameValue[u128]}
	nets := keying[netip.Prefix, seqd[netip.Prefix]]{seqKey[netip.Prefix], bySeq(netip.Prefix.Compare), sameValue[netip.Prefix]}
	jobs := []job{
		{16 * b.v4.n, func() {
			s.v4 = newV4Set(compileKeys(&s.src, kIPv4, d, &b.v4, v4, func(x uint64) uint32 { return uint32(x >> 32) }))
		}},
		{32 * b.v6.n, func() { s.v6 = newV6Set(compileKeys(&s.src, kIPv6, d, &b.v6, v6, valueOf)) }},
		{48 * b.nets.n, func() { s.nets = newNetSet(compileKeys(&s.src, kCIDR, d, &b.nets, nets, valueOf)) }},
	}
	for _, k := range []kind{kDomain, kURL, kEmail, kFilename, kJA4} {
		ps := b.strs[k]
		if ps == nil {
			*s.strSet(k) = strSet{k: k}
			continue
		}
		jobs = append(jobs, job{16*ps.refs.n + ps.bytes.size, func() { *s.strSet(k) = ps.compile(&s.src, k, d) }})
	}
	for _, k := range []kind{kMD5, kSHA1, kSHA256, kSHA512, kX509SHA1, kX509SHA256, kJA3, kJA3S} {
		ph := b.hashes[k]
		if ph == nil {
			*s.hashSet(k) = newHashSet(k, nil)
			continue
		}
		jobs = append(jobs, job{20*ph.refs.n + ph.size, func() { *s.hashSet(k) = ph.compile(&s.src, k, d) }})
	}
	return jobs
}

// bySeq returns the order of values by compare, then by Add order.
func bySeq[V any](compare func(V, V) int) func(x, y seqd[V]) int {
	return func(x, y seqd[V]) int {
		if r := compare(x.v, y.v); r != 0 {
			return r
		}
		return cmp.Compare(x.seq, y.seq)
	}
}

// sameValue reports whether x and y are the same value, whatever their Add order.
func sameValue[V comparable](x, y seqd[V]) bool { return x.v == y.v }

// valueOf returns x's value.
func valueOf[V any](x seqd[V]) V { return x.v }

// compileKeys compiles the parts of ps and returns the value of each distinct key, in order.
func compileKeys[P, K, V any](src *sources, k kind, d dedup, ps *parts[P, K], kk keying[P, K], value func(K) V) []V {
	keys := make([]V, 0, ps.n)
	compile(src, k, d, ps, kk, func(p pend[K]) { keys = append(keys, value(p.key)) })
	return shrink(keys)
}

// order orders string values by the top half of their strHash, then by content, then
// by Add order.
func (p *pendingStrs) order(x, y strRef) int {
	if r := cmp.Compare(x.h, y.h); r != 0 {
		return r
	}
	if r := bytes.Compare(p.value(x.off), p.value(y.off)); r != 0 {
		return r
	}
	return cmp.Compare(x.off, y.off)
}

// same reports whether x and y are the same string value.
func (p *pendingStrs) same(x, y strRef) bool {
	return x.h == y.h && bytes.Equal(p.value(x.off), p.value(y.off))
}

// compile compiles the parts of string kind k and releases the pending values
// before indexing them. The set keeps the pending arena as its own, each entry named by
// its first value's offset, so that compiling copies no bytes (at the peak of a
// rebuild, the domains' bytes were held twice): unless values repeat so much that the
// arena is an eighth or more duplicates, which are then left behind in a copy.
func (p *pendingStrs) compile(src *sources, k kind, d dedup) strSet {
	offs := make([]uint32, 0, p.refs.n)
	distinct := 0
	n := compile(src, k, d, &p.refs, keying[uint32, strRef]{p.key, p.order, p.same}, func(r pend[strRef]) {
		offs = append(offs, r.key.off)
		distinct += len(p.value(r.key.off))
	})
	if n == 0 {
		*p = pendingStrs{}
		return strSet{k: k}
	}
	values := p.bytes
	if distinct < p.bytes.size-p.bytes.size/8 {
		values = arena{}
		for i, off := range offs {
			v := p.value(off)
			offs[i], _ = values.add(unsafe.String(&v[0], len(v))) //nolint:gosec // a view add copies; values are never empty
		}
	}
	*p = pendingStrs{}
	return newStrSet(k, values.frozen(), shrink(offs))
}

// order returns the order of digests of hash kind k: by their first 8 bytes, then
// whole, then by Add order.
func (p *pendingHashes) order(k kind) func(x, y digestRef) int {
	size := k.hashSize()
	return func(x, y digestRef) int {
		if r := cmp.Compare(x.prefix(), y.prefix()); r != 0 {
			return r
		}
		if r := bytes.Compare(p.digest(x, size), p.digest(y, size)); r != 0 {
			return r
		}
		return cmp.Compare(x.pos, y.pos)
	}
}

// compile compiles the parts of hash kind k into a set of packed digests.
func (p *pendingHashes) compile(src *sources, k kind, d dedup) hashSet {
	size := k.hashSize()
	packed := make([]byte, 0, p.refs.n*size)
	same := func(x, y digestRef) bool {
		return x.hi == y.hi && x.lo == y.lo && bytes.Equal(p.digest(x, size), p.digest(y, size))
	}
	key := func(pos uint32, _ int) digestRef { return p.key(pos, size) }
	compile(src, k, d, &p.refs, keying[uint32, digestRef]{key, p.order(k), same},
		func(r pend[digestRef]) { packed = append(packed, p.digest(r.key, size)...) })
	*p = pendingHashes{}
	return newHashSet(k, shrink(packed))
}

// compile merges the values of kind k pending in ps, records the merged claims of each
// in src, and calls emit with each distinct value in order. It takes the parts one at
// a time, gathering each as keys, sorting, merging and releasing it, and keeps each
// part's claims apart, so that neither the keys nor the claims of a whole kind are
// ever held beside the values not compiled yet. It returns the number of distinct
// values.
func compile[V, K any](src *sources, k kind, d dedup, ps *parts[V, K], kk keying[V, K], emit func(pend[K])) int {
	var runs manyClaims
	var claims claimList
	var p []pend[K]
	n := 0
	for part := range ps.p {
		p = ps.p[part].gather(p, kk.key)
		slices.SortFunc(p, func(x, y pend[K]) int { return kk.order(x.key, y.key) })
		pc := make([]claim, 0, len(p))
		for i := 0; i < len(p); {
			j := i + 1
			for j < len(p) && kk.same(p[i].key, p[j].key) {
				j++
			}
			first := len(pc)
			pc = addClaims(&d, pc, p[i:j])
			runs.note(n, len(pc)-first)
			emit(p[i])
			n, i = n+1, j
		}
		claims.add(shrink(pc))
	}
	if n > maxIndex {
		panic(fmt.Sprintf("match: %d distinct %s indicators, more than the %d an ID can name", n, k.indicatorType(), maxIndex))
	}
	if n > 0 {
		src.many[k] = manyClaims{entries: shrink(runs.entries), extra: shrink(runs.extra)}
		src.claims[k] = claims
	}
	return n
}

// dedup drops the claims that repeat an earlier claim on the same entry. It reads the
// Builder's provenance and Refs, which no job writes.
type dedup struct {
	provs []vigil.Provenance
	refs  refArena
	seen  map[claimKey]struct{} // scratch for entries with many claims
}

// addClaims appends the claims of run, one entry's, to claims, dropping any that
// repeats an earlier one.
func addClaims[K any](d *dedup, claims []claim, run []pend[K]) []claim {
	first := len(claims)
	for _, q := range run {
		if len(run) == 1 || !d.repeated(q.c, claims[first:], len(run)) {
			claims = append(claims, q.c)
		}
	}
	return claims
}

// repeated reports whether claim a repeats one of kept, the claims already recorded
// for its entry; runLen is the number of claims on the entry, to choose between
// scanning kept and keeping a set.
func (d *dedup) repeated(a claim, kept []claim, runLen int) bool {
	if runLen <= 16 {
		return slices.ContainsFunc(kept, func(k claim) bool { return d.same(k, a) })
	}
	if len(kept) == 0 {
		d.seen = make(map[claimKey]struct{}, runLen)
	}
	key := d.keyOf(a)
	_, dup := d.seen[key]
	d.seen[key] = struct{}{}
	return dup
}

// claimKey identifies a claim for deduplication: by source and Ref when it has a Ref,
// by its whole provenance when it has none.
type claimKey struct {
	source, ref string
	prov        uint32
}

// keyOf returns the deduplication key of claim a.
func (d *dedup) keyOf(a claim) claimKey {
	if a.ref == 0 {
		return claimKey{prov: a.prov}
	}
	return claimKey{source: d.provs[a.prov].Source, ref: d.refs.text(a.ref), prov: math.MaxUint32}
}

// same reports whether claims a and b are one claim: the same source and Ref, or, both
// without a Ref, the same provenance.
func (d *dedup) same(a, b claim) bool {
	if a.ref == 0 || b.ref == 0 {
		return a.ref == b.ref && a.prov == b.prov
	}
	return a == b || d.refs.equal(a.ref, b.ref) && d.provs[a.prov].Source == d.provs[b.prov].Source
}

// shrink returns s without spare capacity, copying when the spare is worth reclaiming.
func shrink[S ~[]E, E any](s S) S {
	if cap(s)-len(s) <= len(s)/16 {
		return s
	}
	return slices.Clone(s)
}
