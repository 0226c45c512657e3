package warn

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/gaissmai/bart"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// Router finds the organisations that own an IP address, network, domain or URL. It is
// built once by NewRouter and never changes, so any number of goroutines may use it.
// The zero Router has no claims and routes nothing.
type Router struct {
	ip      bart.Table[span] // registered prefix → its owners
	domains map[string]span  // registered domain → its owners
	orgs    []string         // owners of every span, each span's run sorted
	nets    []netEntry       // registered prefixes sorted by address then length, for Covering
	rdoms   []domEntry       // registered domains sorted by reversed labels, for Covering
	invalid []vigil.AssetClaim
}

// span is a run of r.orgs: the organisations that claimed one exact prefix or domain.
// It also holds the first of them, so that Route reads no more memory than the table's
// own when one organisation claimed the asset, as is usual.
type span struct {
	first  string
	off, n uint32
}

type netEntry struct {
	p netip.Prefix
	s span
}

// domEntry is a registered domain keyed by its labels reversed ("example.trust.mail"),
// so that every domain under a name sorts in one run after it.
type domEntry struct {
	rkey   string
	domain string
	s      span
}

// RouterStats counts what a Router holds.
type RouterStats struct {
	Prefixes int // distinct IP ranges registered
	Domains  int // distinct domains registered
	Claims   int // usable claims, after removing duplicates
	Invalid  int // claims left out because ValidateClaim refused them
}

// NewRouter compiles claims into a Router. Claims are normalised (ranges masked, domains
// lower-cased); a claim that ValidateClaim refuses is left out and listed by
// Router.Invalid; the same org claiming the same asset twice counts once. A claim's Kind
// is not read: a hostname is claimed as a domain, since the router has no exact-host
// claim, so names under a registered host route to its owner too, which errs on the side
// of telling someone.
//
// The returned overlaps list every pair of different organisations whose claims are equal
// or nested: the same range, one range inside another, the same domain, or one domain
// under another. The Router is built anyway: routing prefers the most specific claim, and
// an asset claimed by several organisations routes to all of them; the overlaps are for
// an analyst to confirm or correct. Ranges come first, in address order, then domains, ordered from the
// top-level label down.
func NewRouter(claims []vigil.AssetClaim) (*Router, []Overlap) {
	r := &Router{}
	nets := make([]vigil.AssetClaim, 0, len(claims))
	var doms []vigil.AssetClaim
	for _, c := range claims {
		n, err := normalizeClaim(c)
		switch {
		case err != nil:
			r.invalid = append(r.invalid, c)
		case n.Prefix.IsValid():
			nets = append(nets, n)
		default:
			doms = append(doms, n)
		}
	}
	r.orgs = make([]string, 0, len(nets)+len(doms))
	overlaps := r.addNets(nets)
	return r, append(overlaps, r.addDomains(doms)...)
}

// addNets registers the prefix claims and returns their overlaps.
func (r *Router) addNets(claims []vigil.AssetClaim) []Overlap {
	slices.SortFunc(claims, func(a, b vigil.AssetClaim) int {
		return cmp.Or(comparePrefix(a.Prefix, b.Prefix), strings.Compare(a.Org, b.Org))
	})
	same := func(a, b vigil.AssetClaim) bool { return a.Prefix == b.Prefix }
	r.nets = make([]netEntry, 0, countRuns(claims, same))
	for run := range runs(claims, same) {
		e := netEntry{p: run[0].Prefix, s: r.addOrgs(run)}
		r.nets = append(r.nets, e)
		r.ip.Insert(e.p, e.s)
	}
	return r.netOverlaps()
}

// addDomains registers the domain claims and returns their overlaps.
func (r *Router) addDomains(claims []vigil.AssetClaim) []Overlap {
	slices.SortFunc(claims, func(a, b vigil.AssetClaim) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Org, b.Org))
	})
	same := func(a, b vigil.AssetClaim) bool { return a.Name == b.Name }
	n := countRuns(claims, same)
	r.domains = make(map[string]span, n)
	r.rdoms = make([]domEntry, 0, n)
	for run := range runs(claims, same) {
		s := r.addOrgs(run)
		r.domains[run[0].Name] = s
		r.rdoms = append(r.rdoms, domEntry{rkey: reverseLabels(run[0].Name), domain: run[0].Name, s: s})
	}
	slices.SortFunc(r.rdoms, func(a, b domEntry) int { return strings.Compare(a.rkey, b.rkey) })
	return r.domainOverlaps()
}

// addOrgs appends the distinct organisations of a run of claims on one asset, which are
// sorted by org, and returns their span.
func (r *Router) addOrgs(run []vigil.AssetClaim) span {
	s := span{first: run[0].Org, off: uint32(len(r.orgs))}
	for i, c := range run {
		if i == 0 || c.Org != run[i-1].Org {
			r.orgs = append(r.orgs, c.Org)
		}
	}
	s.n = uint32(len(r.orgs)) - s.off
	return s
}

// owners returns the organisations of s.
func (r *Router) owners(s span) []string {
	return r.orgs[s.off : s.off+s.n]
}

// Invalid returns the claims NewRouter left out because ValidateClaim refused them, as
// they were given. The slice belongs to the Router: do not modify it.
func (r *Router) Invalid() []vigil.AssetClaim { return r.invalid }

// Stats counts the ranges, domains and claims the Router holds.
func (r *Router) Stats() RouterStats {
	return RouterStats{Prefixes: len(r.nets), Domains: len(r.domains), Claims: len(r.orgs), Invalid: len(r.invalid)}
}

// comparePrefix orders prefixes by address (IPv4 before IPv6), then wider first, so that
// every prefix inside another sorts in one run after it.
func comparePrefix(a, b netip.Prefix) int {
	return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
}

// runs yields the maximal runs of consecutive elements that same says are equal.
func runs[T any](s []T, same func(a, b T) bool) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for start := 0; start < len(s); {
			end := start + 1
			for end < len(s) && same(s[start], s[end]) {
				end++
			}
			if !yield(s[start:end]) {
				return
			}
			start = end
		}
	}
}

func countRuns[T any](s []T, same func(a, b T) bool) int {
	n := 0
	for range runs(s, same) {
		n++
	}
	return n
}

// reverseLabels turns "mail.trust.example" into "example.trust.mail".
func reverseLabels(d string) string {
	var b strings.Builder
	b.Grow(len(d))
	for d != "" {
		i := strings.LastIndexByte(d, '.')
		b.WriteString(d[i+1:])
		if i < 0 {
			break
		}
		b.WriteByte('.')
		d = d[:i]
	}
	return b.String()
}

// Route appends to dst the ODS codes of the organisations that own a normalised
// observable, and returns the extended slice. It finds the single most specific owner:
//
//   - ipv4, ipv6: the organisations of the longest registered prefix containing the
//     address (all of them when several claimed that exact prefix);
//   - cidr: the organisations of the longest registered prefix containing the whole
//     network; a feed's /22 does not route to the owner of a /24 inside it;
//   - domain: the organisations of the longest registered domain that is the name itself
//     or a parent at a label boundary (mail.trust.example routes to trust.example's
//     owner; nottrust.example does not);
//   - url: as its host, an IP address or a domain;
//   - email: as the domain after the @.
//
// Other types, values that are not normalised (see internal/ioc) and misses append
// nothing. For normalised values Route does not allocate unless dst must grow, so it can
// run on every event of a feed. Use Covering instead to find every organisation an
// indicator touches, wider or narrower.
func (r *Router) Route(t vigil.IndicatorType, value string, dst []string) []string {
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		if a, err := netip.ParseAddr(value); err == nil {
			return r.routeAddr(a, dst)
		}
	case vigil.TypeCIDR:
		if p, err := netip.ParsePrefix(value); err == nil {
			s, ok := r.ip.LookupPrefix(unmapPrefix(p))
			return r.appendIf(dst, s, ok)
		}
	case vigil.TypeDomain:
		return r.routeDomain(value, dst)
	case vigil.TypeURL:
		return r.routeHost(ioc.URLHost(value), dst)
	case vigil.TypeEmail:
		if i := strings.LastIndexByte(value, '@'); i >= 0 {
			return r.routeDomain(value[i+1:], dst)
		}
	}
	return dst
}

func (r *Router) routeAddr(a netip.Addr, dst []string) []string {
	s, ok := r.ip.Lookup(a.Unmap())
	return r.appendIf(dst, s, ok)
}

func (r *Router) appendIf(dst []string, s span, ok bool) []string {
	if !ok {
		return dst
	}
	return r.appendOwners(dst, s)
}

// appendOwners appends the organisations of s to dst.
func (r *Router) appendOwners(dst []string, s span) []string {
	if s.n == 1 {
		return append(dst, s.first)
	}
	return append(dst, r.owners(s)...)
}

// routeDomain tries d and then each parent of d, longest first.
func (r *Router) routeDomain(d string, dst []string) []string {
	if len(r.domains) == 0 {
		return dst
	}
	for d != "" {
		if s, ok := r.domains[d]; ok {
			return r.appendOwners(dst, s)
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return dst
}

// routeHost routes a URL's host, which is an IP address or a domain.
func (r *Router) routeHost(host string, dst []string) []string {
	if a, ok := hostAddr(host); ok {
		return r.routeAddr(a, dst)
	}
	return r.routeDomain(host, dst)
}

// hostAddr parses host when it is an IP literal. It calls netip.ParseAddr only on hosts
// that look like one, because a failed parse allocates its error.
func hostAddr(host string) (netip.Addr, bool) {
	if host == "" || strings.IndexByte(host, ':') < 0 && strings.Trim(host, "0123456789.") != "" {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	return a, err == nil
}
