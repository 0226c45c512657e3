package warn

import (
	"net/netip"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

var pfx = netip.MustParsePrefix

// testClaims is a small sector: a trust whose network and domain contain a GP practice's,
// two care providers sharing one range and one domain, and a single host.
func testClaims() []vigil.AssetClaim {
	return []vigil.AssetClaim{
		{Org: "RGT", Prefix: pfx("198.51.100.0/24")},
		{Org: "Y0001", Prefix: pfx("198.51.100.128/25")},
		{Org: "ABC", Prefix: pfx("203.0.113.0/24")},
		{Org: "DEF", Prefix: pfx("203.0.113.0/24")},
		{Org: "HOST", Prefix: pfx("192.0.2.7/32")},
		{Org: "RGT", Prefix: pfx("2001:db8::/32")},
		{Org: "Y0001", Prefix: pfx("2001:db8:1::/48")},
		{Org: "RGT", Name: "trust.example"},
		{Org: "Y0001", Name: "gp.trust.example"},
		{Org: "ABC", Name: "shared.example"},
		{Org: "DEF", Name: "Shared.Example."},
	}
}

func testRouter(t testing.TB) *Router {
	t.Helper()
	r, _ := NewRouter(testClaims())
	if len(r.Invalid()) != 0 {
		t.Fatalf("test claims are invalid: %v", r.Invalid())
	}
	return r
}

func TestRoute(t *testing.T) {
	r := testRouter(t)
	tests := []struct {
		name  string
		typ   vigil.IndicatorType
		value string
		want  []string
	}{
		{"ipv4 in the trust's range", vigil.TypeIPv4, "198.51.100.5", []string{"RGT"}},
		{"ipv4 in the GP's range inside the trust's", vigil.TypeIPv4, "198.51.100.200", []string{"Y0001"}},
		{"ipv4 first address of nested range", vigil.TypeIPv4, "198.51.100.128", []string{"Y0001"}},
		{"ipv4 last address before nested range", vigil.TypeIPv4, "198.51.100.127", []string{"RGT"}},
		{"ipv4 claimed equally by two", vigil.TypeIPv4, "203.0.113.9", []string{"ABC", "DEF"}},
		{"ipv4 single host claim", vigil.TypeIPv4, "192.0.2.7", []string{"HOST"}},
		{"ipv4 next to single host", vigil.TypeIPv4, "192.0.2.8", nil},
		{"ipv4 miss", vigil.TypeIPv4, "8.8.8.8", nil},
		{"ipv6 in the trust's range", vigil.TypeIPv6, "2001:db8:2::1", []string{"RGT"}},
		{"ipv6 in the GP's /48", vigil.TypeIPv6, "2001:db8:1::5", []string{"Y0001"}},
		{"ipv6 miss", vigil.TypeIPv6, "2001:db9::1", nil},
		{"ipv4-mapped ipv6", vigil.TypeIPv6, "::ffff:198.51.100.5", []string{"RGT"}},
		{"not an address", vigil.TypeIPv4, "trust.example", nil},
		{"cidr inside the trust's range", vigil.TypeCIDR, "198.51.100.0/26", []string{"RGT"}},
		{"cidr inside the GP's range", vigil.TypeCIDR, "198.51.100.192/26", []string{"Y0001"}},
		{"cidr equal to the trust's range", vigil.TypeCIDR, "198.51.100.0/24", []string{"RGT"}},
		{"cidr wider than any claim", vigil.TypeCIDR, "198.51.100.0/22", nil},
		{"cidr next to the trust's range", vigil.TypeCIDR, "198.51.101.0/24", nil},
		{"cidr ipv6", vigil.TypeCIDR, "2001:db8:1:2::/64", []string{"Y0001"}},
		{"domain exact", vigil.TypeDomain, "trust.example", []string{"RGT"}},
		{"domain subdomain", vigil.TypeDomain, "mail.trust.example", []string{"RGT"}},
		{"domain nested claim wins", vigil.TypeDomain, "www.gp.trust.example", []string{"Y0001"}},
		{"domain nested claim exact", vigil.TypeDomain, "gp.trust.example", []string{"Y0001"}},
		{"domain not at a label boundary", vigil.TypeDomain, "nottrust.example", nil},
		{"domain sibling of nested claim", vigil.TypeDomain, "xgp.trust.example", []string{"RGT"}},
		{"domain claimed equally by two", vigil.TypeDomain, "www.shared.example", []string{"ABC", "DEF"}},
		{"domain parent of a claim", vigil.TypeDomain, "example", nil},
		{"domain that only ends with a claim", vigil.TypeDomain, "trust.example.evil.example", nil},
		{"domain miss", vigil.TypeDomain, "evil.example", nil},
		{"url with domain host", vigil.TypeURL, "https://portal.trust.example/login?next=/", []string{"RGT"}},
		{"url with port", vigil.TypeURL, "http://gp.trust.example:8080/", []string{"Y0001"}},
		{"url with userinfo", vigil.TypeURL, "http://admin:pw@trust.example/x", []string{"RGT"}},
		{"url with ipv4 host", vigil.TypeURL, "http://198.51.100.200:8443/x", []string{"Y0001"}},
		{"url with ipv6 host", vigil.TypeURL, "http://[2001:db8:1::1]:8443/x", []string{"Y0001"}},
		{"url naming a claim only in its path", vigil.TypeURL, "http://evil.example/trust.example@198.51.100.5/", nil},
		{"url with numeric domain", vigil.TypeURL, "http://1.trust.example/", []string{"RGT"}},
		{"url without scheme", vigil.TypeURL, "trust.example/x", nil},
		{"email", vigil.TypeEmail, "ceo@trust.example", []string{"RGT"}},
		{"hash", vigil.TypeSHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Route(tt.typ, tt.value, nil)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Route(%s, %q) mismatch (-want +got):\n%s", tt.typ, tt.value, diff)
			}
		})
	}
}

func TestRouteAppends(t *testing.T) {
	r := testRouter(t)
	got := r.Route(vigil.TypeIPv4, "203.0.113.1", []string{"X"})
	if diff := cmp.Diff([]string{"X", "ABC", "DEF"}, got); diff != "" {
		t.Errorf("Route appended wrongly (-want +got):\n%s", diff)
	}
}

func TestRouteDoesNotAllocate(t *testing.T) {
	r := testRouter(t)
	tests := []struct {
		name  string
		typ   vigil.IndicatorType
		value string
	}{
		{"ipv4 hit", vigil.TypeIPv4, "198.51.100.200"},
		{"ipv4 miss", vigil.TypeIPv4, "8.8.8.8"},
		{"ipv6 hit", vigil.TypeIPv6, "2001:db8:1::5"},
		{"cidr hit", vigil.TypeCIDR, "198.51.100.0/26"},
		{"domain hit", vigil.TypeDomain, "www.gp.trust.example"},
		{"domain miss", vigil.TypeDomain, "www.evil.example"},
		{"url domain", vigil.TypeURL, "https://user@portal.trust.example:8443/a?b"},
		{"url ipv4", vigil.TypeURL, "http://198.51.100.200/x"},
		{"url ipv6", vigil.TypeURL, "http://[2001:db8:1::1]/x"},
		{"url numeric domain", vigil.TypeURL, "http://1.trust.example/"},
		{"email", vigil.TypeEmail, "ceo@trust.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := make([]string, 0, 4)
			allocs := testing.AllocsPerRun(200, func() {
				dst = r.Route(tt.typ, tt.value, dst[:0])
			})
			if allocs != 0 {
				t.Errorf("Route(%s, %q) allocates %.1f times per call, want 0", tt.typ, tt.value, allocs)
			}
		})
	}
}

func TestCovering(t *testing.T) {
	r := testRouter(t)
	tests := []struct {
		name  string
		typ   vigil.IndicatorType
		value string
		want  []string
	}{
		{"cidr wider than the trust's and GP's ranges", vigil.TypeCIDR, "198.51.100.0/22", []string{"RGT", "Y0001"}},
		{"cidr inside the GP's range", vigil.TypeCIDR, "198.51.100.128/26", []string{"RGT", "Y0001"}},
		{"cidr inside the trust's range only", vigil.TypeCIDR, "198.51.100.0/26", []string{"RGT"}},
		{"cidr equal to a shared range", vigil.TypeCIDR, "203.0.113.0/24", []string{"ABC", "DEF"}},
		{"cidr containing a single host", vigil.TypeCIDR, "192.0.2.0/24", []string{"HOST"}},
		{"cidr next to claims", vigil.TypeCIDR, "198.51.101.0/24", nil},
		{"cidr ipv6 wider", vigil.TypeCIDR, "2001:db8::/31", []string{"RGT", "Y0001"}},
		{"cidr ipv6 beside the GP's /48", vigil.TypeCIDR, "2001:db8:2::/48", []string{"RGT"}},
		{"ipv4 in nested ranges lists both", vigil.TypeIPv4, "198.51.100.200", []string{"RGT", "Y0001"}},
		{"ipv4 miss", vigil.TypeIPv4, "8.8.8.8", nil},
		{"ipv6 in nested ranges", vigil.TypeIPv6, "2001:db8:1::1", []string{"RGT", "Y0001"}},
		{"domain under the trust's", vigil.TypeDomain, "evil.trust.example", []string{"RGT"}},
		{"domain equal to the trust's covers the GP's under it", vigil.TypeDomain, "trust.example", []string{"RGT", "Y0001"}},
		{"domain under the GP's", vigil.TypeDomain, "x.gp.trust.example", []string{"RGT", "Y0001"}},
		{"domain not at a label boundary", vigil.TypeDomain, "nottrust.example", nil},
		{"domain above every claim", vigil.TypeDomain, "example", []string{"ABC", "DEF", "RGT", "Y0001"}},
		{"domain whose labels sort near a claim", vigil.TypeDomain, "trust-x.example", nil},
		{"url host under the GP's", vigil.TypeURL, "http://mail.gp.trust.example/x", []string{"RGT", "Y0001"}},
		{"url host does not cover domains under it", vigil.TypeURL, "http://trust.example/", []string{"RGT"}},
		{"url ip host", vigil.TypeURL, "http://198.51.100.5/", []string{"RGT"}},
		{"email", vigil.TypeEmail, "x@gp.trust.example", []string{"RGT", "Y0001"}},
		{"hash", vigil.TypeMD5, "d41d8cd98f00b204e9800998ecf8427e", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Covering(tt.typ, tt.value, nil)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Covering(%s, %q) mismatch (-want +got):\n%s", tt.typ, tt.value, diff)
			}
		})
	}
}

func TestCoveringKeepsDst(t *testing.T) {
	r := testRouter(t)
	got := r.Covering(vigil.TypeCIDR, "198.51.100.0/22", []string{"ZZZ"})
	if diff := cmp.Diff([]string{"ZZZ", "RGT", "Y0001"}, got); diff != "" {
		t.Errorf("Covering changed what was in dst (-want +got):\n%s", diff)
	}
}

func TestZeroRouter(t *testing.T) {
	var r Router
	if got := r.Route(vigil.TypeIPv4, "198.51.100.5", nil); got != nil {
		t.Errorf("zero Router routed to %v", got)
	}
	if got := r.Covering(vigil.TypeDomain, "trust.example", nil); got != nil {
		t.Errorf("zero Router covered %v", got)
	}
}

func TestHolder(t *testing.T) {
	var h Holder
	if h.Load() == nil || h.Load().Route(vigil.TypeIPv4, "198.51.100.5", nil) != nil {
		t.Fatal("zero Holder must hold an empty Router")
	}
	r := testRouter(t)
	h.Store(r)
	if h.Load() != r {
		t.Fatal("Load did not return the stored Router")
	}
	if old := h.Swap(nil); old != r {
		t.Fatal("Swap did not return the previous Router")
	}
	if h.Load() == nil {
		t.Fatal("Load returned nil after storing nil")
	}
	if NewHolder(nil).Load() == nil {
		t.Fatal("NewHolder(nil).Load returned nil")
	}
}

func TestHolderConcurrentSwap(t *testing.T) {
	a, _ := NewRouter([]vigil.AssetClaim{{Org: "A", Prefix: pfx("198.51.100.0/24")}})
	b, _ := NewRouter([]vigil.AssetClaim{{Org: "B", Prefix: pfx("198.51.100.0/24")}})
	h := NewHolder(a)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			dst := make([]string, 0, 1)
			for range 1000 {
				dst = h.Load().Route(vigil.TypeIPv4, "198.51.100.1", dst[:0])
				if len(dst) != 1 || dst[0] != "A" && dst[0] != "B" {
					t.Errorf("routed to %v during swaps", dst)
					return
				}
			}
		})
	}
	for i := range 1000 {
		h.Store([]*Router{a, b}[i%2])
	}
	wg.Wait()
}
