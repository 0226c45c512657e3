package vigil

import (
	"errors"
	"fmt"
	"strings"
)

// ProductVersion is a product's version read as dotted numbers ("21.3.10.391",
// "10.0.19045"), the ordering sector advisories use for products outside package
// ecosystems, whose vendors follow no one scheme.
type ProductVersion struct {
	// numbers are the numeric parts without leading zeros, trailing zero parts dropped
	// (1.2.0 is 1.2).
	numbers []string
	// suffix is what follows the numbers, lower case ("sp1", "beta 2"); it only breaks
	// ties, compared as text, none first.
	suffix string
}

// ParseProductVersion reads a version as numbers separated by dots (or - or _), an
// optional leading "v", and any text after the numbers ("11.0.1 MR2"). It fails for a
// version that does not start with a number.
func ParseProductVersion(s string) (ProductVersion, error) {
	t := strings.TrimSpace(s)
	if len(t) > 1 && (t[0] == 'v' || t[0] == 'V') && isDigit(t[1]) {
		t = t[1:]
	}
	if t == "" || !isDigit(t[0]) {
		return ProductVersion{}, fmt.Errorf("%q is not a version: it should start with a number, like 2.14.1", s)
	}
	if len(t) > 200 {
		return ProductVersion{}, errors.New("a version longer than 200 characters")
	}
	var v ProductVersion
	i := 0
	for i < len(t) && isDigit(t[i]) {
		j := i
		for j < len(t) && isDigit(t[j]) {
			j++
		}
		v.numbers = append(v.numbers, strings.TrimLeft(t[i:j], "0"))
		i = j
		if i+1 < len(t) && isVersionSep(t[i]) && isDigit(t[i+1]) {
			i++
			continue
		}
		break
	}
	for len(v.numbers) > 0 && v.numbers[len(v.numbers)-1] == "" {
		v.numbers = v.numbers[:len(v.numbers)-1]
	}
	v.suffix = NormaliseProductName(t[i:])
	return v, nil
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isVersionSep(c byte) bool { return c == '.' || c == '-' || c == '_' }

// Compare orders two versions: -1, 0 or +1. Numbers compare part by part (a missing
// part is 0), then the text after them.
func (v ProductVersion) Compare(w ProductVersion) int {
	for i := 0; i < max(len(v.numbers), len(w.numbers)); i++ {
		if c := compareDigits(part(v.numbers, i), part(w.numbers, i)); c != 0 {
			return c
		}
	}
	return strings.Compare(v.suffix, w.suffix)
}

func part(ns []string, i int) string {
	if i < len(ns) {
		return ns[i]
	}
	return ""
}

// compareDigits orders two runs of digits without leading zeros, of any length.
func compareDigits(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// CompareProductVersions orders two product versions; one that cannot be read orders
// before every one that can (Validate keeps such bounds out of advisories).
func CompareProductVersions(a, b string) int {
	va, errA := ParseProductVersion(a)
	vb, errB := ParseProductVersion(b)
	switch {
	case errA != nil && errB != nil:
		return strings.Compare(a, b)
	case errA != nil:
		return -1
	case errB != nil:
		return 1
	}
	return va.Compare(vb)
}
