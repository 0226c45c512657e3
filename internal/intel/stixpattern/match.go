package stixpattern

import (
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
)

// Match is one value that, found in a single observable, satisfies the whole pattern.
type Match struct {
	// Path is the object path the value was compared with, e.g. file:hashes.'SHA-256'.
	Path string
	// Type is the indicator type the value is to be read as.
	Type vigil.IndicatorType
	// Value is the literal as the pattern wrote it; the caller normalises it.
	Value string
}

// Matchable reduces a pattern to the values that each satisfy it alone: the comparisons
// "path = 'value'" or "path IN ('a', 'b')" on a supported path that the pattern joins
// with OR (inside one observation, across observations, or both). Anything else — AND,
// FOLLOWEDBY, a qualifier, another operator, an unsupported path — cannot be matched one
// observable at a time and gives a reason a person can read, such as "FOLLOWEDBY
// sequence" or "unsupported object path process:name".
//
// An OR is satisfied by any one of its terms, so the supported terms of an OR still match
// soundly when other terms cannot be matched: then both matches and the reason for the
// rest are returned. No matches and a reason means the pattern is not matchable at all.
// The matches are in pattern order without duplicates.
func Matchable(e Expr) (matches []Match, reason string) {
	c := collector{}
	reason = c.expr(e)
	return c.out, reason
}

// collector gathers matches, dropping repeats of the same (type, value).
type collector struct {
	out  []Match
	seen map[Match]bool
}

// dedupAfter is how many matches are compared pairwise before switching to a map.
const dedupAfter = 16

func (c *collector) add(m Match) {
	key := Match{Type: m.Type, Value: m.Value}
	if c.seen != nil {
		if c.seen[key] {
			return
		}
		c.seen[key] = true
		c.out = append(c.out, m)
		return
	}
	for _, o := range c.out {
		if o.Type == m.Type && o.Value == m.Value {
			return
		}
	}
	c.out = append(c.out, m)
	if len(c.out) > dedupAfter {
		c.seen = make(map[Match]bool, 2*len(c.out))
		for _, o := range c.out {
			c.seen[Match{Type: o.Type, Value: o.Value}] = true
		}
	}
}

func (c *collector) expr(e Expr) string {
	switch e := e.(type) {
	case *Observation:
		return c.cond(e.Cond)
	case *Qualified:
		if r, ok := qualifierReason[e.Qualifier.Kind]; ok {
			return r
		}
		return "qualifier"
	case *ObsJoin:
		switch e.Op {
		case And:
			return "AND joins two observations"
		case FollowedBy:
			return "FOLLOWEDBY sequence"
		}
		return anyOf(len(e.Terms), func(i int) string { return c.expr(e.Terms[i]) })
	}
	return "unknown expression"
}

// anyOf evaluates the n terms of an OR and returns the first reason a term cannot be
// matched, or "" when every term can. Matches of the terms that can are kept either way:
// only OR chains add matches, so each one satisfies the whole pattern alone.
func anyOf(n int, term func(i int) string) string {
	first := ""
	for i := range n {
		if r := term(i); r != "" && first == "" {
			first = r
		}
	}
	return first
}

var qualifierReason = map[QualifierKind]string{
	Within: "WITHIN qualifier", Repeats: "REPEATS qualifier", StartStop: "START/STOP qualifier",
}

func (c *collector) cond(e Cond) string {
	switch e := e.(type) {
	case *Comparison:
		return c.comparison(e)
	case *CondJoin:
		if e.Op == And && sameObjectHashes(e) {
			// One file's hashes, each identifying its content: any one of them matches it.
			return anyOf(len(e.Terms), func(i int) string { return c.cond(e.Terms[i]) })
		}
		if e.Op == And {
			return andReason(e)
		}
		return anyOf(len(e.Terms), func(i int) string { return c.cond(e.Terms[i]) })
	}
	return "unknown comparison"
}

// sameObjectHashes reports whether an AND only compares hashes of one object for
// equality, as in [file:hashes.MD5 = 'a' AND file:hashes.'SHA-256' = 'b']: several hashes
// of the same content, common in real bundles.
func sameObjectHashes(j *CondJoin) bool {
	object := ""
	for _, t := range j.Terms {
		c, ok := t.(*Comparison)
		if !ok || c.Negated || c.Op != Eq || !isHashPath(c.Path) {
			return false
		}
		if object != "" && c.Path.Object != object {
			return false
		}
		object = c.Path.Object
	}
	return object != ""
}

// andReason explains why an AND inside one observation cannot be matched per value: on
// one object type it is several conditions on the same object, on several types it
// needs several objects seen together.
func andReason(j *CondJoin) string {
	types := map[string]bool{}
	collectTypes(j, types)
	if len(types) == 1 {
		for t := range types {
			return "AND joins two conditions on one " + t
		}
	}
	return "AND joins two observables"
}

func collectTypes(e Cond, into map[string]bool) {
	switch e := e.(type) {
	case *Comparison:
		into[e.Path.Object] = true
	case *CondJoin:
		for _, t := range e.Terms {
			collectTypes(t, into)
		}
	}
}

func (c *collector) comparison(e *Comparison) string {
	switch {
	case e.Negated:
		return "NOT " + e.Op.String() + " comparison"
	case e.Op != Eq && e.Op != In:
		return e.Op.String() + " comparison"
	}
	path := e.Path.String()
	kind, ok := supportedPath(e.Path, path)
	if !ok {
		return "unsupported object path " + path
	}
	values := e.Set
	if e.Op == Eq {
		values = []Literal{e.Value}
	}
	if len(values) == 0 {
		return "empty IN set"
	}
	for _, v := range values {
		if v.Kind != String {
			return path + " compared with a non-string value " + v.String()
		}
		c.add(Match{Path: path, Type: kind.typeOf(v.Text), Value: v.Text})
	}
	return ""
}

// pathKind says how the values of a supported path are typed.
type pathKind uint8

const (
	kindIPv4     pathKind = iota + 1 // an IPv4 address or network
	kindIPv6                         // an IPv6 address or network
	kindEndpoint                     // a network-traffic end: an address, network or domain name
	kindFixed                        // always one type
)

// fixed maps the supported paths of one type to it; keys are canonical path strings.
var fixed = map[string]vigil.IndicatorType{
	"domain-name:value":              vigil.TypeDomain,
	"url:value":                      vigil.TypeURL,
	"email-addr:value":               vigil.TypeEmail,
	"email-message:from_ref.value":   vigil.TypeEmail,
	"email-message:sender_ref.value": vigil.TypeEmail,
	"file:name":                      vigil.TypeFilename,
}

// hashAlgos maps hash names, upper-cased, as STIX and its producers spell them.
var hashAlgos = map[string]vigil.IndicatorType{
	"MD5": vigil.TypeMD5, "SHA-1": vigil.TypeSHA1, "SHA1": vigil.TypeSHA1,
	"SHA-256": vigil.TypeSHA256, "SHA256": vigil.TypeSHA256,
	"SHA-512": vigil.TypeSHA512, "SHA512": vigil.TypeSHA512,
}

// certAlgos maps the hashes of an x509-certificate (its fingerprints) the same way; they
// are kept apart from file hashes.
var certAlgos = map[string]vigil.IndicatorType{
	"SHA-1": vigil.TypeX509SHA1, "SHA1": vigil.TypeX509SHA1, "SHA-256": vigil.TypeX509SHA256, "SHA256": vigil.TypeX509SHA256,
}

// objectHashAlgos are the hash names of each object type whose hashes vigil matches.
var objectHashAlgos = map[string]map[string]vigil.IndicatorType{"file": hashAlgos, "x509-certificate": certAlgos}

// isHashPath reports whether p names one of an object's hashes: <object>:hashes.<name>.
func isHashPath(p Path) bool {
	return len(p.Steps) == 2 && p.Steps[0].Name == "hashes" && p.Steps[1].Kind == Key
}

// typedKind is a pathKind with the fixed type it stands for, if any.
type typedKind struct {
	kind pathKind
	typ  vigil.IndicatorType
}

// supportedPath tells whether vigil can match values of p (spelled canonically as s),
// and how to type them.
func supportedPath(p Path, s string) (typedKind, bool) {
	if isHashPath(p) {
		t, ok := objectHashAlgos[p.Object][strings.ToUpper(p.Steps[1].Name)]
		return typedKind{kindFixed, t}, ok
	}
	for _, s := range p.Steps {
		if s.Kind != Key {
			return typedKind{}, false
		}
	}
	switch s {
	case "ipv4-addr:value":
		return typedKind{kind: kindIPv4}, true
	case "ipv6-addr:value":
		return typedKind{kind: kindIPv6}, true
	case "network-traffic:dst_ref.value", "network-traffic:src_ref.value":
		return typedKind{kind: kindEndpoint}, true
	default:
		t, ok := fixed[s]
		return typedKind{kindFixed, t}, ok
	}
}

// typeOf types one value of the path. Address paths hold networks too; a network-traffic
// end can also be a domain name (STIX allows dst_ref and src_ref to point at one).
func (k typedKind) typeOf(v string) vigil.IndicatorType {
	slash := strings.IndexByte(v, '/') >= 0
	switch k.kind {
	case kindIPv4, kindIPv6:
		if slash {
			return vigil.TypeCIDR
		}
		if k.kind == kindIPv4 {
			return vigil.TypeIPv4
		}
		return vigil.TypeIPv6
	case kindEndpoint:
		if slash {
			return vigil.TypeCIDR
		}
		if a, err := netip.ParseAddr(strings.TrimSpace(v)); err == nil {
			if a.Unmap().Is4() {
				return vigil.TypeIPv4
			}
			return vigil.TypeIPv6
		}
		return vigil.TypeDomain
	}
	return k.typ
}
