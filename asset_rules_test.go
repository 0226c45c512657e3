package vigil_test

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

func TestCheckOwnable(t *testing.T) {
	ip := func(v string) vigil.Asset { return vigil.Asset{Kind: vigil.AssetIPRange, Value: v} }
	domain := func(v string) vigil.Asset { return vigil.Asset{Kind: vigil.AssetDomain, Value: v} }
	host := func(v string) vigil.Asset { return vigil.Asset{Kind: vigil.AssetHostname, Value: v} }
	wide := vigil.AssetLimits{IPv4: 8, IPv6: 32}
	for _, tc := range []struct {
		name string
		a    vigil.Asset
		lim  vigil.AssetLimits
		msg  string // a part of the refusal; "" when ownable
	}{
		{"a public /24", ip("81.2.69.0/24"), vigil.AssetLimits{}, ""},
		{"a /16, the default widest", ip("81.2.0.0/16"), vigil.AssetLimits{}, ""},
		{"a single address", ip("81.2.69.160/32"), vigil.AssetLimits{}, ""},
		{"a documentation range stands in for a public one", ip("192.0.2.10/32"), vigil.AssetLimits{}, ""},
		{"an IPv6 /32", ip("2a00:1450::/32"), vigil.AssetLimits{}, ""},
		{"an IPv6 documentation range", ip("2001:db8:1::/48"), vigil.AssetLimits{}, ""},
		{"a /8 is too wide", ip("203.0.0.0/8"), vigil.AssetLimits{}, "wider than one organisation could own: register the IPv4 networks your organisation holds, each /16 or narrower"},
		{"a /15 is too wide", ip("81.2.0.0/15"), vigil.AssetLimits{}, "/16 or narrower"},
		{"an IPv6 /31 is too wide", ip("2a00::/31"), vigil.AssetLimits{}, "IPv6 networks your organisation holds, each /32 or narrower"},
		{"a configured limit", ip("81.2.0.0/16"), vigil.AssetLimits{IPv4: 20}, "each /20 or narrower"},
		{"a configured wider limit", ip("81.0.0.0/12"), wide, ""},
		{"private 10/8", ip("10.0.0.0/8"), wide, "IP range 10.0.0.0/8 is in 10.0.0.0/8, private-use address space (RFC 1918)"},
		{"inside private 172.16/12", ip("172.16.5.0/24"), vigil.AssetLimits{}, "is in 172.16.0.0/12, private-use"},
		{"private 192.168", ip("192.168.1.0/24"), vigil.AssetLimits{}, "private-use"},
		{"carrier-grade NAT", ip("100.64.0.1/32"), vigil.AssetLimits{}, "shared address space"},
		{"loopback", ip("127.0.0.1/32"), vigil.AssetLimits{}, "loopback"},
		{"link-local", ip("169.254.10.0/24"), vigil.AssetLimits{}, "link-local"},
		{"multicast", ip("239.1.1.0/24"), vigil.AssetLimits{}, "multicast"},
		{"reserved", ip("255.255.255.255/32"), vigil.AssetLimits{}, "reserved"},
		{"a wide range containing a special block", ip("198.0.0.0/8"), wide, "contains 198.18.0.0/15, benchmarking"},
		{"IPv6 unique local", ip("fd00:1::/48"), vigil.AssetLimits{}, "unique local"},
		{"IPv6 link-local", ip("fe80::/64"), vigil.AssetLimits{}, "link-local"},
		{"IPv6 loopback", ip("::1/128"), vigil.AssetLimits{}, "loopback"},
		{"6to4", ip("2002:c000:204::/48"), vigil.AssetLimits{}, "6to4"},
		{"not a network", ip("banana"), vigil.AssetLimits{}, "not a network in CIDR form"},
		{"a trust's domain", domain("northbrook-hospitals.example"), vigil.AssetLimits{}, ""},
		{"a trust's name under nhs.uk", domain("northbrook.nhs.uk"), vigil.AssetLimits{}, ""},
		{"nhs.net", domain("nhs.net"), vigil.AssetLimits{}, "domain nhs.net is shared by every NHS organisation that uses it, so no one organisation owns it"},
		{"nhs.uk", domain("nhs.uk"), vigil.AssetLimits{}, "shared by every NHS organisation"},
		{"gmail.com", domain("gmail.com"), vigil.AssetLimits{}, "domain gmail.com is a public mail provider"},
		{"a host of a mail provider", host("smtp.gmail.com"), vigil.AssetLimits{}, "hostname smtp.gmail.com is under gmail.com, a public mail provider"},
		{"outlook.com as a hostname", host("outlook.com"), vigil.AssetLimits{}, "mail provider"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := vigil.CheckOwnable(tc.a, tc.lim)
			if tc.msg == "" {
				if err != nil {
					t.Errorf("CheckOwnable(%v) = %v, want ownable", tc.a, err)
				}
				return
			}
			if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(message(err), tc.msg) {
				t.Errorf("CheckOwnable(%v) = %v, want invalid containing %q", tc.a, err, tc.msg)
			}
		})
	}
}
