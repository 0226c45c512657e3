package ioc

import (
	"testing"

	"github.com/vigil-health/vigil"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name     string
		typ      vigil.IndicatorType
		in       string
		wantType vigil.IndicatorType
		want     string
		wantErr  bool
	}{
		{"ipv4", vigil.TypeIPv4, " 192.0.2.1 ", vigil.TypeIPv4, "192.0.2.1", false},
		{"ipv4-mapped ipv6 becomes ipv4", vigil.TypeIPv6, "::ffff:192.0.2.1", vigil.TypeIPv4, "192.0.2.1", false},
		{"ipv6 compressed", vigil.TypeIPv6, "2001:DB8:0:0::1", vigil.TypeIPv6, "2001:db8::1", false},
		{"bad ipv4", vigil.TypeIPv4, "300.1.1.1", vigil.TypeIPv4, "", true},
		{"ipv6 given as ipv4", vigil.TypeIPv4, "2001:db8::1", vigil.TypeIPv4, "", true},
		{"cidr masked", vigil.TypeCIDR, "198.51.100.7/24", vigil.TypeCIDR, "198.51.100.0/24", false},
		{"cidr /32 is an address", vigil.TypeCIDR, "198.51.100.7/32", vigil.TypeIPv4, "198.51.100.7", false},
		{"cidr /8 allowed", vigil.TypeCIDR, "10.0.0.0/8", vigil.TypeCIDR, "10.0.0.0/8", false},
		{"cidr wider than /8 rejected", vigil.TypeCIDR, "10.0.0.0/7", vigil.TypeCIDR, "", true},
		{"v6 cidr wider than /32 rejected", vigil.TypeCIDR, "2001::/16", vigil.TypeCIDR, "", true},
		{"v6 cidr", vigil.TypeCIDR, "2001:db8:1::/48", vigil.TypeCIDR, "2001:db8:1::/48", false},
		{"v4-mapped cidr", vigil.TypeCIDR, "::ffff:192.0.2.0/120", vigil.TypeCIDR, "192.0.2.0/24", false},
		{"domain case and dot", vigil.TypeDomain, "Evil.EXAMPLE.com.", vigil.TypeDomain, "evil.example.com", false},
		{"idn to punycode", vigil.TypeDomain, "bücher.example", vigil.TypeDomain, "xn--bcher-kva.example", false},
		{"public suffix rejected", vigil.TypeDomain, "co.uk", vigil.TypeDomain, "", true},
		{"nhs.uk rejected", vigil.TypeDomain, "NHS.UK", vigil.TypeDomain, "", true},
		{"private suffix rejected", vigil.TypeDomain, "github.io", vigil.TypeDomain, "", true},
		{"under nhs.uk allowed", vigil.TypeDomain, "trust.nhs.uk", vigil.TypeDomain, "trust.nhs.uk", false},
		{"single label rejected", vigil.TypeDomain, "localhost", vigil.TypeDomain, "", true},
		{"domain that is an ip", vigil.TypeDomain, "203.0.113.9", vigil.TypeIPv4, "203.0.113.9", false},
		{"defanged domain", vigil.TypeDomain, "evil[.]example[.]com", vigil.TypeDomain, "evil.example.com", false},
		{"bad domain chars", vigil.TypeDomain, "ev il.com", vigil.TypeDomain, "", true},
		{"numeric tld rejected", vigil.TypeDomain, "999.1.1.1", vigil.TypeDomain, "", true},
		{"file name is not a domain", vigil.TypeDomain, "wscript.exe", vigil.TypeDomain, "", true},
		{"special-use tld allowed", vigil.TypeDomain, "c2.badcorp.example", vigil.TypeDomain, "c2.badcorp.example", false},
		{"new gtld allowed", vigil.TypeDomain, "eo.oe.kiwi", vigil.TypeDomain, "eo.oe.kiwi", false},
		{"wildcard cctld allowed", vigil.TypeDomain, "zoom.example.com.np", vigil.TypeDomain, "zoom.example.com.np", false},
		{"under a private suffix allowed", vigil.TypeDomain, "evil.github.io", vigil.TypeDomain, "evil.github.io", false},
		{"typo tld rejected", vigil.TypeDomain, "peticaonline.comv", vigil.TypeDomain, "", true},
		{"alternative root allowed", vigil.TypeDomain, "loader.bazar", vigil.TypeDomain, "loader.bazar", false},
		{"onion allowed", vigil.TypeDomain, "abcdefghijklmnop.onion", vigil.TypeDomain, "abcdefghijklmnop.onion", false},
		{"url canonical", vigil.TypeURL, "HTTP://Evil.Example.COM:80/a%7eb/%2f?q=%2a#frag", vigil.TypeURL, "http://evil.example.com/a~b/%2F?q=%2A", false},
		{"url non-default port kept", vigil.TypeURL, "https://evil.example.com:8443", vigil.TypeURL, "https://evil.example.com:8443/", false},
		{"url without scheme", vigil.TypeURL, "evil.example.com/x.php", vigil.TypeURL, "http://evil.example.com/x.php", false},
		{"url defanged", vigil.TypeURL, "hxxps://evil[.]example[.]com/p", vigil.TypeURL, "https://evil.example.com/p", false},
		{"url ip host", vigil.TypeURL, "http://[::ffff:192.0.2.1]:8080/x", vigil.TypeURL, "http://192.0.2.1:8080/x", false},
		{"url no host", vigil.TypeURL, "http:///x", vigil.TypeURL, "", true},
		{"email", vigil.TypeEmail, "Phish@Evil.Example.COM", vigil.TypeEmail, "phish@evil.example.com", false},
		{"email bad", vigil.TypeEmail, "nobody", vigil.TypeEmail, "", true},
		{"md5 upper", vigil.TypeMD5, "D41D8CD98F00B204E9800998ECF8427E", vigil.TypeMD5, "d41d8cd98f00b204e9800998ecf8427e", false},
		{"sha1 wrong length", vigil.TypeSHA1, "d41d8cd98f00b204e9800998ecf8427e", vigil.TypeSHA1, "", true},
		{"sha256 not hex", vigil.TypeSHA256, "zz" + string(make([]byte, 0)) + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8", vigil.TypeSHA256, "", true},
		{"filename from path", vigil.TypeFilename, `C:\Windows\Temp\EVIL.exe`, vigil.TypeFilename, "evil.exe", false},
		{"empty", vigil.TypeDomain, "  ", vigil.TypeDomain, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotType, got, err := Normalize(tt.typ, tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Normalize(%s, %q) error = %v, want error %v", tt.typ, tt.in, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got != tt.want || gotType != tt.wantType {
				t.Errorf("Normalize(%s, %q) = %s %q, want %s %q", tt.typ, tt.in, gotType, got, tt.wantType, tt.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		in       string
		wantType vigil.IndicatorType
		want     string
	}{
		{"192.0.2.1", vigil.TypeIPv4, "192.0.2.1"},
		{"192.0.2.0/24", vigil.TypeCIDR, "192.0.2.0/24"},
		{"192.0.2.1:8080", vigil.TypeIPv4, "192.0.2.1"},
		{"[2001:db8::1]:443", vigil.TypeIPv6, "2001:db8::1"},
		{"2001:db8::1", vigil.TypeIPv6, "2001:db8::1"},
		{"d41d8cd98f00b204e9800998ecf8427e", vigil.TypeMD5, "d41d8cd98f00b204e9800998ecf8427e"},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", vigil.TypeSHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", vigil.TypeSHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"https://evil.example.com/a", vigil.TypeURL, "https://evil.example.com/a"},
		{"evil.example.com/gate.php", vigil.TypeURL, "http://evil.example.com/gate.php"},
		{"evil.example.com:8080", vigil.TypeDomain, "evil.example.com"},
		{"Evil.Example.com", vigil.TypeDomain, "evil.example.com"},
		{"bad@evil.example.com", vigil.TypeEmail, "bad@evil.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			gotType, got, err := Detect(tt.in)
			if err != nil || gotType != tt.wantType || got != tt.want {
				t.Errorf("Detect(%q) = %s %q %v, want %s %q", tt.in, gotType, got, err, tt.wantType, tt.want)
			}
		})
	}
}

// FuzzNormalize checks that normalisation never panics and is idempotent: normalising a
// normalised value gives it back unchanged, so stored values compare equal forever.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "::ffff:1.2.3.4", "10.0.0.0/8", "Bücher.example.", "HTTP://a.example:80/%7e?x#y",
		"x@Y.example", "D41D8CD98F00B204E9800998ECF8427E", `C:\a\b.EXE`, "hxxp://a[.]example/", "a.example/p%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range vigil.IndicatorTypes {
			gotType, got, err := Normalize(typ, s)
			if err != nil {
				continue
			}
			t2, again, err := Normalize(gotType, got)
			if err != nil || again != got || t2 != gotType {
				t.Fatalf("Normalize(%s, %q) = %s %q, but normalising that gives %s %q %v", typ, s, gotType, got, t2, again, err)
			}
		}
		Detect(s)
	})
}

func TestURLHost(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "http://a.example/", "a.example"},
		{"port", "http://a.example:81/", "a.example"},
		{"userinfo", "http://u:p@a.example/", "a.example"},
		{"ipv6", "http://[2001:db8::1]:81/", "2001:db8::1"},
		{"ipv6 unclosed", "http://[2001:db8::1/", ""},
		{"query only", "http://a.example?x=@b.example", "a.example"},
		{"at sign in path", "http://a.example/@b.example", "a.example"},
		{"no scheme", "a.example/x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URLHost(tt.in); got != tt.want {
				t.Errorf("URLHost(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
