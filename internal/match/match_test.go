package match

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/maphash"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

// Digests of known strings, one per hash type.
var (
	md5Evil    = hexOf(md5.New(), "evil")
	sha1Evil   = hexOf(sha1.New(), "evil")
	sha256Evil = hexOf(sha256.New(), "evil")
	sha512Evil = hexOf(sha512.New(), "evil")
	sha256Good = hexOf(sha256.New(), "good")
)

func hexOf(h hash.Hash, s string) string {
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

// fixture is the indicator set the lookup tests run against, one source each.
var fixture = []struct {
	t vigil.IndicatorType
	v string
}{
	{vigil.TypeIPv4, "1.2.3.4"},
	{vigil.TypeIPv4, "10.1.2.3"},
	{vigil.TypeCIDR, "10.0.0.0/8"},
	{vigil.TypeCIDR, "10.1.2.0/24"},
	{vigil.TypeCIDR, "192.168.0.0/16"},
	{vigil.TypeIPv6, "2001:db8::1"},
	{vigil.TypeCIDR, "2001:db8::/32"},
	{vigil.TypeCIDR, "2001:db8:1::/48"},
	{vigil.TypeDomain, "evil.example.com"},
	{vigil.TypeDomain, "example.org"},
	{vigil.TypeDomain, "deep.a.b.c.example.net"},
	{vigil.TypeURL, "http://evil.example.com/payload.exe"},
	{vigil.TypeEmail, "attacker@evil.example.com"},
	{vigil.TypeFilename, "mimikatz.exe"},
	{vigil.TypeMD5, md5Evil},
	{vigil.TypeSHA1, sha1Evil},
	{vigil.TypeSHA256, sha256Evil},
	{vigil.TypeSHA512, sha512Evil},
}

func fixtureSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	b := NewBuilder()
	for i, f := range fixture {
		b.Add(vigil.Indicator{Type: f.t, Value: f.v, Provenance: vigil.Provenance{Source: "feed", Ref: f.v, Confidence: i}})
	}
	if b.Rejected() != 0 {
		t.Fatalf("fixture: %d indicators rejected", b.Rejected())
	}
	return b.Build()
}

// matches looks o up and returns the matches as "type:value", in Lookup's order.
func matches(s *Snapshot, o vigil.Observable) []string {
	var out []string
	for _, id := range s.Lookup(o, nil) {
		e := s.Entry(id)
		out = append(out, string(e.Type)+":"+e.Value)
	}
	return out
}

func TestLookup(t *testing.T) {
	s := fixtureSnapshot(t)
	tests := []struct {
		name string
		typ  vigil.IndicatorType
		val  string
		want []string
	}{
		{"ipv4 exact", vigil.TypeIPv4, "1.2.3.4", []string{"ipv4:1.2.3.4"}},
		{"ipv4 exact and two CIDRs", vigil.TypeIPv4, "10.1.2.3", []string{"ipv4:10.1.2.3", "cidr:10.1.2.0/24", "cidr:10.0.0.0/8"}},
		{"ipv4 in two CIDRs", vigil.TypeIPv4, "10.1.2.200", []string{"cidr:10.1.2.0/24", "cidr:10.0.0.0/8"}},
		{"ipv4 in one CIDR", vigil.TypeIPv4, "192.168.7.7", []string{"cidr:192.168.0.0/16"}},
		{"ipv4 miss", vigil.TypeIPv4, "192.0.2.1", nil},
		{"ipv4 neighbour miss", vigil.TypeIPv4, "1.2.3.5", nil},
		{"ipv4 unparsable", vigil.TypeIPv4, "1.2.3", nil},
		{"ipv4 empty", vigil.TypeIPv4, "", nil},
		{"ipv4-mapped ipv6 is ipv4", vigil.TypeIPv6, "::ffff:1.2.3.4", []string{"ipv4:1.2.3.4"}},
		{"ipv4 typed as ipv6", vigil.TypeIPv6, "1.2.3.4", []string{"ipv4:1.2.3.4"}},
		{"ipv4-mapped ipv6 in hex is ipv4", vigil.TypeIPv6, "::ffff:102:304", []string{"ipv4:1.2.3.4"}},
		{"ipv6 typed as ipv4", vigil.TypeIPv4, "2001:db8::1", []string{"ipv6:2001:db8::1", "cidr:2001:db8::/32"}},
		{"ipv6 upper case", vigil.TypeIPv6, "2001:DB8::1", []string{"ipv6:2001:db8::1", "cidr:2001:db8::/32"}},
		{"ipv6 written in full", vigil.TypeIPv6, "2001:0db8:0000:0000:0000:0000:0000:0001", []string{"ipv6:2001:db8::1", "cidr:2001:db8::/32"}},
		{"ipv6 with a zone", vigil.TypeIPv6, "2001:db8::1%eth0", nil},
		{"ipv6 exact and CIDR", vigil.TypeIPv6, "2001:db8::1", []string{"ipv6:2001:db8::1", "cidr:2001:db8::/32"}},
		{"ipv6 in two CIDRs", vigil.TypeIPv6, "2001:db8:1::5", []string{"cidr:2001:db8:1::/48", "cidr:2001:db8::/32"}},
		{"ipv6 miss", vigil.TypeIPv6, "2001:db9::1", nil},
		{"cidr equal and covering", vigil.TypeCIDR, "10.1.2.0/24", []string{"cidr:10.1.2.0/24", "cidr:10.0.0.0/8"}},
		{"cidr inside two", vigil.TypeCIDR, "10.1.2.128/25", []string{"cidr:10.1.2.0/24", "cidr:10.0.0.0/8"}},
		{"cidr host bits set", vigil.TypeCIDR, "10.1.2.129/25", []string{"cidr:10.1.2.0/24", "cidr:10.0.0.0/8"}},
		{"cidr wider than any", vigil.TypeCIDR, "10.0.0.0/7", nil},
		{"cidr ipv6 inside", vigil.TypeCIDR, "2001:db8:1:2::/64", []string{"cidr:2001:db8:1::/48", "cidr:2001:db8::/32"}},
		{"cidr does not match addresses inside", vigil.TypeCIDR, "1.2.3.0/24", nil},
		{"cidr unparsable", vigil.TypeCIDR, "10.0.0.0/33", nil},
		{"domain exact", vigil.TypeDomain, "evil.example.com", []string{"domain:evil.example.com"}},
		{"domain subdomain", vigil.TypeDomain, "a.b.evil.example.com", []string{"domain:evil.example.com"}},
		{"domain sibling with shared suffix", vigil.TypeDomain, "notevil.example.com", nil},
		{"domain parent", vigil.TypeDomain, "example.com", nil},
		{"domain top label", vigil.TypeDomain, "com", nil},
		{"domain deep exact", vigil.TypeDomain, "deep.a.b.c.example.net", []string{"domain:deep.a.b.c.example.net"}},
		{"domain deep subdomain", vigil.TypeDomain, "x.deep.a.b.c.example.net", []string{"domain:deep.a.b.c.example.net"}},
		{"domain deep suffix only", vigil.TypeDomain, "a.b.c.example.net", nil},
		{"domain empty", vigil.TypeDomain, "", nil},
		{"domain dot", vigil.TypeDomain, ".", nil},
		{"url exact", vigil.TypeURL, "http://evil.example.com/payload.exe", []string{"url:http://evil.example.com/payload.exe"}},
		{"url other path", vigil.TypeURL, "http://evil.example.com/", nil},
		{"email exact", vigil.TypeEmail, "attacker@evil.example.com", []string{"email:attacker@evil.example.com"}},
		{"email other user", vigil.TypeEmail, "victim@evil.example.com", nil},
		{"filename exact", vigil.TypeFilename, "mimikatz.exe", []string{"filename:mimikatz.exe"}},
		{"filename miss", vigil.TypeFilename, "notepad.exe", nil},
		{"md5", vigil.TypeMD5, md5Evil, []string{"md5:" + md5Evil}},
		{"sha1", vigil.TypeSHA1, sha1Evil, []string{"sha1:" + sha1Evil}},
		{"sha256", vigil.TypeSHA256, sha256Evil, []string{"sha256:" + sha256Evil}},
		{"sha512", vigil.TypeSHA512, sha512Evil, []string{"sha512:" + sha512Evil}},
		{"sha256 upper-case hex", vigil.TypeSHA256, strings.ToUpper(sha256Evil), []string{"sha256:" + sha256Evil}},
		{"sha256 miss", vigil.TypeSHA256, sha256Good, nil},
		{"sha256 last digit differs", vigil.TypeSHA256, sha256Evil[:63] + "0", nil},
		{"sha256 typed as md5", vigil.TypeMD5, sha256Evil, nil},
		{"sha256 not hex", vigil.TypeSHA256, "z" + sha256Evil[1:], nil},
		{"sha256 not hex at the end", vigil.TypeSHA256, sha256Evil[:63] + "z", nil},
		{"domain value typed as url", vigil.TypeURL, "evil.example.com", nil},
		{"unknown type", "registry-key", "evil.example.com", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := matches(s, vigil.Observable{Field: "f", Type: tc.typ, Value: tc.val})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Lookup(%s %q) mismatch (-want +got):\n%s", tc.typ, tc.val, diff)
			}
		})
	}
}

func TestLookupAppends(t *testing.T) {
	s := fixtureSnapshot(t)
	dst := []ID{12345}
	dst = s.Lookup(vigil.Observable{Type: vigil.TypeIPv4, Value: "10.1.2.3"}, dst)
	if len(dst) != 4 || dst[0] != 12345 {
		t.Errorf("Lookup did not append to dst: %v", dst)
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	s := fixtureSnapshot(t)
	obs := []vigil.Observable{
		{Type: vigil.TypeIPv4, Value: "10.1.2.3"},
		{Type: vigil.TypeIPv4, Value: "192.0.2.1"},
		{Type: vigil.TypeIPv6, Value: "2001:db8:1::5"},
		{Type: vigil.TypeCIDR, Value: "10.1.2.128/25"},
		{Type: vigil.TypeDomain, Value: "a.b.evil.example.com"},
		{Type: vigil.TypeDomain, Value: "www.example.co.uk"},
		{Type: vigil.TypeURL, Value: "http://evil.example.com/payload.exe"},
		{Type: vigil.TypeEmail, Value: "nobody@example.com"},
		{Type: vigil.TypeFilename, Value: "mimikatz.exe"},
		{Type: vigil.TypeMD5, Value: md5Evil},
		{Type: vigil.TypeSHA256, Value: sha256Good},
		{Type: vigil.TypeSHA512, Value: sha512Evil},
	}
	dst := make([]ID, 0, 8)
	for _, o := range obs {
		allocs := testing.AllocsPerRun(100, func() { dst = s.Lookup(o, dst[:0]) })
		if allocs != 0 {
			t.Errorf("Lookup(%s %q) allocates %.1f times per call", o.Type, o.Value, allocs)
		}
	}
}

func TestMerge(t *testing.T) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	prov := func(src, ref string) vigil.Provenance {
		return vigil.Provenance{Source: src, Ref: ref, TLP: vigil.TLPGreen, Confidence: -1, LastSeen: day, Labels: []string{"emotet"}}
	}
	amber := prov("feed-a", "")
	amber.TLP = vigil.TLPAmber
	byCERT, byISAC := prov("feed-a", "1"), prov("feed-a", "2")
	byCERT.Publisher, byISAC.Publisher = "national-cert", "health-isac"
	ind := func(t vigil.IndicatorType, v string, p vigil.Provenance) vigil.Indicator {
		return vigil.Indicator{Type: t, Value: v, Provenance: p}
	}
	tests := []struct {
		name string
		add  []vigil.Indicator
		want []Entry
	}{
		{
			name: "two sources, one entry",
			add:  []vigil.Indicator{ind("ipv4", "1.2.3.4", prov("feed-a", "1")), ind("ipv4", "1.2.3.4", prov("feed-b", "7"))},
			want: []Entry{{Type: "ipv4", Value: "1.2.3.4", Sources: []vigil.Provenance{prov("feed-a", "1"), prov("feed-b", "7")}}},
		},
		{
			name: "same source and ref twice",
			add:  []vigil.Indicator{ind("domain", "evil.test", prov("feed-a", "x")), ind("domain", "evil.test", prov("feed-a", "x"))},
			want: []Entry{{Type: "domain", Value: "evil.test", Sources: []vigil.Provenance{prov("feed-a", "x")}}},
		},
		{
			name: "same source and ref, later provenance differs: first wins",
			add: []vigil.Indicator{
				ind("domain", "evil.test", prov("feed-a", "x")),
				ind("domain", "evil.test", vigil.Provenance{Source: "feed-a", Ref: "x", TLP: vigil.TLPRed}),
			},
			want: []Entry{{Type: "domain", Value: "evil.test", Sources: []vigil.Provenance{prov("feed-a", "x")}}},
		},
		{
			name: "same source, two refs",
			add:  []vigil.Indicator{ind("url", "http://a.test/", prov("feed-a", "1")), ind("url", "http://a.test/", prov("feed-a", "2"))},
			want: []Entry{{Type: "url", Value: "http://a.test/", Sources: []vigil.Provenance{prov("feed-a", "1"), prov("feed-a", "2")}}},
		},
		{
			name: "line numbers: the same text merges, other texts of one number do not",
			add: []vigil.Indicator{
				ind("domain", "evil.test", prov("feed-a", "line 7")), ind("domain", "evil.test", prov("feed-a", "line 07")),
				ind("domain", "evil.test", prov("feed-a", "7")), ind("domain", "evil.test", prov("feed-a", "line 7")),
				ind("domain", "evil.test", prov("feed-a", "line 1073741824")), ind("domain", "evil.test", prov("feed-a", "line 1073741824")),
			},
			want: []Entry{{Type: "domain", Value: "evil.test", Sources: []vigil.Provenance{
				prov("feed-a", "line 7"), prov("feed-a", "line 07"), prov("feed-a", "7"), prov("feed-a", "line 1073741824"),
			}}},
		},
		{
			name: "same ref, two sources",
			add:  []vigil.Indicator{ind("url", "http://a.test/", prov("feed-a", "1")), ind("url", "http://a.test/", prov("feed-b", "1"))},
			want: []Entry{{Type: "url", Value: "http://a.test/", Sources: []vigil.Provenance{prov("feed-a", "1"), prov("feed-b", "1")}}},
		},
		{
			name: "identical provenance without ref",
			add:  []vigil.Indicator{ind("email", "a@b.test", prov("feed-a", "")), ind("email", "a@b.test", prov("feed-a", ""))},
			want: []Entry{{Type: "email", Value: "a@b.test", Sources: []vigil.Provenance{prov("feed-a", "")}}},
		},
		{
			name: "same source without ref, different marking",
			add:  []vigil.Indicator{ind("email", "a@b.test", prov("feed-a", "")), ind("email", "a@b.test", amber)},
			want: []Entry{{Type: "email", Value: "a@b.test", Sources: []vigil.Provenance{prov("feed-a", ""), amber}}},
		},
		{
			name: "one feed, two publishers: each claim keeps its own",
			add:  []vigil.Indicator{ind("domain", "b.test", byCERT), ind("domain", "b.test", byISAC)},
			want: []Entry{{Type: "domain", Value: "b.test", Sources: []vigil.Provenance{byCERT, byISAC}}},
		},
		{
			name: "hash hex case merges",
			add:  []vigil.Indicator{ind("md5", md5Evil, prov("feed-a", "1")), ind("md5", strings.ToUpper(md5Evil), prov("feed-b", "2"))},
			want: []Entry{{Type: "md5", Value: md5Evil, Sources: []vigil.Provenance{prov("feed-a", "1"), prov("feed-b", "2")}}},
		},
		{
			name: "ipv4-mapped ipv6 is the ipv4 address",
			add:  []vigil.Indicator{ind("ipv4", "1.2.3.4", prov("feed-a", "1")), ind("ipv6", "::ffff:1.2.3.4", prov("feed-b", "2"))},
			want: []Entry{{Type: "ipv4", Value: "1.2.3.4", Sources: []vigil.Provenance{prov("feed-a", "1"), prov("feed-b", "2")}}},
		},
		{
			name: "cidr host bits are masked",
			add:  []vigil.Indicator{ind("cidr", "10.1.2.3/8", prov("feed-a", "1")), ind("cidr", "10.0.0.0/8", prov("feed-b", "2"))},
			want: []Entry{{Type: "cidr", Value: "10.0.0.0/8", Sources: []vigil.Provenance{prov("feed-a", "1"), prov("feed-b", "2")}}},
		},
		{
			name: "same value, different types",
			add:  []vigil.Indicator{ind("filename", "evil.test", prov("feed-a", "1")), ind("domain", "evil.test", prov("feed-a", "1"))},
			want: []Entry{
				{Type: "domain", Value: "evil.test", Sources: []vigil.Provenance{prov("feed-a", "1")}},
				{Type: "filename", Value: "evil.test", Sources: []vigil.Provenance{prov("feed-a", "1")}},
			},
		},
		{
			name: "sources keep the order they were added in",
			add: []vigil.Indicator{
				ind("sha1", sha1Evil, prov("feed-c", "")), ind("sha1", sha1Evil, prov("feed-a", "")), ind("sha1", sha1Evil, prov("feed-b", "")),
			},
			want: []Entry{{Type: "sha1", Value: sha1Evil, Sources: []vigil.Provenance{prov("feed-c", ""), prov("feed-a", ""), prov("feed-b", "")}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder()
			for _, ind := range tc.add {
				b.Add(ind)
			}
			if diff := cmp.Diff(tc.want, allEntries(b.Build())); diff != "" {
				t.Errorf("entries mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// allEntries returns every entry of s, in kind then value order.
func allEntries(s *Snapshot) []Entry {
	var out []Entry
	for k := range numKinds {
		for i := range s.kindLen(k) {
			out = append(out, s.Entry(k.id(i)))
		}
	}
	return out
}

func TestMergeManyClaims(t *testing.T) {
	b := NewBuilder()
	for i := range 1000 {
		p := vigil.Provenance{Source: "feed-" + string(rune('a'+i%3)), Ref: string(rune('0' + i%10))}
		b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: "1.2.3.4", Provenance: p})
	}
	s := b.Build()
	if got := len(s.Entry(s.Lookup(vigil.Observable{Type: vigil.TypeIPv4, Value: "1.2.3.4"}, nil)[0]).Sources); got != 30 {
		t.Errorf("got %d sources, want 30 distinct (source, ref) pairs", got)
	}
}

// TestClaimsKeepAddOrderAcrossBlocks: a part's values are filed in blocks, and an
// entry whose claims span many of them still lists its claims in the order they were
// added, with other values of its part added between them.
func TestClaimsKeepAddOrderAcrossBlocks(t *testing.T) {
	b := NewBuilder()
	const n = 3 * maxBlock
	for i := range n {
		b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: "1.2.3.4", Provenance: vigil.Provenance{Source: fmt.Sprint("feed-", i)}})
		b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: fmt.Sprint("1.3.", i/256, ".", i%256)}) // the same part
	}
	s := b.Build()
	got := s.Entry(s.Lookup(vigil.Observable{Type: vigil.TypeIPv4, Value: "1.2.3.4"}, nil)[0]).Sources
	if len(got) != n {
		t.Fatalf("got %d sources, want %d", len(got), n)
	}
	for i, p := range got {
		if want := fmt.Sprint("feed-", i); p.Source != want {
			t.Fatalf("source %d is %s, want %s: claims out of Add order", i, p.Source, want)
		}
	}
}

// TestPendingPartsLeaveLittleUnused: the values waiting for Build are kept in blocks,
// so that a part leaves at most one block unused, where a growing slice kept up to a
// quarter of itself spare.
func TestPendingPartsLeaveLittleUnused(t *testing.T) {
	c := newCorpus(200_000)
	b := c.builder(func(v string) string { return v })
	used, held := 0, 0
	count := func(p *part[uint32, strRef]) {
		for _, blk := range p.blocks {
			used, held = used+len(blk), held+cap(blk)
		}
		if spare := held - used; spare > maxBlock {
			t.Fatalf("a part holds %d values with room for %d", used, held)
		}
		used, held = 0, 0
	}
	for i := range numParts {
		count(&b.strs[kDomain].refs.p[i])
	}
	if s := b.Build(); s.kindLen(kDomain) < 40_000 {
		t.Fatalf("%d domains: the corpus is not what the test needs", s.kindLen(kDomain))
	}
}

// TestRefHandles checks that every Ref reads back as it was added, whether its handle
// holds it (a canonical line number) or names it in the arena.
func TestRefHandles(t *testing.T) {
	tests := []struct {
		ref    string
		inline bool
	}{
		{"", false},
		{"line 1", true},
		{"line 0", true},
		{"0", true},
		{"1073741823", true},
		{"line 1073741823", true},
		{"1073741824", false},
		{"line 1073741824", false},
		{"line 4294967297", false},
		{"line 01", false},
		{"00", false},
		{"line ", false},
		{"line -1", false},
		{"line +1", false},
		{"Line 1", false},
		{"line 1 ", false},
		{" 1", false},
		{"line  1", false},
		{"line 1x", false},
		{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", false},
	}
	var a refArena
	handles := make([]uint32, len(tests))
	for i, tc := range tests {
		handles[i] = a.add(tc.ref)
		if got := handles[i]&refInline != 0; got != tc.inline {
			t.Errorf("add(%q): inline %v, want %v", tc.ref, got, tc.inline)
		}
	}
	for i, tc := range tests {
		if got := a.text(handles[i]); got != tc.ref {
			t.Errorf("text(add(%q)) = %q", tc.ref, got)
		}
		for j, other := range tests {
			if got := a.equal(handles[i], handles[j]); got != (tc.ref == other.ref) {
				t.Errorf("equal(%q, %q) = %v", tc.ref, other.ref, got)
			}
		}
	}
}

// TestStringValuesOfEveryLength checks that string values are found and read back
// whatever their length (their length is written before them in one to three bytes),
// whether the Snapshot keeps the Builder's bytes (values added once) or a copy without
// the repeats (values added twice).
func TestStringValuesOfEveryLength(t *testing.T) {
	var urls []string
	for _, n := range []int{1, 2, 100, 126, 127, 128, 129, 300, 16383, 16384, 70000} {
		urls = append(urls, "http://a.test/"+strings.Repeat("x", n))
	}
	for _, times := range []int{1, 2} {
		b := NewBuilder()
		for range times {
			for i, u := range urls {
				b.Add(vigil.Indicator{Type: vigil.TypeURL, Value: u, Provenance: vigil.Provenance{Source: "s", Ref: fmt.Sprint(i)}})
			}
		}
		s := b.Build()
		for _, u := range urls {
			ids := s.Lookup(vigil.Observable{Type: vigil.TypeURL, Value: u}, nil)
			if len(ids) != 1 || s.Entry(ids[0]).Value != u {
				t.Errorf("added %d times: a URL of %d bytes: found %v", times, len(u), ids)
			}
			if ids := s.Lookup(vigil.Observable{Type: vigil.TypeURL, Value: u[:len(u)-1] + "y"}, nil); len(ids) != 0 {
				t.Errorf("added %d times: a URL of %d bytes with its last byte changed found %v", times, len(u), ids)
			}
		}
	}
}

// FuzzRefHandles checks that any Ref a feed gives reads back as it was, and compares
// equal to itself and to nothing else added beside it.
func FuzzRefHandles(f *testing.F) {
	for _, seed := range []string{"", "line 1", "line 01", "1073741824", "line 1073741823", "x", "line"} {
		f.Add(seed, "line 1")
	}
	f.Fuzz(func(t *testing.T, ref, other string) {
		var a refArena
		h, o := a.add(ref), a.add(other)
		if got := a.text(h); got != ref {
			t.Fatalf("text(add(%q)) = %q", ref, got)
		}
		if a.equal(h, o) != (ref == other) {
			t.Fatalf("equal(%q, %q) = %v", ref, other, a.equal(h, o))
		}
	})
}

func TestRejected(t *testing.T) {
	tests := []struct {
		name string
		ind  vigil.Indicator
	}{
		{"unknown type", vigil.Indicator{Type: "mutex", Value: "Global\\x"}},
		{"bad ipv4", vigil.Indicator{Type: vigil.TypeIPv4, Value: "1.2.3.400"}},
		{"ipv6 with zone", vigil.Indicator{Type: vigil.TypeIPv6, Value: "fe80::1%eth0"}},
		{"bad cidr", vigil.Indicator{Type: vigil.TypeCIDR, Value: "10.0.0.0"}},
		{"short md5", vigil.Indicator{Type: vigil.TypeMD5, Value: md5Evil[:31]}},
		{"sha1 not hex", vigil.Indicator{Type: vigil.TypeSHA1, Value: "g" + sha1Evil[1:]}},
		{"empty domain", vigil.Indicator{Type: vigil.TypeDomain}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder()
			b.Add(tc.ind)
			if s := b.Build(); b.Rejected() != 1 || s.Len() != 0 {
				t.Errorf("Rejected() = %d, Len() = %d; want 1, 0", b.Rejected(), s.Len())
			}
		})
	}
}

func TestEntryIsACopy(t *testing.T) {
	b := NewBuilder()
	labels := []string{"emotet"}
	b.Add(vigil.Indicator{Type: vigil.TypeDomain, Value: "evil.test", Provenance: vigil.Provenance{Source: "a", Labels: labels}})
	labels[0] = "changed by the caller"
	s := b.Build()
	id := s.Lookup(vigil.Observable{Type: vigil.TypeDomain, Value: "evil.test"}, nil)[0]
	s.Entry(id).Sources[0].Labels[0] = "changed by a reader"
	if got := s.Entry(id).Sources[0].Labels[0]; got != "emotet" {
		t.Errorf("label = %q; the snapshot changed under its readers", got)
	}
}

func TestEntryUnknownID(t *testing.T) {
	s := fixtureSnapshot(t)
	for _, id := range []ID{kIPv4.id(1000), kJA4.id(5), ^ID(0)} {
		if e := s.Entry(id); e.Type != "" || e.Sources != nil {
			t.Errorf("Entry(%#x) = %+v, want the zero Entry", id, e)
		}
	}
}

func TestZeroBuilder(t *testing.T) {
	var b Builder
	b.Add(vigil.Indicator{Type: vigil.TypeURL, Value: "http://a.test/", Provenance: vigil.Provenance{Source: "s", Ref: "1"}})
	s := b.Build()
	ids := s.Lookup(vigil.Observable{Type: vigil.TypeURL, Value: "http://a.test/"}, nil)
	if len(ids) != 1 || s.Entry(ids[0]).Sources[0].Ref != "1" {
		t.Errorf("zero Builder: Lookup = %v", ids)
	}
}

// TestBuildAgain: Build empties the Builder (it releases the values as it compiles
// them), so a second Build holds only what was added after the first; Rejected keeps
// counting.
func TestBuildAgain(t *testing.T) {
	b := NewBuilder()
	b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: "1.2.3.4"})
	b.Add(vigil.Indicator{Type: vigil.TypeDomain, Value: "evil.example"})
	b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: "not an address"})
	first := b.Build()
	b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: "1.1.1.1"})
	second := b.Build()
	if first.Len() != 2 || second.Len() != 1 || b.Rejected() != 1 {
		t.Errorf("Len() = %d then %d, Rejected() = %d; want 2 then 1, 1", first.Len(), second.Len(), b.Rejected())
	}
	if got := matches(first, vigil.Observable{Type: vigil.TypeIPv4, Value: "1.2.3.4"}); len(got) != 1 {
		t.Errorf("first snapshot changed by a later Add: %v", got)
	}
	if got := matches(second, vigil.Observable{Type: vigil.TypeIPv4, Value: "1.1.1.1"}); len(got) != 1 {
		t.Errorf("second snapshot lacks the later Add: %v", got)
	}
	if got := matches(second, vigil.Observable{Type: vigil.TypeDomain, Value: "evil.example"}); len(got) != 0 {
		t.Errorf("second snapshot holds an indicator of the first Build: %v", got)
	}
}

func TestStats(t *testing.T) {
	s := fixtureSnapshot(t)
	want := map[vigil.IndicatorType]int{
		"ipv4": 2, "ipv6": 1, "cidr": 5, "domain": 3, "url": 1, "email": 1, "filename": 1,
		"md5": 1, "sha1": 1, "sha256": 1, "sha512": 1,
	}
	if diff := cmp.Diff(want, s.Stats()); diff != "" {
		t.Errorf("Stats mismatch (-want +got):\n%s", diff)
	}
	if s.Len() != len(fixture) {
		t.Errorf("Len() = %d, want %d", s.Len(), len(fixture))
	}
	if s.MemoryBytes() <= 0 {
		t.Errorf("MemoryBytes() = %d", s.MemoryBytes())
	}
}

func TestKinds(t *testing.T) {
	for _, it := range vigil.IndicatorTypes {
		k, ok := kindOf(it)
		if !ok || k.indicatorType() != it {
			t.Errorf("kindOf(%s) = %d, %v", it, k, ok)
		}
	}
}

func TestParseIPv4(t *testing.T) {
	for _, s := range []string{
		"1.2.3.4", "0.0.0.0", "255.255.255.255", "10.0.0.1", "256.1.1.1", "1.2.3", "1.2.3.4.5",
		"01.2.3.4", "1.2.3.00", "1.2.3.0", "1..3.4", ".1.2.3", "1.2.3.", "", "1.2.3.4 ", "::1",
		"::ffff:1.2.3.4", "1.2.3.4/8", "1000.2.3.4", "99999999999.1.1.1", "1.2.3.a",
	} {
		t.Run(s, func(t *testing.T) { checkParseIPv4(t, s) })
	}
}

func FuzzParseIPv4(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "01.2.3.4", "255.255.255.256", "1.2.3.4.", "::ffff:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(checkParseIPv4)
}

// checkParseIPv4 checks that parseIPv4 agrees with netip.ParseAddr on s.
func checkParseIPv4(t *testing.T, s string) {
	got, ok := parseIPv4(s)
	a, err := netip.ParseAddr(s)
	want := err == nil && a.Is4()
	if ok != want || ok && netip.AddrFrom4([4]byte{byte(got >> 24), byte(got >> 16), byte(got >> 8), byte(got)}) != a {
		t.Errorf("parseIPv4(%q) = %#x, %v; netip.ParseAddr says %v, %v", s, got, ok, a, err)
	}
}

// TestLargeSets checks the bucket indexes, which only small-set tests would leave out:
// every listed value of a few thousand is found, and values next to them are not.
func TestLargeSets(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	tests := []struct {
		name string
		typ  vigil.IndicatorType
		gen  func() string
	}{
		{"ipv4", vigil.TypeIPv4, func() string { return randIPv4(r).String() }},
		{"ipv4 clustered", vigil.TypeIPv4, func() string { return fmt.Sprintf("10.1.%d.%d", r.IntN(16), r.IntN(256)) }},
		{"ipv6 sharing a /32", vigil.TypeIPv6, func() string { return randIPv6(r).String() }},
		{"ipv6 spread", vigil.TypeIPv6, func() string {
			var b [16]byte
			binary.BigEndian.PutUint64(b[:], r.Uint64())
			return netip.AddrFrom16(b).Unmap().String()
		}},
		{"sha1", vigil.TypeSHA1, func() string { return randValue(r, vigil.TypeSHA1) }},
		// strings, half of them 2 KiB longer
		{"url", vigil.TypeURL, func() string { return randValue(r, vigil.TypeURL) + strings.Repeat("x", r.IntN(2)*2048) }},
		{"domain", vigil.TypeDomain, func() string { return randDomain(r) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder()
			listed := map[string]bool{}
			for range 5000 {
				v := tc.gen()
				listed[v] = true
				b.Add(vigil.Indicator{Type: tc.typ, Value: v})
			}
			s := b.Build()
			for v := range listed {
				checkListed(t, s, tc.typ, v, true)
				if n := neighbour(v); !listed[n] {
					checkListed(t, s, tc.typ, n, false)
				}
			}
		})
	}
}

func checkListed(t *testing.T, s *Snapshot, typ vigil.IndicatorType, v string, want bool) {
	t.Helper()
	ids := s.Lookup(vigil.Observable{Type: typ, Value: v}, nil)
	if got := len(ids) == 1 && s.Entry(ids[0]).Value == v; got != want || len(ids) > 1 {
		t.Errorf("Lookup(%s %q) = %v, want listed %v", typ, v, ids, want)
	}
}

// neighbour returns the next address, or the hash with its last digit changed.
func neighbour(v string) string {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.Next().Unmap().String()
	}
	return v[:len(v)-1] + map[bool]string{true: "1", false: "0"}[v[len(v)-1] == '0']
}

// TestBuildParallelIsSequential: Build compiles on several goroutines, and the Snapshot
// must be the one a single goroutine compiles, field for field, but for the seeds of
// the string tables' hashes (random by design) and so the slots they place values in.
// Every fourth value is added again from another source, so that entries merge.
func TestBuildParallelIsSequential(t *testing.T) {
	c := newCorpus(20_000)
	build := func(workers int) *Snapshot {
		b := &Builder{workers: workers}
		for i, v := range c.values {
			p := c.provs[i%len(c.provs)]
			p.Ref = fmt.Sprint(i)
			b.Add(vigil.Indicator{Type: c.types[i], Value: v, Provenance: p})
			if i%64 == 0 { // IPv6 networks, which the corpus lacks, and IPv4 ones in the same parts
				x := randIPv6(rand.New(rand.NewPCG(uint64(i), 0))).As16()
				x[0] = byte(i)
				b.Add(vigil.Indicator{Type: vigil.TypeCIDR, Value: netip.PrefixFrom(netip.AddrFrom16(x), 48).Masked().String(), Provenance: p})
			}
			if i%4 == 0 {
				p.Source = "again"
				b.Add(vigil.Indicator{Type: c.types[i], Value: v, Provenance: p})
			}
		}
		s := b.Build()
		for k := range numKinds {
			if t := s.strSet(k); t != nil {
				t.seed, t.slots = maphash.Seed{}, nil
			}
		}
		return s
	}
	seq, par := build(1), build(4)
	if seq.Len() < 15_000 {
		t.Fatalf("Len() = %d: the corpus is not what the test needs", seq.Len())
	}
	if !reflect.DeepEqual(seq, par) {
		t.Errorf("a parallel Build differs from a sequential one")
	}
	// Build sorts a kind part by part: the parts must follow each other in order.
	if !slices.IsSorted(seq.v4.addrs) || !slices.IsSortedFunc(seq.nets.prefixes, netip.Prefix.Compare) ||
		!slices.IsSortedFunc(seq.v6.addrs, compareHashed6) {
		t.Errorf("addresses or networks out of order")
	}
}
