// Package ioc normalises indicator and observable values so that the same thing written
// two ways compares equal byte for byte: IPv4-mapped IPv6 becomes IPv4, domains are
// lower-case punycode without a trailing dot, URLs are canonicalised, hashes are
// lower-case hex of the right length. It also refuses values that would match half the
// internet (public suffixes, very wide networks) and guesses the type of an untyped value.
// Refang reads defanged indicators (hxxp://evil[.]example); Defang writes them so, for
// messages that quote them.
//
// Importers call it once per indicator; telemetry extraction calls it per observable, so
// the common cases (already-normal ASCII) avoid allocation.
package ioc

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
)

// Widest networks an indicator may name; anything wider would match a large part of the internet.
const (
	MinPrefixV4 = 8
	MinPrefixV6 = 32
)

// Normalize returns the canonical form of raw read as type t. The returned type can differ
// from t where the value says otherwise: a /32 "cidr" is an "ipv4", an "ipv4" written as a
// network is a "cidr", a "domain" that is an IP literal is an IP. The error is a reason a
// person can read ("not a valid IPv4 address", "co.uk is a public suffix").
func Normalize(t vigil.IndicatorType, raw string) (vigil.IndicatorType, string, error) {
	s := Refang(strings.TrimSpace(raw))
	if s == "" {
		return t, "", errors.New("empty value")
	}
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeCIDR:
		return normalizeNet(t, s)
	case vigil.TypeDomain:
		if a, err := netip.ParseAddr(s); err == nil {
			return ipType(a), a.Unmap().String(), nil
		}
		d, err := Domain(s)
		return t, d, err
	case vigil.TypeURL:
		u, err := URL(s)
		return t, u, err
	case vigil.TypeEmail:
		e, err := Email(s)
		return t, e, err
	case vigil.TypeMD5, vigil.TypeSHA1, vigil.TypeSHA256, vigil.TypeSHA512:
		h, err := Hash(t, s)
		return t, h, err
	case vigil.TypeFilename:
		f, err := Filename(s)
		return t, f, err
	case vigil.TypeX509SHA1, vigil.TypeX509SHA256, vigil.TypeJA3, vigil.TypeJA3S, vigil.TypeJA4:
		f, err := Fingerprint(t, s)
		return t, f, err
	}
	return t, "", fmt.Errorf("unknown indicator type %q", t)
}

// Detect guesses the type of an untyped value from a plain list and normalises it.
// It understands IPs, CIDRs, "IP:port", hashes by length, URLs with or without a
// scheme ("host/path"), email addresses and domain names.
func Detect(raw string) (vigil.IndicatorType, string, error) {
	s := Refang(strings.TrimSpace(raw))
	if s == "" {
		return "", "", errors.New("empty value")
	}
	if t, ok := hashType(s); ok {
		return Normalize(t, s)
	}
	if strings.Contains(s, "://") {
		return Normalize(vigil.TypeURL, s)
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return ipType(a), a.Unmap().String(), nil
	}
	if strings.IndexByte(s, '/') > 0 {
		if _, err := netip.ParsePrefix(s); err == nil {
			return normalizeNet(vigil.TypeCIDR, s)
		}
		return Normalize(vigil.TypeURL, "http://"+s)
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		a := ap.Addr().Unmap()
		return ipType(a), a.String(), nil
	}
	if strings.IndexByte(s, '@') > 0 {
		return Normalize(vigil.TypeEmail, s)
	}
	if host, port, ok := strings.Cut(s, ":"); ok && isDigits(port) {
		s = host
	}
	return Normalize(vigil.TypeDomain, s)
}

// Refang undoes the common ways analysts "defang" indicators so nobody clicks them:
// hxxp://, [.], (.), {.}, [dot], [:], [@].
func Refang(s string) string {
	if strings.IndexAny(s, "[({xX") < 0 {
		return s
	}
	if len(s) > 7 && strings.EqualFold(s[:4], "hxxp") && (s[4:7] == "://" || strings.HasPrefix(s[4:], "s://")) {
		s = "http" + s[4:]
	}
	if strings.IndexAny(s, "[({") < 0 {
		return s
	}
	return refangReplacer.Replace(s)
}

var refangReplacer = strings.NewReplacer(
	"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".",
	"[:]", ":", "[://]", "://", "[@]", "@", "[at]", "@",
)

func ipType(a netip.Addr) vigil.IndicatorType {
	if a.Unmap().Is4() {
		return vigil.TypeIPv4
	}
	return vigil.TypeIPv6
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
