package web

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

func TestClient(t *testing.T) {
	proxies, err := parseProxies([]string{"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{proxies: proxies}
	for _, tc := range []struct {
		name, remote string
		tls          bool
		xff, proto   []string
		want         string
		wantSecure   bool
	}{
		{name: "direct", remote: "203.0.113.9:5000", want: "203.0.113.9"},
		{name: "direct over TLS", remote: "203.0.113.9:5000", tls: true, want: "203.0.113.9", wantSecure: true},
		{name: "untrusted sender's headers ignored", remote: "203.0.113.9:5000", xff: []string{"198.51.100.7"}, proto: []string{"https"}, want: "203.0.113.9"},
		{name: "trusted proxy", remote: "192.0.2.1:443", xff: []string{"198.51.100.7"}, proto: []string{"https"}, want: "198.51.100.7", wantSecure: true},
		{name: "trusted proxy over plain HTTP", remote: "192.0.2.1:443", xff: []string{"198.51.100.7"}, proto: []string{"http"}, want: "198.51.100.7"},
		{name: "chain of trusted proxies", remote: "10.1.2.3:80", xff: []string{"198.51.100.7, 10.9.9.9"}, want: "198.51.100.7"},
		{name: "client-made entries before the real one ignored", remote: "10.1.2.3:80", xff: []string{"6.6.6.6, 198.51.100.7", "10.9.9.9"}, want: "198.51.100.7"},
		{name: "nearest proxy's protocol counts", remote: "10.1.2.3:80", xff: []string{"198.51.100.7"}, proto: []string{"https, http"}, want: "198.51.100.7"},
		{name: "entry with a port", remote: "10.1.2.3:80", xff: []string{"198.51.100.7:61000"}, want: "198.51.100.7"},
		{name: "IPv6 client behind an IPv6 proxy", remote: "[2001:db8::1]:443", xff: []string{"[2001:db8:ffff::5]:1, 2001:db9::7"}, want: "2001:db9::7"},
		{name: "garbage stops the walk", remote: "10.1.2.3:80", xff: []string{"198.51.100.7, not-an-ip"}, want: "10.1.2.3"},
		{name: "no header from a trusted proxy", remote: "10.1.2.3:80", want: "10.1.2.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tc.proto {
				r.Header.Add("X-Forwarded-Proto", v)
			}
			ip, secure := s.client(r)
			if ip != tc.want || secure != tc.wantSecure {
				t.Errorf("client = %s, secure %v; want %s, %v", ip, secure, tc.want, tc.wantSecure)
			}
		})
	}
	if _, err := parseProxies([]string{"proxy.example"}); err == nil {
		t.Error("parseProxies accepted a host name")
	}
}
