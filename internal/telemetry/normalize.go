package telemetry

import (
	"bytes"
	"net/netip"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// view returns b as a string without copying. The result must not be kept: it changes when
// b's backing array is reused (the parser's buffer, or the Extractor's scratch). Every value
// that leaves the package goes through intern, which copies it.
func view(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b)) //nolint:gosec // read-only view, copied by intern before it is kept
}

// ipLike reports whether b has the shape of an IP address, so that netip (whose errors
// allocate) is only asked about plausible values: four dotted groups of 1-3 digits, or hex
// groups with "::" or seven colons (six with an embedded IPv4), and an optional zone.
func ipLike(b []byte) bool {
	if len(b) < 2 || len(b) > 64 {
		return false
	}
	if z := bytes.IndexByte(b, '%'); z > 0 {
		b = b[:z]
	}
	if bytes.IndexByte(b, ':') < 0 {
		return ipv4Like(b)
	}
	colons, dot := 0, false
	for _, c := range b {
		switch {
		case c == ':':
			colons++
		case c == '.':
			dot = true
		case !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'):
			return false
		}
	}
	return colons == 7 || colons == 6 && dot || bytes.Contains(b, []byte("::"))
}

func ipv4Like(b []byte) bool {
	dots, run := 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			run++
			if run > 3 {
				return false
			}
		case c == '.' && run > 0:
			dots++
			run = 0
		default:
			return false
		}
	}
	return dots == 3 && run > 0
}

// normIP normalises an IP address as ioc.Addr does. The unspecified addresses 0.0.0.0 and ::
// stand for "any address", not a peer, and are not observables.
func (e *Extractor) normIP(b []byte) (vigil.IndicatorType, string) {
	b = bytes.TrimSpace(b)
	if !ipLike(b) {
		return "", ""
	}
	a, err := netip.ParseAddr(view(b))
	if err != nil {
		return "", ""
	}
	a = a.Unmap().WithZone("")
	if a.IsUnspecified() {
		return "", ""
	}
	e.buf = a.AppendTo(e.buf[:0])
	if a.Is4() {
		return vigil.TypeIPv4, view(e.buf)
	}
	return vigil.TypeIPv6, view(e.buf)
}

// splitHostPort returns the host of "host", "host:port", "[v6]:port" or a bare IPv6 address.
func splitHostPort(b []byte) []byte {
	if len(b) > 0 && b[0] == '[' {
		if i := bytes.IndexByte(b, ']'); i > 0 {
			return b[1:i]
		}
		return b
	}
	i := bytes.LastIndexByte(b, ':')
	if i < 0 || bytes.IndexByte(b, ':') != i || !isDigits(b[i+1:]) {
		return b
	}
	return b[:i]
}

func isDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// normHost normalises a host name or IP address, with any port dropped.
func (e *Extractor) normHost(b []byte) (vigil.IndicatorType, string) {
	b = splitHostPort(bytes.TrimSpace(b))
	if t, v := e.normIP(b); t != "" {
		return t, v
	}
	return e.normDomain(b)
}

// normDomain normalises a domain name as ioc.DomainName does. Single labels ("localhost",
// NetBIOS names) and names ending in a numeric label are not observables: no domain
// indicator can match them.
func (e *Extractor) normDomain(b []byte) (vigil.IndicatorType, string) {
	b = bytes.TrimSpace(b)
	if len(b) < 3 || len(b) > 254 || bytes.IndexByte(b, '.') < 0 {
		return "", ""
	}
	var d string
	var err error
	if isASCII(b) {
		e.buf = appendLower(e.buf[:0], b)
		d, err = ioc.DomainName(view(e.buf))
	} else {
		d, err = ioc.DomainName(string(b))
		if err == nil {
			if again, err2 := ioc.DomainName(d); err2 != nil || again != d {
				return "", ""
			}
		}
	}
	if err != nil || strings.IndexByte(d, '.') < 0 || numericLabel(d[strings.LastIndexByte(d, '.')+1:]) {
		return "", ""
	}
	return vigil.TypeDomain, d
}

func numericLabel(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// hashTypes indexes the file-hash types by hashIndex.
var hashTypes = [4]vigil.IndicatorType{vigil.TypeMD5, vigil.TypeSHA1, vigil.TypeSHA256, vigil.TypeSHA512}

// hashIndex returns the index in hashTypes of a hash with n hex digits, or -1.
func hashIndex(n int) int {
	switch n {
	case 32:
		return 0
	case 40:
		return 1
	case 64:
		return 2
	case 128:
		return 3
	}
	return -1
}

// normHash normalises a hex hash of type t as ioc.Hash does; t == "" takes the type from
// the length.
func (e *Extractor) normHash(t vigil.IndicatorType, b []byte) (vigil.IndicatorType, string) {
	b = bytes.TrimSpace(b)
	i := hashIndex(len(b))
	if i < 0 || (t != "" && hashTypes[i] != t) || !isHex(b) {
		return "", ""
	}
	e.buf = appendLower(e.buf[:0], b)
	h, err := ioc.Hash(hashTypes[i], view(e.buf))
	if err != nil {
		return "", ""
	}
	return hashTypes[i], h
}

// isPlaceholder reports whether b is a value that stands for "none": "-", ".", "..".
func isPlaceholder(b []byte) bool {
	s := view(b)
	return s == "-" || s == "." || s == ".."
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// normFilename normalises the base name of a Windows or POSIX path as ioc.Filename does.
func (e *Extractor) normFilename(b []byte) (vigil.IndicatorType, string) {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexAny(b, `/\`); i >= 0 {
		b = bytes.TrimSpace(b[i+1:])
	}
	if len(b) == 0 || len(b) > 255 || isPlaceholder(b) {
		return "", ""
	}
	var f string
	var err error
	if isASCII(b) {
		e.buf = appendLower(e.buf[:0], b)
		f, err = ioc.Filename(view(e.buf))
	} else {
		f, err = ioc.Filename(string(b))
	}
	if err != nil {
		return "", ""
	}
	if again, err := ioc.Filename(f); err != nil || again != f {
		return "", ""
	}
	return vigil.TypeFilename, f
}

// normURL normalises an absolute URL as ioc.URL does.
func normURL(b []byte) (vigil.IndicatorType, string) {
	b = bytes.TrimSpace(b)
	if len(b) < 8 || bytes.Index(b, []byte("://")) <= 0 {
		return "", ""
	}
	if u, ok := stable(ioc.URL, view(b)); ok {
		return vigil.TypeURL, u
	}
	return "", ""
}

// normEmail normalises one email address as ioc.Email does.
func normEmail(b []byte) (vigil.IndicatorType, string) {
	b = bytes.TrimSpace(b)
	if len(b) < 5 || len(b) > 320 || bytes.IndexByte(b, '@') <= 0 {
		return "", ""
	}
	if m, ok := stable(ioc.Email, view(b)); ok {
		return vigil.TypeEmail, m
	}
	return "", ""
}

// splitEmails calls f with each address of "a@b.example", "Name <a@b.example>" or a comma list.
func splitEmails(b []byte, f func([]byte)) {
	for len(b) > 0 {
		part := b
		if i := bytes.IndexByte(b, ','); i >= 0 {
			part, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if i := bytes.IndexByte(part, '<'); i >= 0 {
			part = part[i+1:]
			if j := bytes.IndexByte(part, '>'); j >= 0 {
				part = part[:j]
			}
		}
		f(part)
	}
}

// stable applies norm until the value stops changing, so every emitted value re-normalises to
// itself; values that do not settle in three rounds are dropped.
func stable(norm func(string) (string, error), s string) (string, bool) {
	for range 3 {
		n, err := norm(s)
		if err != nil {
			return "", false
		}
		if n == s {
			return n, true
		}
		s = n
	}
	return "", false
}
