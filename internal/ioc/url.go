package ioc

import (
	"errors"
	"net"
	"net/url"
	"strings"
)

var errURL = errors.New("not a valid URL (expected scheme://host/path)")

// defaultPorts are dropped from URLs so http://a:80/ and http://a/ compare equal.
var defaultPorts = map[string]string{"http": "80", "https": "443", "ftp": "21", "ws": "80", "wss": "443"}

// URL canonicalises a URL: scheme and host lower-case, host in punycode without a trailing
// dot, default port and fragment dropped, empty path as "/", percent-encoding with upper-case
// hex and unreserved characters decoded. The query is kept as written otherwise.
// A value without a scheme is read as http.
func URL(s string) (string, error) {
	if !hasScheme(s) {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return "", errURL
	}
	scheme := strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	if a, ok := Addr(host); ok {
		host = a.String()
		if a.Is6() {
			host = "[" + host + "]"
		}
	} else if host, err = DomainName(host); err != nil {
		return "", errURL
	}
	if port != "" && port != defaultPorts[scheme] {
		host = net.JoinHostPort(strings.Trim(host, "[]"), port)
	}
	p := canonicalEscapes(u.EscapedPath())
	if p == "" {
		p = "/"
	}
	var b strings.Builder
	b.Grow(len(scheme) + 3 + len(host) + len(p) + len(u.RawQuery) + 1)
	b.WriteString(scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(u.User.String())
		b.WriteByte('@')
	}
	b.WriteString(host)
	b.WriteString(p)
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteByte('?')
		b.WriteString(canonicalEscapes(u.RawQuery))
	}
	return b.String(), nil
}

// hasScheme reports whether s starts with "scheme://" (RFC 3986: a letter, then letters,
// digits, '+', '-' or '.').
func hasScheme(s string) bool {
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// canonicalEscapes decodes percent-escapes of unreserved characters (RFC 3986 §2.3) and
// upper-cases the hex digits of the rest, so %7e, %7E and ~ are one spelling.
func canonicalEscapes(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' || i+2 >= len(s) || !isHex(s[i+1:i+3]) {
			b.WriteByte(c)
			continue
		}
		v := unhex(s[i+1])<<4 | unhex(s[i+2])
		if isUnreserved(v) {
			b.WriteByte(v)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
		}
		i += 2
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// URLHost returns the host of a canonical URL (see URL) without brackets, userinfo or
// port: "http://u@[2001:db8::1]:8080/x" gives "2001:db8::1"; "" when there is none. It
// allocates nothing: telemetry extraction and the Early Warning router call it per URL.
func URLHost(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	h := u[i+3:]
	if j := strings.IndexAny(h, "/?#"); j >= 0 {
		h = h[:j]
	}
	if j := strings.LastIndexByte(h, '@'); j >= 0 {
		h = h[j+1:]
	}
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return ""
		}
		return h[1:end]
	}
	if j := strings.LastIndexByte(h, ':'); j >= 0 {
		h = h[:j]
	}
	return h
}
