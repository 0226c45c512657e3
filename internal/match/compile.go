package match

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
)

// Build compiles everything added so far into a Snapshot. The Builder stays usable:
// adding more and building again yields a new Snapshot including the earlier indicators.
func (b *Builder) Build() *Snapshot {
	c := &compiler{b: b, claims: make([]claim, 0, len(b.claims))}
	s := &Snapshot{}
	s.v4 = newV4Set(compile(c, kIPv4, b.v4, cmp.Compare[uint32]))
	s.v6 = newV6Set(compile(c, kIPv6, b.v6, compareHashed6))
	s.nets = newNetSet(compile(c, kCIDR, b.nets, netip.Prefix.Compare))
	for _, k := range []kind{kDomain, kURL, kEmail, kFilename, kJA4} {
		*s.strSet(k) = newStrSet(k, compile(c, k, b.strs[k], compareHashed))
	}
	for _, k := range []kind{kMD5, kSHA1, kSHA256, kSHA512, kX509SHA1, kX509SHA256, kJA3, kJA3S} {
		size, all := k.hashSize(), b.digests[k]
		digest := func(r digestRef) []byte { return all[r.pos : int(r.pos)+size] }
		refs := compile(c, k, b.hashes[k], func(x, y digestRef) int {
			if r := cmp.Compare(x.prefix, y.prefix); r != 0 {
				return r
			}
			return bytes.Compare(digest(x), digest(y))
		})
		packed := make([]byte, 0, len(refs)*size)
		for _, r := range refs {
			packed = append(packed, digest(r)...)
		}
		*s.hashSet(k) = newHashSet(k, packed)
	}
	s.src = sources{starts: c.starts, claims: shrink(c.claims), provs: slices.Clone(b.provs.provs), refs: slices.Clone(b.refs)}
	s.bytes = s.memory()
	return s
}

// compareHashed orders hashed strings by hash, then by content.
func compareHashed(x, y hashedString) int {
	if r := cmp.Compare(x.h, y.h); r != 0 {
		return r
	}
	return strings.Compare(x.s, y.s)
}

// compiler carries the merged claims of every kind while Build runs.
type compiler struct {
	b      *Builder
	starts [numKinds][]uint32
	claims []claim
	seen   map[claimKey]struct{} // scratch for entries with many claims
}

// compile sorts the values added for kind k, merges equal ones, records the merged
// claims of each and returns the distinct values in sorted order.
func compile[K any](c *compiler, k kind, p []pend[K], compare func(K, K) int) []K {
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
	keys := make([]K, 0, n)
	starts := make([]uint32, 0, n+1)
	for i := 0; i < len(p); {
		j := i + 1
		for j < len(p) && compare(p[i].key, p[j].key) == 0 {
			j++
		}
		keys = append(keys, p[i].key)
		starts = append(starts, uint32(len(c.claims)))
		addClaims(c, p[i:j])
		i = j
	}
	if n > 0 {
		c.starts[k] = append(starts, uint32(len(c.claims)))
	}
	return keys
}

// addClaims records the claims of one entry, dropping any that repeats an earlier one.
func addClaims[K any](c *compiler, run []pend[K]) {
	first := len(c.claims)
	for _, q := range run {
		a := c.b.claims[q.seq]
		if len(run) == 1 || !c.repeated(a, c.claims[first:], len(run)) {
			c.claims = append(c.claims, a)
		}
	}
}

// repeated reports whether claim a repeats one of kept, the claims already recorded
// for its entry; runLen is the number of claims on the entry, to choose between
// scanning kept and keeping a set.
func (c *compiler) repeated(a claim, kept []claim, runLen int) bool {
	if runLen <= 16 {
		return slices.ContainsFunc(kept, func(k claim) bool { return c.same(k, a) })
	}
	if len(kept) == 0 {
		c.seen = make(map[claimKey]struct{}, runLen)
	}
	key := c.keyOf(a)
	_, dup := c.seen[key]
	c.seen[key] = struct{}{}
	return dup
}

// claimKey identifies a claim for deduplication: by source and Ref when it has a Ref,
// by its whole provenance when it has none.
type claimKey struct {
	source, ref string
	prov        uint32
}

// keyOf returns the deduplication key of claim a.
func (c *compiler) keyOf(a claim) claimKey {
	if a.ref == 0 {
		return claimKey{prov: a.prov}
	}
	return claimKey{source: c.b.provs.provs[a.prov].Source, ref: string(c.b.refs.get(a.ref)), prov: math.MaxUint32}
}

// same reports whether claims a and b are one claim: the same source and Ref, or, both
// without a Ref, the same provenance.
func (c *compiler) same(a, b claim) bool {
	if a.ref == 0 || b.ref == 0 {
		return a.ref == b.ref && a.prov == b.prov
	}
	return a == b || string(c.b.refs.get(a.ref)) == string(c.b.refs.get(b.ref)) &&
		c.b.provs.provs[a.prov].Source == c.b.provs.provs[b.prov].Source
}

// shrink returns s without spare capacity, copying when the spare is worth reclaiming.
func shrink[S ~[]E, E any](s S) S {
	if cap(s)-len(s) <= len(s)/16 {
		return s
	}
	return slices.Clone(s)
}
