package warn

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// Covering appends to dst every organisation whose registered assets overlap a
// normalised indicator, sorted and each once, and returns the extended slice. It answers
// "whose assets does this feed entry touch?", where Route answers "who owns this one
// observable?":
//
//   - cidr: every organisation with a range inside the network or containing it; a feed's
//     198.51.100.0/22 covers the owner of 198.51.100.0/24 and the owner of 198.51.0.0/16;
//   - ipv4, ipv6: every organisation with a range containing the address, not only the
//     most specific one;
//   - domain: every organisation whose domain is the name, a parent of it, or under it
//     (an indicator matches its subdomains); evil.trust.example covers trust.example's
//     owner, and trust.example covers the owner of gp.trust.example;
//   - url: as its host, an address or a domain, but without the domains under that host,
//     because a URL names one host;
//   - email: as the domain after the @, again without the domains under it.
//
// Route picks the single most specific owner, for sending an event to the one
// organisation that must act; Covering lists them all, for telling a sector analyst who is
// exposed to an indicator. Other types and values that are not normalised cover nothing.
func (r *Router) Covering(t vigil.IndicatorType, value string, dst []string) []string {
	start := len(dst)
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		if a, err := netip.ParseAddr(value); err == nil {
			a = a.Unmap().WithZone("")
			dst = r.coverPrefix(netip.PrefixFrom(a, a.BitLen()), dst)
		}
	case vigil.TypeCIDR:
		if p, err := netip.ParsePrefix(value); err == nil {
			dst = r.coverPrefix(unmapPrefix(p).Masked(), dst)
		}
	case vigil.TypeDomain:
		dst = r.coverDomain(value, true, dst)
	case vigil.TypeURL:
		host := ioc.URLHost(value)
		if a, ok := hostAddr(host); ok {
			a = a.Unmap().WithZone("")
			dst = r.coverPrefix(netip.PrefixFrom(a, a.BitLen()), dst)
		} else {
			dst = r.coverDomain(host, false, dst)
		}
	case vigil.TypeEmail:
		if i := strings.LastIndexByte(value, '@'); i >= 0 {
			dst = r.coverDomain(value[i+1:], false, dst)
		}
	}
	return sortUnique(dst, start)
}

// coverPrefix appends the owners of the registered prefixes that contain p (p included),
// then of those inside p.
func (r *Router) coverPrefix(p netip.Prefix, dst []string) []string {
	for q := p; ; {
		lpm, s, ok := r.ip.LookupPrefixLPM(q)
		if !ok {
			break
		}
		dst = append(dst, r.owners(s)...)
		if lpm.Bits() == 0 {
			break
		}
		q = netip.PrefixFrom(p.Addr(), lpm.Bits()-1)
	}
	// r.nets is sorted by address then length, so the prefixes inside p are the run
	// starting at p's own position: a shorter prefix starting inside p would not be aligned.
	i, _ := slices.BinarySearchFunc(r.nets, p, func(e netEntry, p netip.Prefix) int { return comparePrefix(e.p, p) })
	for ; i < len(r.nets) && p.Contains(r.nets[i].p.Addr()); i++ {
		if r.nets[i].p != p {
			dst = append(dst, r.owners(r.nets[i].s)...)
		}
	}
	return dst
}

// coverDomain appends the owners of d and of its parents, and with under also of the
// registered domains under d.
func (r *Router) coverDomain(d string, under bool, dst []string) []string {
	if d == "" || len(r.domains) == 0 {
		return dst
	}
	if s, ok := r.domains[d]; ok {
		dst = append(dst, r.owners(s)...)
	}
	for p := range parents(d) {
		if s, ok := r.domains[p]; ok {
			dst = append(dst, r.owners(s)...)
		}
	}
	if !under {
		return dst
	}
	key := reverseLabels(d) + "."
	i, _ := slices.BinarySearchFunc(r.rdoms, key, func(e domEntry, k string) int { return strings.Compare(e.rkey, k) })
	for ; i < len(r.rdoms) && strings.HasPrefix(r.rdoms[i].rkey, key); i++ {
		dst = append(dst, r.owners(r.rdoms[i].s)...)
	}
	return dst
}

// sortUnique sorts dst[start:] and removes repeats from it.
func sortUnique(dst []string, start int) []string {
	tail := dst[start:]
	slices.Sort(tail)
	return dst[:start+len(slices.Compact(tail))]
}
