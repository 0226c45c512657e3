package intel

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

func loadTestWarninglists(t testing.TB) *Warninglists {
	t.Helper()
	w, err := LoadWarninglists(filepath.Join("testdata", "warninglists"))
	if err != nil {
		t.Fatalf("LoadWarninglists: %v", err)
	}
	return w
}

func TestWarninglistMatch(t *testing.T) {
	w := loadTestWarninglists(t)
	tests := []struct {
		name  string
		typ   vigil.IndicatorType
		value string
		want  string // list name, "" for no match
	}{
		{"address in a network", vigil.TypeIPv4, "10.1.2.3", "nets"},
		{"listed single address", vigil.TypeIPv4, "198.51.100.7", "nets"},
		{"next address", vigil.TypeIPv4, "198.51.100.8", ""},
		{"entry with host bits is masked", vigil.TypeIPv4, "172.20.1.1", "nets"},
		{"ipv6 address", vigil.TypeIPv6, "2001:db8::5", "nets"},
		{"network inside a listed one", vigil.TypeCIDR, "10.20.0.0/16", "nets"},
		{"network wider than the listed one", vigil.TypeCIDR, "192.0.0.0/16", ""},
		{"mapped-ipv6 entry does not cover ipv4", vigil.TypeIPv4, "203.0.113.1", ""},
		{"unparseable address", vigil.TypeIPv4, "nonsense", ""},
		{"same entry in two lists: first by name", vigil.TypeDomain, "example.org", "hosts"},
		{"string entry is exact and ignores case", vigil.TypeDomain, "www.popular.example", "strings"},
		{"hostname entry covers subdomains", vigil.TypeDomain, "deep.sub.popular.example", "hosts"},
		{"dotted string entry covers subdomains", vigil.TypeDomain, "a.corp.example", "strings"},
		{"dotted string entry matches itself", vigil.TypeDomain, "corp.example", "strings"},
		{"wildcard hostname entry", vigil.TypeDomain, "x.wild.example", "hosts"},
		{"international entry in punycode", vigil.TypeDomain, "xn--bcher-kva.example", "hosts"},
		{"entry that is a public suffix covers no subdomain", vigil.TypeDomain, "evil.duckdns.org", ""},
		{"unlisted domain", vigil.TypeDomain, "notlisted.example.net", ""},
		{"URL that is only a listed host", vigil.TypeURL, "http://popular.example/", "hosts"},
		{"URL with a path on a listed host is specific", vigil.TypeURL, "https://popular.example/payload.exe", ""},
		{"URL listed exactly", vigil.TypeURL, "http://exact.example/path", "strings"},
		{"URL containing a substring entry", vigil.TypeURL, "https://a.example.net/?id=TRACKER", "subs"},
		{"short substring entry", vigil.TypeURL, "https://xy.example.net/", "subs"},
		{"email pattern with the i flag", vigil.TypeEmail, "abuse@example.net", "regex"},
		{"email substring before pattern", vigil.TypeEmail, "noc@tracker.example", "subs"},
		{"email nobody lists", vigil.TypeEmail, "someone@example.net", ""},
		{"pattern list does not apply to domains", vigil.TypeDomain, "abuse.example.net", ""},
		{"hash entry", vigil.TypeMD5, "d41d8cd98f00b204e9800998ecf8427e", "strings"},
		{"hash list does not apply to other hashes", vigil.TypeSHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", ""},
		{"list without matching_attributes applies to all types", vigil.TypeFilename, "payload.dll", "untyped"},
		{"unknown type", vigil.IndicatorType("asn"), "10.1.2.3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := w.Match(tt.typ, tt.value)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Match(%s, %q) = %q, %v; want %q", tt.typ, tt.value, got, ok, tt.want)
			}
		})
	}
}

func TestWarninglistsLoad(t *testing.T) {
	w := loadTestWarninglists(t)
	if diff := cmp.Diff([]string{"hosts", "nets", "regex", "strings", "subs", "untyped"}, w.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	if w.Len() != 6 || w.Entries() != 21 {
		t.Errorf("Len %d Entries %d, want 6 lists with 21 entries", w.Len(), w.Entries())
	}
	wantProblems := []string{
		"badregex: left out: pattern", "broken: not a warninglist", "nets: 1 of its entries are not networks",
		"phones: not used: it applies to phone-number",
	}
	got := w.Problems()
	if len(got) != len(wantProblems) {
		t.Fatalf("Problems = %q, want %d", got, len(wantProblems))
	}
	for i, p := range wantProblems {
		if !strings.HasPrefix(got[i], p) {
			t.Errorf("problem %d = %q, want it to start %q", i, got[i], p)
		}
	}
}

func TestWarninglistsLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"missing directory", filepath.Join("testdata", "no-such-dir"), "cannot read warninglists"},
		{"directory without lists", t.TempDir(), "no warninglists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := LoadWarninglists(tt.dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || w != nil {
				t.Errorf("LoadWarninglists(%s) = %v, %v; want an error containing %q", tt.dir, w, err, tt.want)
			}
		})
	}
}

func TestWarninglistsNil(t *testing.T) {
	var w *Warninglists
	if name, ok := w.Match(vigil.TypeIPv4, "10.1.2.3"); ok || name != "" {
		t.Errorf("nil Match = %q, %v", name, ok)
	}
	if w.Len() != 0 || w.Entries() != 0 || w.Names() != nil || w.Problems() != nil {
		t.Error("nil Warninglists reports lists")
	}
}

// TestSinkWarninglists checks the sink counts what a warninglist leaves out, per list.
func TestSinkWarninglists(t *testing.T) {
	w := loadTestWarninglists(t)
	in := `{"Event":{"Attribute":[` + mispAttr("www.popular.example") + `,` + mispAttr("evil.example.net") +
		`,{"type":"ip-dst","value":"198.51.100.7","to_ids":true}]}}`
	got, rep, err := mispParse(t, in, Options{Warninglists: w})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"domain evil.example.net"}, mispValues(got)); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"nets": 1, "strings": 1}, rep.WarninglistedBy); diff != "" {
		t.Errorf("warninglisted by (-want +got):\n%s", diff)
	}
}

// realWarninglists loads the 136 real lists, or skips when the data is absent.
func realWarninglists(t testing.TB) *Warninglists {
	t.Helper()
	w, err := LoadWarninglists(filepath.Join(mispDataDir(t), "warninglists"))
	if err != nil {
		t.Fatalf("LoadWarninglists: %v", err)
	}
	return w
}

func TestWarninglistsReal(t *testing.T) {
	w := realWarninglists(t)
	if w.Len() != 134 || w.Entries() < 500_000 {
		t.Errorf("%d lists with %d entries, want 134 of the 136 (two are for phone numbers and Azure app ids) with over 500,000", w.Len(), w.Entries())
	}
	if len(w.Problems()) != 2 {
		t.Errorf("problems %q, want only the two lists of types vigil does not match", w.Problems())
	}
	tests := []struct {
		name  string
		typ   vigil.IndicatorType
		value string
		want  string
	}{
		{"Google public DNS", vigil.TypeIPv4, "8.8.8.8", "public-dns-v4"},
		{"top domain", vigil.TypeDomain, "google.com", "alexa"},
		{"subdomain of a top domain", vigil.TypeDomain, "www.google.com", "captive-portals"},
		{"RFC 1918 address", vigil.TypeIPv4, "10.1.2.3", "rfc1918"},
		{"RFC 1918 network", vigil.TypeCIDR, "192.168.0.0/24", "rfc1918"},
		{"TEST-NET-3 is documentation space (RFC 5735)", vigil.TypeIPv4, "203.0.113.77", "rfc5735"},
		{"Google public DNS over IPv6", vigil.TypeIPv6, "2001:4860:4860::8888", "public-dns-v6"},
		{"empty file MD5", vigil.TypeMD5, "d41d8cd98f00b204e9800998ecf8427e", "common-ioc-false-positive"},
		{"abuse mailbox", vigil.TypeEmail, "abuse@example.com", "common-contact-emails"},
		{"unlisted public address", vigil.TypeIPv4, "141.98.10.60", ""},
		{"VPN exit address", vigil.TypeIPv4, "195.154.33.77", "vpn-ipv4"},
		{"unlisted domain", vigil.TypeDomain, "leap39.com", ""},
		{"dynamic DNS name in a public-suffix zone", vigil.TypeDomain, "evil.duckdns.org", ""},
		{"payload URL on a popular host", vigil.TypeURL, "https://github.com/attacker/payload/raw/main/x.zip", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := w.Match(tt.typ, tt.value)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Match(%s, %q) = %q, %v; want %q", tt.typ, tt.value, got, ok, tt.want)
			}
		})
	}
}

func BenchmarkLoadWarninglists(b *testing.B) {
	dir := filepath.Join(mispDataDir(b), "warninglists")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadWarninglists(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWarninglistMatch(b *testing.B) {
	w := realWarninglists(b)
	cases := []struct {
		typ    vigil.IndicatorType
		values []string
	}{
		{vigil.TypeIPv4, []string{"8.8.8.8", "141.98.10.60", "10.1.2.3", "185.220.101.4"}},
		{vigil.TypeCIDR, []string{"192.168.0.0/24", "195.154.0.0/16"}},
		{vigil.TypeDomain, []string{"www.google.com", "leap39.com", "c2.evil-example.net", "a.b.c.d.example.org"}},
		{vigil.TypeURL, []string{"https://github.com/attacker/payload/raw/main/x.zip", "http://fshsjlk.cc/", "https://evil.example.net/login.php?id=1"}},
		{vigil.TypeSHA256, []string{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", strings.Repeat("ab", 32)}},
		{vigil.TypeEmail, []string{"abuse@example.com", "phish@evil.example.net"}},
	}
	for _, c := range cases {
		b.Run(string(c.typ), func(b *testing.B) {
			i := 0
			for b.Loop() {
				w.Match(c.typ, c.values[i%len(c.values)])
				i++
			}
		})
	}
}
