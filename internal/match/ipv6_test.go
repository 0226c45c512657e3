package match

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

func TestParseIPv6(t *testing.T) {
	for _, s := range []string{
		"::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "2001:DB8::AB:cd", "fe80::1%eth0",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::2", "1::2:", "1:::2",
		"12345::1", "::ffff:1.2.3.4", "::ffff:c000:207", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1:2:3:4::5:6:7:8", "", ":", ":::", "g::1", "1.2.3.4", "0:0:0:0:0:0:0:0", "00000::1", "2001:db8::/32",
		"::1:", "1::2:::", "::1::", "1:", "a", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0000:0000:0000:0000:0000:0000:0000:0001",
		"0000:0000:0000:0000:0000:0000:0000:00001", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7",
		"1:2:3:4:5:6::7", "1::", "::ffff", "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19:20", "2001:db8::1 ", "2001:db8:\x00::1",
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
// same IPv6 address; what it leaves, netip decides. It must leave only the forms it does
// not read (an embedded IPv4 tail, a zone), or lookups would fall back to netip unseen.
func checkParseIPv6(t *testing.T, s string) {
	got, ok := parseIPv6(s)
	if !ok {
		if a, err := netip.ParseAddr(s); err == nil && a.Is6() && a.Zone() == "" && !strings.Contains(s, ".") {
			t.Errorf("parseIPv6(%q) left to netip an address it reads (%v)", s, a)
		}
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

// TestCoveringIPv6 checks the two ways an address finds the IPv6 networks covering it:
// the per-length hash tables when networks have a few lengths, the CIDR trie when they
// have more than maxV6Lens. Both must give every covering network, most specific first.
func TestCoveringIPv6(t *testing.T) {
	for _, tc := range []struct {
		name string
		lens []int
		trie bool
	}{
		{"few lengths", []int{20, 32, 48, 56, 64, 128}, false},
		{"the whole space and the address", []int{0, 128}, false},
		{"the address alone", []int{128}, false},
		{"networks over several /32s", []int{24, 29, 31, 32, 47, 48}, false},
		{"as many lengths as the tables take", []int{0, 16, 24, 32, 40, 44, 48, 52, 56, 60, 64, 128}, false},
		{"more lengths than the tables take", []int{0, 8, 16, 24, 32, 40, 44, 48, 52, 56, 60, 64, 128}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder()
			addr := netip.MustParseAddr("2001:db8:1:2:3:4:5:6")
			for _, l := range tc.lens {
				b.Add(vigil.Indicator{Type: vigil.TypeCIDR, Value: netip.PrefixFrom(addr, l).Masked().String()})
				// a sibling network of each length that does not cover addr
				if l > 0 {
					sib := netip.PrefixFrom(addr, l).Masked().Addr().AsSlice()
					sib[(l-1)/8] ^= 1 << (7 - (l-1)%8)
					b.Add(vigil.Indicator{Type: vigil.TypeCIDR, Value: netip.PrefixFrom(netip.AddrFrom16([16]byte(sib)), l).String()})
				}
			}
			s := b.Build()
			if got := s.nets.v6nets.lens == nil; got != tc.trie {
				t.Fatalf("trie used: %v, want %v", got, tc.trie)
			}
			var got []int
			for _, id := range s.Lookup(vigil.Observable{Type: vigil.TypeIPv6, Value: addr.String()}, nil) {
				got = append(got, netip.MustParsePrefix(s.Entry(id).Value).Bits())
			}
			want := slices.Clone(tc.lens)
			slices.Reverse(want)
			if !slices.Equal(got, want) {
				t.Errorf("covering networks' lengths = %v, want %v", got, want)
			}
		})
	}
}

// TestV6SetCrowdedTable checks lookups in a run of the table that addresses chosen to
// share where their probe starts have crowded, at the table's end so that the run wraps
// to its start: every one is found, and their neighbours are not.
func TestV6SetCrowdedTable(t *testing.T) {
	b := NewBuilder()
	var listed []netip.Addr
	for i := uint64(0); len(listed) < 40; i++ {
		x := u128{hi: 0x2001_0db8 << 32, lo: i}
		if uint32(x.hash()>>20)>>24 == 0xff { // probes starting in the table's last 256th
			listed = append(listed, x.addr())
		}
	}
	for range 600 {
		listed = append(listed, u128{hi: 0x2001_0db8<<32 | 1, lo: uint64(len(listed))}.addr())
	}
	for _, a := range listed {
		b.Add(vigil.Indicator{Type: vigil.TypeIPv6, Value: a.String()})
	}
	s := b.Build()
	x, _ := parseIPv6(listed[0].String())
	home, run := s.v6.home(x.hash()), 0
	for s.v6.table[(home+run)%len(s.v6.table)].id != 0 {
		run++
	}
	if home+run <= len(s.v6.table) || run < 30 {
		t.Fatalf("the run from slot %d holds %d addresses of a table of %d: not crowded enough to test", home, run, len(s.v6.table))
	}
	for _, a := range listed[:40] {
		checkListed(t, s, vigil.TypeIPv6, a.String(), true)
		checkListed(t, s, vigil.TypeIPv6, a.Prev().String(), slices.Contains(listed, a.Prev()))
	}
}
