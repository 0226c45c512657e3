package match

import (
	"net/netip"
	"testing"
)

func TestParseIPv6(t *testing.T) {
	for _, s := range []string{
		"::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "2001:DB8::AB:cd", "fe80::1%eth0",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::2", "1::2:", "1:::2",
		"12345::1", "::ffff:1.2.3.4", "::ffff:c000:207", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1:2:3:4::5:6:7:8", "", ":", ":::", "g::1", "1.2.3.4", "0:0:0:0:0:0:0:0", "00000::1", "2001:db8::/32",
	} {
		t.Run(s, func(t *testing.T) { checkParseIPv6(t, s) })
	}
}

func FuzzParseIPv6(f *testing.F) {
	for _, s := range []string{"2001:db8::1", "::", "1:2:3:4:5:6:7:8", "1::2::3", "::ffff:1.2.3.4", "fe80::1%lo"} {
		f.Add(s)
	}
	f.Fuzz(checkParseIPv6)
}

// checkParseIPv6 checks that whatever parseIPv6 accepts netip.ParseAddr accepts as the
// same IPv6 address; what it leaves, netip decides.
func checkParseIPv6(t *testing.T, s string) {
	got, ok := parseIPv6(s)
	if !ok {
		return
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" || got.addr() != a {
		t.Errorf("parseIPv6(%q) = %v; netip.ParseAddr says %v, %v", s, got.addr(), a, err)
	}
}

// TestParseIPv6TakesTheCommonForms checks that the fast path is the one taken for the
// forms telemetry writes, so that lookups do not silently fall back to netip.
func TestParseIPv6TakesTheCommonForms(t *testing.T) {
	for _, s := range []string{"2001:db8::1", "2a00:1450:4009:81f::200e", "fe80::1ff:fe23:4567:890a", "::1", "1:2:3:4:5:6:7:8"} {
		if _, ok := parseIPv6(s); !ok {
			t.Errorf("parseIPv6(%q) left it to netip", s)
		}
	}
}
