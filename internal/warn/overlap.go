package warn

import (
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
)

// Overlap is a pair of claims by two different organisations on the same asset, or on
// one asset inside the other. NewRouter reports them so that an analyst can confirm
// (a trust that hosts a GP practice's network) or correct (a typing mistake) them.
type Overlap struct {
	// Wider is the claim that contains the other; when they are equal, the one whose org
	// sorts first.
	Wider vigil.AssetClaim
	// Narrower is the claim inside Wider. Route sends events inside it to Narrower's
	// organisation only, unless the claims are Equal.
	Narrower vigil.AssetClaim
	// Equal reports whether both claim exactly the same range or domain; Route sends its
	// events to both organisations.
	Equal bool
}

// String describes the overlap for an analyst: "E1 and E2 both claim 192.0.2.0/24" or
// "E1 claims 192.0.0.0/16, which contains E2's 192.0.2.0/24".
func (o Overlap) String() string {
	if o.Equal {
		return o.Wider.Org + " and " + o.Narrower.Org + " both claim " + claimAsset(o.Narrower)
	}
	return o.Wider.Org + " claims " + claimAsset(o.Wider) + ", which contains " + o.Narrower.Org + "'s " + claimAsset(o.Narrower)
}

// claimAsset returns the claimed range or domain as text.
func claimAsset(c vigil.AssetClaim) string {
	if c.Prefix.IsValid() {
		return c.Prefix.String()
	}
	return c.Name
}

// netOverlaps finds equal and nested prefix claims in one pass over r.nets, which is
// sorted so that each prefix comes before the prefixes inside it. The stack holds the
// chain of registered prefixes containing the current one.
func (r *Router) netOverlaps() []Overlap {
	var out []Overlap
	var stack []netEntry
	for _, e := range r.nets {
		for len(stack) > 0 && !stack[len(stack)-1].p.Contains(e.p.Addr()) {
			stack = stack[:len(stack)-1]
		}
		if e.s.n > 1 {
			out = r.pairs(out, e.s, e.s, netClaim(e.p), netClaim(e.p))
		}
		for _, wide := range stack {
			out = r.pairs(out, wide.s, e.s, netClaim(wide.p), netClaim(e.p))
		}
		stack = append(stack, e)
	}
	return out
}

func netClaim(p netip.Prefix) func(string) vigil.AssetClaim {
	return func(org string) vigil.AssetClaim { return vigil.AssetClaim{Org: org, Prefix: p} }
}

func domainClaim(d string) func(string) vigil.AssetClaim {
	return func(org string) vigil.AssetClaim { return vigil.AssetClaim{Org: org, Name: d} }
}

// domainOverlaps finds equal domain claims and claims under another claimed domain.
func (r *Router) domainOverlaps() []Overlap {
	var out []Overlap
	for _, e := range r.rdoms {
		if e.s.n > 1 {
			out = r.pairs(out, e.s, e.s, domainClaim(e.domain), domainClaim(e.domain))
		}
		for parent := range parents(e.domain) {
			if s, ok := r.domains[parent]; ok {
				out = r.pairs(out, s, e.s, domainClaim(parent), domainClaim(e.domain))
			}
		}
	}
	return out
}

// parents yields the parent domains of d at label boundaries, longest first:
// "a.b.example" gives "b.example" and "example".
func parents(d string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for {
			i := strings.IndexByte(d, '.')
			if i < 0 {
				return
			}
			d = d[i+1:]
			if !yield(d) {
				return
			}
		}
	}
}

// pairs appends an Overlap for every pair of different organisations, one from wide and
// one from narrow. When wide and narrow are the same span the claims are equal, and each
// pair is reported once.
func (r *Router) pairs(out []Overlap, wide, narrow span, wideClaim, narrowClaim func(string) vigil.AssetClaim) []Overlap {
	equal := wide == narrow
	ws, ns := r.owners(wide), r.owners(narrow)
	for i, w := range ws {
		for j, n := range ns {
			if w == n || equal && j <= i {
				continue
			}
			out = append(out, Overlap{Wider: wideClaim(w), Narrower: narrowClaim(n), Equal: equal})
		}
	}
	return out
}
