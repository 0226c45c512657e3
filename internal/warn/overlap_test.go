package warn

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
)

func netOf(org, p string) vigil.AssetClaim { return vigil.AssetClaim{Org: org, Prefix: pfx(p)} }
func domOf(org, d string) vigil.AssetClaim { return vigil.AssetClaim{Org: org, Name: d} }

func TestNewRouterOverlaps(t *testing.T) {
	tests := []struct {
		name   string
		claims []vigil.AssetClaim
		want   []Overlap
	}{
		{
			name:   "disjoint",
			claims: []vigil.AssetClaim{netOf("A", "10.0.0.0/24"), netOf("B", "10.0.1.0/24"), domOf("A", "a.example"), domOf("B", "b.example")},
		},
		{
			name:   "nested by two orgs",
			claims: []vigil.AssetClaim{netOf("B", "10.0.1.0/24"), netOf("A", "10.0.0.0/16")},
			want:   []Overlap{{Wider: netOf("A", "10.0.0.0/16"), Narrower: netOf("B", "10.0.1.0/24")}},
		},
		{
			name:   "equal by two orgs",
			claims: []vigil.AssetClaim{netOf("B", "10.0.0.0/24"), netOf("A", "10.0.0.0/24")},
			want:   []Overlap{{Wider: netOf("A", "10.0.0.0/24"), Narrower: netOf("B", "10.0.0.0/24"), Equal: true}},
		},
		{
			name:   "equal after masking host bits",
			claims: []vigil.AssetClaim{netOf("A", "10.0.0.5/24"), netOf("B", "10.0.0.0/24")},
			want:   []Overlap{{Wider: netOf("A", "10.0.0.0/24"), Narrower: netOf("B", "10.0.0.0/24"), Equal: true}},
		},
		{
			name:   "equal after unmapping ipv4-in-ipv6",
			claims: []vigil.AssetClaim{netOf("A", "::ffff:10.0.0.0/120"), netOf("B", "10.0.0.0/24")},
			want:   []Overlap{{Wider: netOf("A", "10.0.0.0/24"), Narrower: netOf("B", "10.0.0.0/24"), Equal: true}},
		},
		{
			name:   "same org nested and repeated",
			claims: []vigil.AssetClaim{netOf("A", "10.0.0.0/16"), netOf("A", "10.0.1.0/24"), netOf("A", "10.0.1.0/24"), domOf("A", "a.example"), domOf("A", "x.a.example")},
		},
		{
			name:   "three levels",
			claims: []vigil.AssetClaim{netOf("C", "10.0.1.0/24"), netOf("B", "10.0.0.0/20"), netOf("A", "10.0.0.0/16")},
			want: []Overlap{
				{Wider: netOf("A", "10.0.0.0/16"), Narrower: netOf("B", "10.0.0.0/20")},
				{Wider: netOf("A", "10.0.0.0/16"), Narrower: netOf("C", "10.0.1.0/24")},
				{Wider: netOf("B", "10.0.0.0/20"), Narrower: netOf("C", "10.0.1.0/24")},
			},
		},
		{
			name:   "sibling after a nested pair",
			claims: []vigil.AssetClaim{netOf("A", "10.0.0.0/16"), netOf("B", "10.0.1.0/24"), netOf("C", "10.1.0.0/24"), netOf("D", "10.0.2.0/24")},
			want: []Overlap{
				{Wider: netOf("A", "10.0.0.0/16"), Narrower: netOf("B", "10.0.1.0/24")},
				{Wider: netOf("A", "10.0.0.0/16"), Narrower: netOf("D", "10.0.2.0/24")},
			},
		},
		{
			name:   "equal pair inside a third org's range",
			claims: []vigil.AssetClaim{netOf("A", "10.0.0.0/24"), netOf("B", "10.0.0.0/24"), netOf("C", "10.0.0.0/8")},
			want: []Overlap{
				{Wider: netOf("A", "10.0.0.0/24"), Narrower: netOf("B", "10.0.0.0/24"), Equal: true},
				{Wider: netOf("C", "10.0.0.0/8"), Narrower: netOf("A", "10.0.0.0/24")},
				{Wider: netOf("C", "10.0.0.0/8"), Narrower: netOf("B", "10.0.0.0/24")},
			},
		},
		{
			name:   "ipv6 nested",
			claims: []vigil.AssetClaim{netOf("A", "2001:db8::/32"), netOf("B", "2001:db8:1::/48")},
			want:   []Overlap{{Wider: netOf("A", "2001:db8::/32"), Narrower: netOf("B", "2001:db8:1::/48")}},
		},
		{
			name:   "ipv4 and ipv6 never overlap",
			claims: []vigil.AssetClaim{netOf("A", "10.0.0.0/8"), netOf("B", "::/96")},
		},
		{
			name:   "same domain by two orgs, written differently",
			claims: []vigil.AssetClaim{domOf("B", "Trust.Example."), domOf("A", "trust.example")},
			want:   []Overlap{{Wider: domOf("A", "trust.example"), Narrower: domOf("B", "trust.example"), Equal: true}},
		},
		{
			name:   "domain under another org's",
			claims: []vigil.AssetClaim{domOf("A", "trust.example"), domOf("B", "gp.trust.example"), domOf("C", "nottrust.example")},
			want:   []Overlap{{Wider: domOf("A", "trust.example"), Narrower: domOf("B", "gp.trust.example")}},
		},
		{
			name:   "ranges then domains",
			claims: []vigil.AssetClaim{domOf("A", "a.example"), domOf("B", "a.example"), netOf("A", "10.0.0.0/24"), netOf("B", "10.0.0.0/24")},
			want: []Overlap{
				{Wider: netOf("A", "10.0.0.0/24"), Narrower: netOf("B", "10.0.0.0/24"), Equal: true},
				{Wider: domOf("A", "a.example"), Narrower: domOf("B", "a.example"), Equal: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := NewRouter(tt.claims)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), cmpopts.EquateComparable(netOf("", "0.0.0.0/0").Prefix)); diff != "" {
				t.Errorf("overlaps mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOverlapString(t *testing.T) {
	tests := []struct {
		name string
		o    Overlap
		want string
	}{
		{"equal", Overlap{Wider: netOf("A", "10.0.0.0/24"), Narrower: netOf("B", "10.0.0.0/24"), Equal: true}, "A and B both claim 10.0.0.0/24"},
		{"nested", Overlap{Wider: domOf("A", "trust.example"), Narrower: domOf("B", "gp.trust.example")}, "A claims trust.example, which contains B's gp.trust.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClaimValidate(t *testing.T) {
	tests := []struct {
		name    string
		claim   vigil.AssetClaim
		wantErr string
	}{
		{"range", netOf("A", "10.0.0.0/24"), ""},
		{"single host", netOf("A", "192.0.2.1/32"), ""},
		{"domain", domOf("A", "Trust.Example."), ""},
		{"domain under a public suffix", domOf("A", "trust.nhs.uk"), ""},
		{"no org", netOf(" ", "10.0.0.0/24"), "claim has no organisation"},
		{"neither", vigil.AssetClaim{Org: "A"}, "claim by A names neither a range nor a domain"},
		{"both", vigil.AssetClaim{Org: "A", Prefix: pfx("10.0.0.0/24"), Name: "a.example"}, "claim by A names both a range and a domain; make two claims"},
		{"range too wide", netOf("A", "10.0.0.0/7"), "claim by A: network 10.0.0.0/7 is wider than /8"},
		{"ipv6 range too wide", netOf("A", "2001::/16"), "claim by A: network 2001::/16 is wider than /32"},
		{"public suffix", domOf("A", "nhs.uk"), "claim by A: nhs.uk is a public suffix and would match every domain under it"},
		{"single label", domOf("A", "trust"), `claim by A: "trust" is a single label, not a domain name`},
		{"not a domain", domOf("A", "tr ust.example"), "claim by A: not a valid domain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateClaim(tt.claim)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("Validate() = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestNewRouterInvalidAndStats(t *testing.T) {
	bad := []vigil.AssetClaim{{Org: "A"}, domOf("B", "co.uk"), netOf("C", "0.0.0.0/0")}
	claims := append([]vigil.AssetClaim{netOf("A", "10.0.0.0/24"), netOf("A", "10.0.0.0/24"), netOf("B", "10.0.0.0/24"), domOf("A", "a.example")}, bad...)
	r, _ := NewRouter(claims)
	if diff := cmp.Diff(bad, r.Invalid(), cmpopts.EquateComparable(netOf("", "0.0.0.0/0").Prefix)); diff != "" {
		t.Errorf("Invalid() mismatch (-want +got):\n%s", diff)
	}
	want := RouterStats{Prefixes: 1, Domains: 1, Claims: 3, Invalid: 3}
	if got := r.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}
