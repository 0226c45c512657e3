package ioc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// fingerprintLen is the hex length of each hex fingerprint type.
var fingerprintLen = map[vigil.IndicatorType]int{
	vigil.TypeX509SHA1: 40, vigil.TypeX509SHA256: 64, vigil.TypeJA3: 32, vigil.TypeJA3S: 32,
}

// Fingerprint normalises a certificate or TLS fingerprint: hex digits in lower case,
// without the colons or spaces certificate tools put between bytes ("4A:B3:…"); a JA4
// in lower case, checked for its three parts.
func Fingerprint(t vigil.IndicatorType, s string) (string, error) {
	if t == vigil.TypeJA4 {
		return JA4(s)
	}
	want, ok := fingerprintLen[t]
	if !ok {
		return "", fmt.Errorf("%s is not a fingerprint type", t)
	}
	h := strings.Map(func(r rune) rune {
		if r == ':' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
	if len(h) != want {
		return "", fmt.Errorf("a %s fingerprint has %d hex digits, this has %d", t, want, len(h))
	}
	if !isHex(h) {
		return "", fmt.Errorf("not a hex %s fingerprint", t)
	}
	return lowerASCII(h), nil
}

// JA4 normalises a JA4 TLS client fingerprint such as t13d1516h2_8daaf6152771_b186095e22b6:
// a 10-character description of the client hello (protocol t, q or d; version; d or i
// for SNI; cipher and extension counts; ALPN), then two 12-hex-digit truncated hashes.
func JA4(s string) (string, error) {
	s = lowerASCII(strings.TrimSpace(s))
	a, rest, ok1 := strings.Cut(s, "_")
	b, c, ok2 := strings.Cut(rest, "_")
	switch {
	case !ok1 || !ok2 || len(a) != 10 || len(b) != 12 || len(c) != 12:
		return "", errors.New("a JA4 fingerprint is three parts joined by '_': 10 characters, then 12 and 12 hex digits")
	case !strings.ContainsRune("tqd", rune(a[0])) || (a[3] != 'd' && a[3] != 'i') || !isDigits(a[4:8]):
		return "", errors.New("not a JA4 fingerprint: the first part should look like t13d1516h2")
	case !isHex(b) || !isHex(c):
		return "", errors.New("not a JA4 fingerprint: its second and third parts are hex digits")
	}
	return s, nil
}
