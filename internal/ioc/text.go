package ioc

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/vigil-health/vigil"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

var (
	errDomain = errors.New("not a valid domain name")
	idnaProf  = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))
)

// Domain lower-cases a domain name, converts international names to punycode, drops a
// trailing dot and refuses public suffixes (co.uk, nhs.uk, github.io) and single labels.
func Domain(s string) (string, error) {
	d, err := DomainName(s)
	if err != nil {
		return "", err
	}
	if strings.IndexByte(d, '.') < 0 {
		return "", fmt.Errorf("%q is a single label, not a domain name", d)
	}
	suffix, icann := publicsuffix.PublicSuffix(d)
	if suffix == d {
		return "", fmt.Errorf("%s is a public suffix and would match every domain under it", d)
	}
	tld := d[strings.LastIndexByte(d, '.')+1:]
	if isDigits(tld) {
		return "", fmt.Errorf("%s ends in a number: not a domain name (a mistyped IP address?)", d)
	}
	// ICANN rules cover wildcard TLDs (*.np); a private suffix (github.io) sits on a real TLD.
	if !icann && !knownTLD(tld) && !specialUseTLDs[tld] {
		return "", fmt.Errorf("%s: .%s is not a top-level domain (a file name?)", d, tld)
	}
	return d, nil
}

func knownTLD(tld string) bool {
	_, icann := publicsuffix.PublicSuffix(tld)
	return icann
}

// specialUseTLDs are names outside ICANN's root that still appear in real intel: special-use
// and internal names (RFC 2606, RFC 6761, RFC 6762, .internal) and the alternative roots
// malware resolves through (Namecoin .bit, EmerDNS .bazar/.coin/.lib/.emc, OpenNIC).
var specialUseTLDs = map[string]bool{
	"example": true, "test": true, "invalid": true, "local": true, "internal": true,
	"lan": true, "home": true, "corp": true, "intranet": true, "private": true, "i2p": true,
	"bit": true, "bazar": true, "coin": true, "lib": true, "emc": true,
	"geek": true, "oss": true, "libre": true, "pirate": true, "dyn": true, "null": true,
	"parody": true, "indy": true, "gopher": true, "fur": true, "chan": true, "cyb": true,
	"neo": true, "epic": true, "glue": true, "o": true,
}

// DomainName canonicalises a domain name without the public-suffix check. Telemetry uses
// it: any name seen on the wire is worth looking up.
func DomainName(s string) (string, error) {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return "", errDomain
	}
	if isLowerASCIIHost(s) {
		return s, checkLabels(s)
	}
	a, err := idnaProf.ToASCII(strings.ToLower(s))
	if err != nil || a == "" {
		return "", errDomain
	}
	a = strings.TrimSuffix(a, ".")
	return a, checkLabels(a)
}

// isLowerASCIIHost is the fast path: already lower-case letters, digits, '-', '_' and '.'.
func isLowerASCIIHost(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func checkLabels(s string) error {
	if len(s) > 253 {
		return errDomain
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return errDomain
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return errDomain
			}
		}
	}
	return nil
}

// Email lower-cases an address and canonicalises its domain.
func Email(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimSuffix(strings.TrimSpace(s), ">"), "<")
	s = strings.TrimPrefix(strings.ToLower(s), "mailto:")
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s[:at], " \t<>,;") {
		return "", errors.New("not a valid email address")
	}
	d, err := DomainName(s[at+1:])
	if err != nil || strings.IndexByte(d, '.') < 0 {
		return "", errors.New("not a valid email address")
	}
	return s[:at+1] + d, nil
}

// hashLen is the hex length of each hash type.
var hashLen = map[vigil.IndicatorType]int{
	vigil.TypeMD5: 32, vigil.TypeSHA1: 40, vigil.TypeSHA256: 64, vigil.TypeSHA512: 128,
}

// Hash lower-cases a hex hash and checks its length matches the type.
func Hash(t vigil.IndicatorType, s string) (string, error) {
	if len(s) != hashLen[t] {
		return "", fmt.Errorf("a %s hash has %d hex digits, this has %d", t, hashLen[t], len(s))
	}
	if !isHex(s) {
		return "", fmt.Errorf("not a hex %s hash", t)
	}
	return lowerASCII(s), nil
}

// hashType recognises a bare hex string by length.
func hashType(s string) (vigil.IndicatorType, bool) {
	var t vigil.IndicatorType
	switch len(s) {
	case 32:
		t = vigil.TypeMD5
	case 40:
		t = vigil.TypeSHA1
	case 64:
		t = vigil.TypeSHA256
	case 128:
		t = vigil.TypeSHA512
	default:
		return "", false
	}
	return t, isHex(s)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// Filename reduces a path to its base name, lower-cased: Windows, where most file IoCs
// come from, ignores case, and a hunt should not miss EVIL.EXE for evil.exe.
func Filename(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	if s == "" || s == "." || s == ".." {
		return "", errors.New("not a file name")
	}
	return lowerASCII(path.Clean(s)), nil
}

// lowerASCII lower-cases ASCII letters, returning s itself when nothing changes.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
