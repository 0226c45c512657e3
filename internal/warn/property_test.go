package warn

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
	"pgregory.net/rapid"
)

// The generators draw from a small space, so that claims often nest and collide.

func addrGen() *rapid.Generator[netip.Addr] {
	return rapid.Custom(func(t *rapid.T) netip.Addr {
		if rapid.Bool().Draw(t, "v6") {
			var b [16]byte
			b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
			b[4] = rapid.ByteRange(0, 3).Draw(t, "b4")
			b[15] = rapid.Byte().Draw(t, "b15")
			return netip.AddrFrom16(b)
		}
		return netip.AddrFrom4([4]byte{10, 0, rapid.ByteRange(0, 4).Draw(t, "b2"), rapid.Byte().Draw(t, "b3")})
	})
}

func prefixGen() *rapid.Generator[netip.Prefix] {
	return rapid.Custom(func(t *rapid.T) netip.Prefix {
		a := addrGen().Draw(t, "addr")
		min := 20
		if a.Is6() {
			min = 32
		}
		return netip.PrefixFrom(a, rapid.IntRange(min, a.BitLen()).Draw(t, "bits"))
	})
}

func domainGen(minLabels int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		labels := rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "ab"}), minLabels, 3).Draw(t, "labels")
		return strings.Join(append(labels, "example"), ".")
	})
}

func claimGen() *rapid.Generator[vigil.AssetClaim] {
	return rapid.Custom(func(t *rapid.T) vigil.AssetClaim {
		c := vigil.AssetClaim{Org: rapid.SampledFrom([]string{"A", "B", "C", "D"}).Draw(t, "org")}
		if rapid.IntRange(0, 2).Draw(t, "kind") == 0 {
			c.Name = domainGen(1).Draw(t, "domain")
		} else {
			c.Prefix = prefixGen().Draw(t, "prefix")
		}
		return c
	})
}

type query struct {
	t     vigil.IndicatorType
	value string
}

func queryGen() *rapid.Generator[query] {
	return rapid.Custom(func(t *rapid.T) query {
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			return query{vigil.TypeDomain, domainGen(0).Draw(t, "domain")}
		case 1:
			return query{vigil.TypeCIDR, prefixGen().Draw(t, "cidr").Masked().String()}
		case 2:
			return query{vigil.TypeURL, "https://" + domainGen(1).Draw(t, "host") + "/x"}
		}
		a := addrGen().Draw(t, "addr")
		typ := vigil.TypeIPv4
		if a.Is6() {
			typ = vigil.TypeIPv6
		}
		return query{typ, a.String()}
	})
}

// TestRouteMatchesLinearScan checks Route, Covering and the overlaps against the
// obvious linear scan over the claims.
func TestRouteMatchesLinearScan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		claims := rapid.SliceOfN(claimGen(), 0, 30).Draw(t, "claims")
		r, overlaps := NewRouter(claims)
		norm := normalizeAll(claims)
		for _, q := range rapid.SliceOfN(queryGen(), 1, 20).Draw(t, "queries") {
			if diff := cmp.Diff(naiveRoute(norm, q), r.Route(q.t, q.value, nil), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("Route(%s, %q) differs from a linear scan (-scan +Route):\n%s", q.t, q.value, diff)
			}
			if diff := cmp.Diff(naiveCovering(norm, q), r.Covering(q.t, q.value, nil), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("Covering(%s, %q) differs from a linear scan (-scan +Covering):\n%s", q.t, q.value, diff)
			}
		}
		if want := naiveOverlapCount(norm); len(overlaps) != want {
			t.Fatalf("NewRouter found %d overlaps, a scan of every pair finds %d: %v", len(overlaps), want, overlaps)
		}
	})
}

// normalizeAll returns the normalised claims without repeats.
func normalizeAll(claims []vigil.AssetClaim) []vigil.AssetClaim {
	var out []vigil.AssetClaim
	for _, c := range claims {
		n, err := normalizeClaim(c)
		if err == nil && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// naiveRoute finds the most specific claims on q by looking at every claim.
func naiveRoute(claims []vigil.AssetClaim, q query) []string {
	best, orgs := -1, []string(nil)
	for _, c := range claims {
		n, ok := specificity(c, q)
		switch {
		case !ok || n < best:
		case n > best:
			best, orgs = n, []string{c.Org}
		default:
			orgs = append(orgs, c.Org)
		}
	}
	slices.Sort(orgs)
	return slices.Compact(orgs)
}

// specificity says whether claim c owns all of q, and how specific c is.
func specificity(c vigil.AssetClaim, q query) (int, bool) {
	switch q.t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		return c.Prefix.Bits(), c.Prefix.IsValid() && c.Prefix.Contains(netip.MustParseAddr(q.value))
	case vigil.TypeCIDR:
		p := netip.MustParsePrefix(q.value)
		return c.Prefix.Bits(), c.Prefix.IsValid() && c.Prefix.Bits() <= p.Bits() && c.Prefix.Contains(p.Addr())
	}
	d := q.value
	if q.t == vigil.TypeURL {
		d = strings.TrimSuffix(strings.TrimPrefix(d, "https://"), "/x")
	}
	return len(c.Name), c.Name != "" && underOrEqual(d, c.Name)
}

func underOrEqual(d, parent string) bool {
	return d == parent || strings.HasSuffix(d, "."+parent)
}

// naiveCovering finds every claim that overlaps q by looking at every claim.
func naiveCovering(claims []vigil.AssetClaim, q query) []string {
	var orgs []string
	for _, c := range claims {
		if overlapsQuery(c, q) {
			orgs = append(orgs, c.Org)
		}
	}
	slices.Sort(orgs)
	return slices.Compact(orgs)
}

func overlapsQuery(c vigil.AssetClaim, q query) bool {
	switch q.t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		return c.Prefix.IsValid() && c.Prefix.Contains(netip.MustParseAddr(q.value))
	case vigil.TypeCIDR:
		return c.Prefix.IsValid() && c.Prefix.Overlaps(netip.MustParsePrefix(q.value))
	case vigil.TypeURL:
		_, ok := specificity(c, q)
		return ok
	}
	return c.Name != "" && (underOrEqual(q.value, c.Name) || underOrEqual(c.Name, q.value))
}

// naiveOverlapCount counts the pairs of claims by different orgs that are equal or nested.
func naiveOverlapCount(claims []vigil.AssetClaim) int {
	n := 0
	for i, a := range claims {
		for _, b := range claims[i+1:] {
			if a.Org == b.Org {
				continue
			}
			nested := a.Name != "" && b.Name != "" && (underOrEqual(a.Name, b.Name) || underOrEqual(b.Name, a.Name))
			if nested || a.Prefix.IsValid() && b.Prefix.IsValid() && a.Prefix.Overlaps(b.Prefix) {
				n++
			}
		}
	}
	return n
}
