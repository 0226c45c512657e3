package stixpattern

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestPatternMatchable checks which patterns reduce to per-observable values, and that the rest
// say precisely why not. want lists "type=value" pairs.
func TestPatternMatchable(t *testing.T) {
	tests := []struct {
		name, pattern string
		want          []string
		reason        string
	}{
		{"ipv4", "[ipv4-addr:value = '198.51.100.1']", []string{"ipv4=198.51.100.1"}, ""},
		{"ipv4 network", "[ipv4-addr:value = '223.166.0.0/15']", []string{"cidr=223.166.0.0/15"}, ""},
		{"ipv6", "[ipv6-addr:value = '2001:db8::1']", []string{"ipv6=2001:db8::1"}, ""},
		{"ipv6 network", "[ipv6-addr:value = '2001:db8::/32']", []string{"cidr=2001:db8::/32"}, ""},
		{"domain", "[domain-name:value='evil.example']", []string{"domain=evil.example"}, ""},
		{"url", "[url:value = 'http://x4z9arb.cn/4712/']", []string{"url=http://x4z9arb.cn/4712/"}, ""},
		{"email address", "[email-addr:value = 'a@b.example']", []string{"email=a@b.example"}, ""},
		{"email from", "[email-message:from_ref.value = 'a@b.example']", []string{"email=a@b.example"}, ""},
		{"email sender", "[email-message:sender_ref.value = 'a@b.example']", []string{"email=a@b.example"}, ""},
		{"file name", "[file:name = 'evil.exe']", []string{"filename=evil.exe"}, ""},
		{"MD5", "[file:hashes.MD5 = 'x']", []string{"md5=x"}, ""},
		{"md5 lower-case", "[file:hashes.md5 = 'x']", []string{"md5=x"}, ""},
		{"quoted SHA-1", "[file:hashes.'SHA-1' = 'x']", []string{"sha1=x"}, ""},
		{"SHA1", "[file:hashes.SHA1 = 'x']", []string{"sha1=x"}, ""},
		{"quoted SHA-256", "[file:hashes.'SHA-256' = 'x']", []string{"sha256=x"}, ""},
		{"sha256 lower-case", "[file:hashes.sha256 = 'x']", []string{"sha256=x"}, ""},
		{"quoted sha-512", "[file:hashes.'sha-512' = 'x']", []string{"sha512=x"}, ""},
		{"SHA512", "[file:hashes.SHA512 = 'x']", []string{"sha512=x"}, ""},
		{"dst_ref address", "[network-traffic:dst_ref.value = '203.0.113.1']", []string{"ipv4=203.0.113.1"}, ""},
		{"src_ref ipv6", "[network-traffic:src_ref.value = '2001:db8::2']", []string{"ipv6=2001:db8::2"}, ""},
		{"src_ref network", "[network-traffic:src_ref.value = '10.0.0.0/8']", []string{"cidr=10.0.0.0/8"}, ""},
		{"dst_ref domain", "[network-traffic:dst_ref.value = 'c2.example']", []string{"domain=c2.example"}, ""},
		{"IN list", "[url:value IN ('http://a.example/1', 'http://a.example/2')]",
			[]string{"url=http://a.example/1", "url=http://a.example/2"}, ""},
		{"OR in one observation", "[domain-name:value = 'a.example' OR ipv4-addr:value = '10.1.1.1']",
			[]string{"domain=a.example", "ipv4=10.1.1.1"}, ""},
		{"OR across observations", "[file:hashes.MD5 = 'x'] OR [file:hashes.'SHA-256' = 'y']",
			[]string{"md5=x", "sha256=y"}, ""},
		{"nested OR", "[(file:name = 'a' OR file:name = 'b')] OR ([url:value = 'http://c/'])",
			[]string{"filename=a", "filename=b", "url=http://c/"}, ""},
		{"duplicates dropped", "[file:name = 'a' OR file:name = 'a' OR file:name IN ('a', 'b')]",
			[]string{"filename=a", "filename=b"}, ""},
		{"quoted first key", "[domain-name:'value' = 'a.example']", []string{"domain=a.example"}, ""},

		{"several hashes of one file", "[file:hashes.MD5 = 'a' AND file:hashes.'SHA-256' = 'b' AND file:hashes.'SHA-1' = 'c']",
			[]string{"md5=a", "sha256=b", "sha1=c"}, ""},
		{"a hash and a name of one file", "[file:hashes.MD5 = 'a' AND file:name = 'x.exe']", nil, "AND joins two conditions on one file"},
		{"hashes of two kinds of object", "[file:hashes.MD5 = 'a' AND artifact:hashes.MD5 = 'b']", nil, "AND joins two observables"},
		{"AND on one object", "[file:name = 'a' AND file:size = 1]", nil, "AND joins two conditions on one file"},
		{"AND on two objects", "[file:name = 'a' AND ipv4-addr:value = '10.0.0.1']", nil, "AND joins two observables"},
		{"AND inside OR keeps the sufficient term", "[ipv4-addr:value = '10.0.0.1' OR (domain-name:value = 'a.example' AND domain-name:resolves_to_refs[*].value = '10.0.0.1')]",
			[]string{"ipv4=10.0.0.1"}, "AND joins two conditions on one domain-name"},
		{"OR across observations with an AND branch", "([file:name = 'a'] AND [mutex:name = 'm']) OR [url:value = 'http://x.example/']",
			[]string{"url=http://x.example/"}, "AND joins two observations"},
		{"AND of ORs is not matchable", "[ipv4-addr:value = '10.0.0.1' OR ipv4-addr:value = '10.0.0.2'] AND [file:name = 'a']",
			nil, "AND joins two observations"},
		{"observation AND", "[file:name = 'a'] AND [ipv4-addr:value = '10.0.0.1']", nil, "AND joins two observations"},
		{"FOLLOWEDBY", "[file:name = 'a'] FOLLOWEDBY [ipv4-addr:value = '10.0.0.1']", nil, "FOLLOWEDBY sequence"},
		{"WITHIN", "[file:name = 'a'] WITHIN 5 SECONDS", nil, "WITHIN qualifier"},
		{"REPEATS", "[file:name = 'a'] REPEATS 5 TIMES", nil, "REPEATS qualifier"},
		{"START STOP", "[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'", nil, "START/STOP qualifier"},
		{"LIKE", "[url:value LIKE 'http://a/%']", nil, "LIKE comparison"},
		{"MATCHES", "[email-message:from_ref.value MATCHES '.+@a\\\\.example$']", nil, "MATCHES comparison"},
		{"not equal", "[ipv4-addr:value != '10.0.0.1']", nil, "!= comparison"},
		{"NOT =", "[ipv4-addr:value NOT = '10.0.0.1']", nil, "NOT = comparison"},
		{"NOT IN", "[ipv4-addr:value NOT IN ('10.0.0.1')]", nil, "NOT IN comparison"},
		{"greater than", "[file:size > 10]", nil, "> comparison"},
		{"ISSUBSET", "[ipv4-addr:value ISSUBSET '10.0.0.0/8']", nil, "ISSUBSET comparison"},
		{"EXISTS", "[EXISTS file:hashes.MD5]", nil, "EXISTS comparison"},
		{"process name", "[process:name = 'fservernetd']", nil, "unsupported object path process:name"},
		{"app id", "[app:id = 'com.gu.activity']", nil, "unsupported object path app:id"},
		{"registry key", "[windows-registry-key:key = 'HKLM\\\\x']", nil, "unsupported object path windows-registry-key:key"},
		{"ssdeep", "[file:hashes.ssdeep = 'x']", nil, "unsupported object path file:hashes.ssdeep"},
		{"custom property", "[file:x_acme_id = 'x']", nil, "unsupported object path file:x_acme_id"},
		{"custom object", "[x-acme-ip:value = '10.0.0.1']", nil, "unsupported object path x-acme-ip:value"},
		{"resolves_to_refs", "[domain-name:resolves_to_refs[*].value = '10.0.0.1']", nil,
			"unsupported object path domain-name:resolves_to_refs[*].value"},
		{"attachment name", "[email-message:body_multipart[*].body_raw_ref.name = 'a.exe']", nil,
			"unsupported object path email-message:body_multipart[*].body_raw_ref.name"},
		{"unsupported term in OR keeps the supported one", "[ipv4-addr:value = '10.0.0.1' OR mutex:name = 'x']", []string{"ipv4=10.0.0.1"}, "unsupported object path mutex:name"},
		{"only unsupported terms in OR", "[process:name = 'a' OR mutex:name = 'x']", nil, "unsupported object path process:name"},
		{"non-string value", "[ipv4-addr:value = 5]", nil, "ipv4-addr:value compared with a non-string value 5"},
		{"empty IN", "[url:value IN ()]", nil, "empty IN set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			ms, reason := Matchable(e)
			if reason != tt.reason {
				t.Errorf("reason = %q, want %q", reason, tt.reason)
			}
			var got []string
			for _, m := range ms {
				got = append(got, string(m.Type)+"="+m.Value)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("matches = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPatternMatchableDuplicates covers the switch from pairwise to map de-duplication.
func TestPatternMatchableDuplicates(t *testing.T) {
	var terms []string
	for i := range 100 {
		terms = append(terms, fmt.Sprintf("file:name = 'f%d'", i%40))
	}
	e, err := Parse("[" + strings.Join(terms, " OR ") + "]")
	if err != nil {
		t.Fatal(err)
	}
	ms, reason := Matchable(e)
	if reason != "" || len(ms) != 40 {
		t.Fatalf("got %d matches, reason %q; want 40", len(ms), reason)
	}
	if ms[39] != (Match{Path: "file:name", Type: vigil.TypeFilename, Value: "f39"}) {
		t.Errorf("last match = %+v", ms[39])
	}
}
