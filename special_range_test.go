package vigil_test

import (
	"net/netip"
	"testing"

	"github.com/vigil-health/vigil"
)

func TestInternalRange(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		in          string // the internal block found; "" when the value is usable
	}{
		{"this network", "0.1.2.3/32", "0.0.0.0/8"},
		{"private 10/8 itself", "10.0.0.0/8", "10.0.0.0/8"},
		{"inside private 10/8", "10.20.30.0/24", "10.0.0.0/8"},
		{"private 172.16/12", "172.31.255.1/32", "172.16.0.0/12"},
		{"private 192.168/16", "192.168.0.0/16", "192.168.0.0/16"},
		{"carrier-grade NAT", "100.64.0.1/32", "100.64.0.0/10"},
		{"loopback", "127.0.0.0/8", "127.0.0.0/8"},
		{"link-local", "169.254.169.254/32", "169.254.0.0/16"},
		{"IETF protocol assignments", "192.0.0.8/32", "192.0.0.0/24"},
		{"benchmarking", "198.19.1.0/24", "198.18.0.0/15"},
		{"multicast", "239.255.255.250/32", "224.0.0.0/4"},
		{"reserved", "240.0.0.1/32", "240.0.0.0/4"},
		{"broadcast", "255.255.255.255/32", "240.0.0.0/4"},
		{"covering everything", "0.0.0.0/0", "0.0.0.0/8"},
		{"covering 10/8", "10.0.0.0/7", "10.0.0.0/8"},
		{"covering 172.16/12", "172.0.0.0/8", "172.16.0.0/12"},
		{"IPv6 unspecified", "::/128", "::/128"},
		{"IPv6 loopback", "::1/128", "::1/128"},
		{"IPv6 covering everything", "::/0", "::/128"},
		{"unique local", "fd12:3456::/32", "fc00::/7"},
		{"IPv6 link-local", "fe80::1/128", "fe80::/10"},
		{"IPv6 multicast", "ff02::1/128", "ff00::/8"},
		{"local NAT64", "64:ff9b:1::/48", "64:ff9b:1::/48"},
		{"discard-only", "100::/64", "100::/64"},
		{"IPv4-mapped private", "::ffff:10.1.2.3/128", "10.0.0.0/8"},
		{"IPv4-mapped private network", "::ffff:192.168.0.0/112", "192.168.0.0/16"},
		{"all of IPv4-mapped space", "::ffff:0:0/96", "0.0.0.0/8"},
		{"IPv4-mapped public", "::ffff:81.2.69.160/128", ""},
		{"public IPv4", "81.2.69.160/32", ""},
		{"public network beside 172.16/12", "172.32.0.0/16", ""},
		{"documentation TEST-NET-1", "192.0.2.0/24", ""},
		{"documentation TEST-NET-2", "198.51.100.7/32", ""},
		{"documentation TEST-NET-3", "203.0.113.0/24", ""},
		{"IPv6 documentation", "2001:db8::/32", ""},
		{"public IPv6", "2a00:1450:4009::/48", ""},
		{"6to4 carries real traffic", "2002:c000:204::/48", ""},
		{"Teredo carries real traffic", "2001:0:4136:e378::/64", ""},
		{"NAT64 embeds public addresses", "64:ff9b::8.8.8.8/128", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := vigil.InternalRange(netip.MustParsePrefix(tc.value))
			got := ""
			if ok {
				got = s.Prefix.String()
				if s.What == "" {
					t.Errorf("%s has no description", got)
				}
			}
			if got != tc.in {
				t.Errorf("InternalRange(%s) = %q, want %q", tc.value, got, tc.in)
			}
		})
	}
}

func TestInternalAddr(t *testing.T) {
	for v, want := range map[string]bool{"10.0.0.1": true, "::ffff:127.0.0.1": true, "fe80::1%eth0": true, "203.0.113.5": false, "8.8.8.8": false} {
		if _, got := vigil.InternalAddr(netip.MustParseAddr(v)); got != want {
			t.Errorf("InternalAddr(%s) = %v, want %v", v, got, want)
		}
	}
}

// Every block in the table is refused as an asset, so the table serves both rules.
func TestSpecialRangesRefusedAsAssets(t *testing.T) {
	for _, s := range vigil.SpecialRanges() {
		a := vigil.Asset{Kind: vigil.AssetIPRange, Value: s.Prefix.String()}
		if err := vigil.CheckOwnable(a, vigil.AssetLimits{IPv4: 1, IPv6: 1}); err == nil {
			t.Errorf("CheckOwnable(%s) = nil, want refused", s.Prefix)
		}
	}
}
