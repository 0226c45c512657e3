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

	"github.com/vigil-health/vigil"
)

// Build compiles everything added since the Builder was made or last built into a
// Snapshot, and empties the Builder: adding more and building again yields a Snapshot
// of the later indicators only (Rejected keeps counting). Each type's pending values
// are released as soon as that type is compiled, so that the heap holds the Snapshot so
// far and the values not yet compiled rather than both in full.
//
// The types are compiled on up to GOMAXPROCS goroutines, the largest first (it frees
// most and takes longest); each type's table depends only on its own values, so the
// Snapshot is the same however many goroutines there are.
func (b *Builder) Build() *Snapshot {
	s := &Snapshot{}
	jobs := b.jobs(s)
	slices.SortStableFunc(jobs, func(x, y job) int { return cmp.Compare(y.size, x.size) })
	workers := b.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	run(jobs, workers)
	s.src.provs, s.src.refs = b.provs.provs, shrink(b.refs)
	*b = Builder{bad: b.bad, workers: b.workers}
	s.bytes = s.memory()
	return s
}

// job compiles one kind into the Snapshot; size is its pending bytes.
type job struct {
	size int
	run  func()
}

// run runs jobs on up to workers goroutines, taking them in order.
func run(jobs []job, workers int) {
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

// jobs returns one job a kind. Each writes only its own kind's table and sources in s
// and drops its own kind's pending values from b; all of them only read b's
// provenance and Refs.
func (b *Builder) jobs(s *Snapshot) []job {
	d := dedup{provs: b.provs.provs, refs: b.refs}
	jobs := []job{
		{16 * len(b.v4), func() {
			p := compile(&s.src, kIPv4, d, b.v4, cmp.Compare[uint32])
			s.v4 = newV4Set(keys(p))
			b.v4 = nil
		}},
		{32 * len(b.v6), func() {
			p := compile(&s.src, kIPv6, d, b.v6, compareHashed6)
			s.v6 = newV6Set(keys(p))
			b.v6 = nil
		}},
		{48 * len(b.nets), func() {
			p := compile(&s.src, kCIDR, d, b.nets, netip.Prefix.Compare)
			s.nets = newNetSet(keys(p))
			b.nets = nil
		}},
	}
	for _, k := range []kind{kDomain, kURL, kEmail, kFilename, kJA4} {
		ps := &b.strs[k]
		jobs = append(jobs, job{24*len(ps.refs) + len(ps.chunks)<<chunkBits, func() {
			*s.strSet(k) = ps.compile(&s.src, k, d)
			*ps = pendingStrs{}
		}})
	}
	for _, k := range []kind{kMD5, kSHA1, kSHA256, kSHA512, kX509SHA1, kX509SHA256, kJA3, kJA3S} {
		ph := &b.hashes[k]
		jobs = append(jobs, job{24*len(ph.refs) + len(ph.digests), func() {
			*s.hashSet(k) = ph.compile(&s.src, k, d)
			*ph = pendingHashes{}
		}})
	}
	return jobs
}

// compile compiles the pending string values of kind k.
func (p *pendingStrs) compile(src *sources, k kind, d dedup) strSet {
	refs := compile(src, k, d, p.refs, func(x, y strRef) int {
		if r := cmp.Compare(x.h, y.h); r != 0 {
			return r
		}
		return bytes.Compare(p.value(x.off), p.value(y.off))
	})
	return newStrSet(k, len(refs), func(i int) []byte { return p.value(refs[i].key.off) })
}

// compile compiles the pending digests of hash kind k.
func (p *pendingHashes) compile(src *sources, k kind, d dedup) hashSet {
	size := k.hashSize()
	digest := func(r digestRef) []byte { return p.digests[r.pos : int(r.pos)+size] }
	refs := compile(src, k, d, p.refs, func(x, y digestRef) int {
		if r := cmp.Compare(x.prefix, y.prefix); r != 0 {
			return r
		}
		return bytes.Compare(digest(x), digest(y))
	})
	packed := make([]byte, 0, len(refs)*size)
	for _, r := range refs {
		packed = append(packed, digest(r.key)...)
	}
	return newHashSet(k, packed)
}

// keys returns the keys of p in a slice of their own.
func keys[K any](p []pend[K]) []K {
	out := make([]K, len(p))
	for i := range p {
		out[i] = p[i].key
	}
	return out
}

// compile sorts the values p pending for kind k, merges equal ones, records the merged
// claims of each in src and returns the distinct values in sorted order, moved to the
// front of p.
func compile[K any](src *sources, k kind, d dedup, p []pend[K], compare func(K, K) int) []pend[K] {
	slices.SortFunc(p, func(x, y pend[K]) int {
		if r := compare(x.key, y.key); r != 0 {
			return r
		}
		return cmp.Compare(x.seq, y.seq)
	})
	n := 0
	for i := range p {
		if i == 0 || compare(p[i-1].key, p[i].key) != 0 {
			n++
		}
	}
	if n > maxIndex {
		panic(fmt.Sprintf("match: %d distinct %s indicators, more than the %d an ID can name", n, k.indicatorType(), maxIndex))
	}
	if n == 0 {
		return p[:0]
	}
	starts := make([]uint32, 0, n+1)
	claims := make([]claim, 0, len(p))
	w := 0
	for i := 0; i < len(p); {
		j := i + 1
		for j < len(p) && compare(p[i].key, p[j].key) == 0 {
			j++
		}
		starts = append(starts, uint32(len(claims)))
		claims = addClaims(&d, claims, p[i:j])
		p[w] = p[i] // w <= i: the run's claims are read already
		w, i = w+1, j
	}
	src.starts[k] = append(starts, uint32(len(claims)))
	src.claims[k] = shrink(claims)
	return p[:n]
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
	return claimKey{source: d.provs[a.prov].Source, ref: string(d.refs.get(a.ref)), prov: math.MaxUint32}
}

// same reports whether claims a and b are one claim: the same source and Ref, or, both
// without a Ref, the same provenance.
func (d *dedup) same(a, b claim) bool {
	if a.ref == 0 || b.ref == 0 {
		return a.ref == b.ref && a.prov == b.prov
	}
	return a == b || string(d.refs.get(a.ref)) == string(d.refs.get(b.ref)) &&
		d.provs[a.prov].Source == d.provs[b.prov].Source
}

// shrink returns s without spare capacity, copying when the spare is worth reclaiming.
func shrink[S ~[]E, E any](s S) S {
	if cap(s)-len(s) <= len(s)/16 {
		return s
	}
	return slices.Clone(s)
}
