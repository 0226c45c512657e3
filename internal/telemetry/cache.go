package telemetry

import (
	"hash/maphash"
	"strings"

	"github.com/vigil-health/vigil"
)

// class says how a raw value is normalised; it is part of the normalisation cache key.
type class uint8

const (
	classIP         class = iota + 1 // an IP address
	classHost                        // an IP address or a domain name, maybe with ":port"
	classDomain                      // a domain name
	classHash                        // a hash whose type follows from its length
	classMD5                         // classMD5..classSHA512 follow the order of hashTypes
	classSHA1                        //
	classSHA256                      //
	classSHA512                      //
	classFilename                    // the base name of a path
	classURL                         // an absolute URL
	classEmail                       // one email address
	classX509                        // a certificate fingerprint: SHA-1 or SHA-256 by length, colons allowed
	classX509SHA1                    // a certificate's SHA-1 fingerprint
	classX509SHA256                  // a certificate's SHA-256 fingerprint
	classJA3                         // a TLS client's JA3
	classJA3S                        // a TLS server's JA3S
	classJA4                         // a TLS client's JA4
)

const (
	// cacheSize is the number of slots of the normalisation cache (a power of two).
	cacheSize = 1 << 13
	// cacheMaxRaw is the longest raw value the cache keeps.
	cacheMaxRaw = 512
	// internMax bounds the table of interned values; it is cleared when full.
	internMax = 1 << 16
)

// cacheEntry is one slot of the normalisation cache: a raw value as it appeared in telemetry
// and what it normalised to (t == "" when it is not a value of its class).
type cacheEntry struct {
	class class
	raw   string
	t     vigil.IndicatorType
	v     string
}

// normalize returns the observable type and normalised value of raw value b read as class c,
// or "" when b is not such a value. Telemetry repeats the same addresses, names and hashes on
// many lines, so results are kept in a direct-mapped cache keyed by the raw bytes: a hit costs
// a hash and a compare instead of parsing and normalising again. The value never aliases b.
func (e *Extractor) normalize(c class, b []byte) (vigil.IndicatorType, string) {
	if len(b) == 0 {
		return "", ""
	}
	slot := &e.cache[(maphash.Bytes(e.seed, b)^uint64(c)*0x9e3779b97f4a7c15)&(cacheSize-1)]
	if slot.class == c && slot.raw == view(b) {
		return slot.t, slot.v
	}
	t, v := e.compute(c, b)
	if t != "" {
		v = e.intern(v)
	}
	if len(b) <= cacheMaxRaw {
		raw := v
		if raw != view(b) {
			raw = strings.Clone(view(b))
		}
		*slot = cacheEntry{class: c, raw: raw, t: t, v: v}
	}
	return t, v
}

// compute normalises b as class c. The value may alias e.buf; normalize interns it.
func (e *Extractor) compute(c class, b []byte) (vigil.IndicatorType, string) {
	switch c {
	case classIP:
		return e.normIP(b)
	case classHost:
		return e.normHost(b)
	case classDomain:
		return e.normDomain(b)
	case classHash:
		return e.normHash("", b)
	case classMD5, classSHA1, classSHA256, classSHA512:
		return e.normHash(hashTypes[c-classMD5], b)
	case classFilename:
		return e.normFilename(b)
	case classURL:
		return normURL(b)
	case classEmail:
		return normEmail(b)
	case classX509, classX509SHA1, classX509SHA256, classJA3, classJA3S, classJA4:
		return normFingerprint(c, b)
	}
	return "", ""
}

// intern returns a copy of s that does not alias any buffer, shared with earlier equal values.
func (e *Extractor) intern(s string) string {
	if v, ok := e.strs[s]; ok {
		return v
	}
	if len(e.strs) >= internMax {
		clear(e.strs)
	}
	v := strings.Clone(s)
	e.strs[v] = v
	return v
}

// add normalises b as class c and emits it under field; it reports whether b was such a value.
func (e *Extractor) add(field string, c class, b []byte) bool {
	t, v := e.normalize(c, b)
	if t == "" {
		return false
	}
	e.emit(field, t, v)
	return true
}

// addEmails emits every address of "a@b.example", "Name <a@b.example>" or a comma list.
func (e *Extractor) addEmails(field string, b []byte) {
	splitEmails(b, func(part []byte) { e.add(field, classEmail, part) })
}

// dedupeMax is how many observables of one line are checked for duplicates; lines with more
// (rare: huge generic documents) may repeat an observable rather than go quadratic.
const dedupeMax = 256

// emit appends one observable unless the line already has the same (field, type, value).
func (e *Extractor) emit(field string, t vigil.IndicatorType, value string) {
	seen := e.dst[e.start:]
	if len(seen) <= dedupeMax {
		for i := range seen {
			o := &seen[i]
			if o.Value == value && o.Type == t && o.Field == field {
				return
			}
		}
	}
	e.dst = append(e.dst, vigil.Observable{Field: field, Type: t, Value: value})
}
