package intel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/gaissmai/bart"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
	"golang.org/x/net/publicsuffix"
)

// Warninglists holds MISP warninglists: values known to be benign or too common to
// alert on (RFC 1918 networks, public DNS resolvers, cloud ranges, the most visited
// domains, hashes of empty files) that the sink leaves out of matching. Each list
// applies to the indicator types its matching_attributes name; a list without them
// applies to every type its entries fit.
//
// How each list type matches:
//   - cidr: an address inside a listed network, or a network inside one;
//   - string: the value exactly, ignoring case; an entry written ".example.com" also
//     matches every subdomain;
//   - hostname: the domain or any subdomain of it, and a URL that names no more than
//     such a host ("https://example.com/"): a URL with a path or query is specific, and
//     "https://github.com/attacker/payload.zip" is an indicator however popular GitHub is;
//   - substring: any value containing the entry, ignoring case;
//   - regex: a Go regexp written /pattern/flags; a list with a pattern Go cannot
//     compile (PCRE look-arounds) is left out and named in Problems.
//
// A domain entry only covers names its owner controls: a subdomain matches only when no
// public suffix lies between it and the entry, so an entry for a zone where anyone can
// register names (duckdns.org, s3.amazonaws.com, pages.dev) covers none of them.
//
// A Warninglists is immutable once loaded and safe for concurrent use.
type Warninglists struct {
	lists    []wlList
	nets     *bart.Table[int32] // cidr entries → list id
	names    map[string]int32   // string and hostname entries → first hit in hits
	hits     []wlHit
	grams    map[uint32]int32 // substring entries by their first four bytes → first in subs
	gramSet  []uint64         // a bit per hashed first four bytes: most windows skip the map
	subs     []wlSub
	short    []wlSub // substring entries shorter than four bytes
	regexes  []wlRegex
	types    [wlKinds]uint16 // per kind of entry, the types some list of that kind applies to
	entries  int
	problems []string
}

// wlList is one loaded list; its index in Warninglists.lists is its id.
type wlList struct {
	name  string
	types uint16 // bit i set: applies to vigil.IndicatorTypes[i]
	flag  bool   // keep what it knows, flagged, rather than leave it out
}

// wlHit is one list holding a string or hostname entry; next chains the other lists
// holding the same entry (-1 ends the chain).
type wlHit struct {
	list       int32
	next       int32
	subdomains bool
}

// wlSub is one substring entry, chained like wlHit.
type wlSub struct {
	s    string
	list int32
	next int32
}

type wlRegex struct {
	re   *regexp.Regexp
	list int32
}

// Kinds of entry, for Warninglists.types.
const (
	wlKindNet = iota
	wlKindName
	wlKindSubstring
	wlKindRegex
	wlKinds
)

// wlFile is a list.json as misp-warninglists writes it.
type wlFile struct {
	Type               string   `json:"type"`
	List               []string `json:"list"`
	MatchingAttributes []string `json:"matching_attributes"`
	// Mode is vigil's own: "flag" keeps the indicators the list knows, labelled
	// "warninglist:<name>" (weaker sightings, alerts a severity lower); "drop", or
	// nothing as in MISP's lists, leaves them out of matching.
	Mode string `json:"vigil_mode"`
}

// LoadWarninglists reads every list.json under dir (the misp-warninglists "lists"
// folder: one folder per list). A list is named after its folder, such as "rfc1918"
// (wlNames). A list that cannot be read or used is left out and named in Problems; the
// error is for a dir that cannot be read or holds no lists.
func LoadWarninglists(dir string) (*Warninglists, error) {
	srcs, err := wlFind(os.DirFS(dir), dir, slashAbs(dir))
	if err != nil {
		return nil, err
	}
	w := newWarninglists()
	w.addAll(srcs)
	return w, nil
}

func newWarninglists() *Warninglists {
	return &Warninglists{nets: &bart.Table[int32]{}, names: map[string]int32{}, grams: map[uint32]int32{},
		gramSet: make([]uint64, 1<<wlGramBits/64)}
}

// wlSource is one list.json to load.
type wlSource struct {
	fsys fs.FS
	file string // its path in fsys
	at   string // its folder, slash-separated, from above the directory given: what names it
}

// addAll loads the lists of srcs, each named by wlNames.
func (w *Warninglists) addAll(srcs []wlSource) {
	names := wlNames(srcs)
	for i, src := range srcs {
		if err := w.load(src.fsys, names[i], src.file); err != nil {
			w.problems = append(w.problems, names[i]+": "+err.Error())
		}
	}
}

// wlNames names each list after its folder, "rfc1918", and lists whose folders share a
// name after the shortest trailing part of their folders' paths that tells them apart
// ("a/rfc1918", "b/rfc1918"), so that the reports and the labels of flagged indicators
// say which list. A list.json at the top of a directory given is named after that
// directory.
func wlNames(srcs []wlSource) []string {
	ats := make([]string, len(srcs))
	for i, src := range srcs {
		ats[i] = src.at
	}
	return distinctNames(ats)
}

// wlFind returns the list.json files under fsys in path order, their folders placed
// under at; where names fsys in errors. It is an error for fsys to hold none.
func wlFind(fsys fs.FS, where, at string) ([]wlSource, error) {
	var srcs []wlSource
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read warninglists: %w", err)
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && d.Name() == "list.json" {
			srcs = append(srcs, wlSource{fsys: fsys, file: p, at: path.Join(at, path.Dir(p))})
		}
		return nil
	})
	if err == nil && len(srcs) == 0 {
		err = fmt.Errorf("no warninglists (<name>/list.json) under %s", where)
	}
	return srcs, err
}

func (w *Warninglists) load(fsys fs.FS, name, p string) error {
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return errors.Unwrap(err)
	}
	var f wlFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("not a warninglist: %w", err)
	}
	types := wlTypes(f.MatchingAttributes, f.Type)
	if types == 0 {
		return fmt.Errorf("not used: it applies to %s, which vigil does not match", strings.Join(f.MatchingAttributes, ", "))
	}
	id := int32(len(w.lists))
	n, err := w.add(id, name, &f, types)
	if err != nil {
		return err
	}
	if f.Mode != "" && f.Mode != "drop" && f.Mode != "flag" {
		return fmt.Errorf("vigil_mode %q: use drop or flag", f.Mode)
	}
	w.lists = append(w.lists, wlList{name: name, types: types, flag: f.Mode == "flag"})
	w.entries += n
	return nil
}

// add indexes the entries of list id and returns how many it took.
func (w *Warninglists) add(id int32, name string, f *wlFile, types uint16) (int, error) {
	switch f.Type {
	case "cidr":
		return w.addNets(id, name, f.List, types), nil
	case "string":
		return w.addNames(id, f.List, types, false), nil
	case "hostname":
		return w.addNames(id, f.List, types, true), nil
	case "substring":
		return w.addSubstrings(id, f.List, types), nil
	case "regex":
		return w.addRegexes(id, f.List, types)
	}
	return 0, fmt.Errorf("unknown list type %q", f.Type)
}

func (w *Warninglists) addNets(id int32, name string, entries []string, types uint16) int {
	n, bad := 0, 0
	for _, e := range entries {
		p, ok := wlPrefix(strings.TrimSpace(e))
		if !ok {
			bad++
			continue
		}
		if _, dup := w.nets.Get(p); !dup {
			w.nets.Insert(p, id)
		}
		n++
	}
	w.types[wlKindNet] |= types
	if bad > 0 {
		w.problems = append(w.problems, fmt.Sprintf("%s: %d of its entries are not networks and were left out", name, bad))
	}
	return n
}

// wlPrefix reads a network or a single address. IPv4-mapped IPv6 networks stay IPv6:
// ::ffff:0:0/96 must not become 0.0.0.0/0.
func wlPrefix(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') < 0 {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a.WithZone(""), a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err == nil
}

func (w *Warninglists) addNames(id int32, entries []string, types uint16, hostnames bool) int {
	n := 0
	for _, e := range entries {
		key, subdomains := wlNameKey(e, hostnames)
		if key == "" {
			continue
		}
		w.addName(key, wlHit{list: id, subdomains: subdomains})
		n++
	}
	w.types[wlKindName] |= types
	return n
}

// wlNameKey canonicalises a string or hostname entry: lower case, no trailing dot, and
// a leading "." or "*." (any subdomain) removed and noted.
func wlNameKey(e string, hostname bool) (key string, subdomains bool) {
	e = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(e)), ".")
	if rest, ok := strings.CutPrefix(e, "*."); ok {
		e, hostname = rest, true
	} else if rest, ok := strings.CutPrefix(e, "."); ok {
		e, hostname = rest, true
	}
	if hostname && !wlASCII(e) {
		if d, err := ioc.DomainName(e); err == nil {
			e = d
		}
	}
	return e, hostname
}

func (w *Warninglists) addName(key string, h wlHit) {
	head, ok := w.names[key]
	if !ok {
		h.next = -1
	} else if w.hits[head].list == h.list {
		w.hits[head].subdomains = w.hits[head].subdomains || h.subdomains
		return
	} else {
		h.next = head
	}
	w.names[key] = int32(len(w.hits))
	w.hits = append(w.hits, h)
}

func (w *Warninglists) addSubstrings(id int32, entries []string, types uint16) int {
	n := 0
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "":
			continue
		case len(e) < 4:
			w.short = append(w.short, wlSub{s: e, list: id, next: -1})
		default:
			g := wlGram(e, 0)
			h := wlGramHash(g)
			w.gramSet[h/64] |= 1 << (h % 64)
			next, ok := w.grams[g]
			if !ok {
				next = -1
			}
			w.grams[g] = int32(len(w.subs))
			w.subs = append(w.subs, wlSub{s: e, list: id, next: next})
		}
		n++
	}
	w.types[wlKindSubstring] |= types
	return n
}

// wlGram packs the four bytes of s from i into a map key.
func wlGram(s string, i int) uint32 {
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}

// wlGramBits sizes Warninglists.gramSet: 64 Kibit keeps the ~8,400 real substring
// entries to a few percent of false hits.
const wlGramBits = 16

// wlGramHash spreads a gram over gramSet (Fibonacci hashing).
func wlGramHash(g uint32) uint32 {
	return (g * 2654435761) >> (32 - wlGramBits)
}

// addRegexes compiles a list's patterns, all or none: a list missing some of its
// patterns would warn on less than its authors meant without anyone noticing.
func (w *Warninglists) addRegexes(id int32, entries []string, types uint16) (int, error) {
	res := make([]wlRegex, 0, len(entries))
	for _, e := range entries {
		re, err := wlCompile(strings.TrimSpace(e))
		if err != nil {
			return 0, fmt.Errorf("left out: pattern %q does not compile in Go: %w", e, err)
		}
		res = append(res, wlRegex{re: re, list: id})
	}
	w.regexes = append(w.regexes, res...)
	w.types[wlKindRegex] |= types
	return len(res), nil
}

// wlCompile compiles a pattern written /pattern/flags (PCRE style) or bare. The flags
// i, m and s carry over; g and u mean nothing to a match and are dropped.
func wlCompile(e string) (*regexp.Regexp, error) {
	pattern, flags := e, ""
	if j := strings.LastIndexByte(e, '/'); len(e) > 1 && e[0] == '/' && j > 0 {
		pattern, flags = e[1:j], e[j+1:]
	}
	prefix := ""
	for _, f := range flags {
		switch f {
		case 'i', 'm', 's':
			prefix += string(f)
		case 'g', 'u':
		default:
			return nil, fmt.Errorf("unknown flag %q", f)
		}
	}
	if prefix != "" {
		pattern = "(?" + prefix + ")" + pattern
	}
	return regexp.Compile(pattern)
}

// wlAttributeTypes maps MISP attribute types, as matching_attributes names them, to the
// vigil types whose values they hold. A composite such as domain|ip gives both halves;
// filename|sha256 gives only the hash, since the lists that name it hold hashes.
var wlAttributeTypes = map[string][]vigil.IndicatorType{
	"ip-src":                 {vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeCIDR},
	"ip-dst":                 {vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeCIDR},
	"ip-src|port":            {vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeCIDR},
	"ip-dst|port":            {vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeCIDR},
	"domain|ip":              {vigil.TypeDomain, vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeCIDR},
	"domain":                 {vigil.TypeDomain},
	"hostname":               {vigil.TypeDomain},
	"hostname|port":          {vigil.TypeDomain},
	"url":                    {vigil.TypeURL},
	"email":                  {vigil.TypeEmail},
	"email-src":              {vigil.TypeEmail},
	"email-dst":              {vigil.TypeEmail},
	"email-reply-to":         {vigil.TypeEmail},
	"target-email":           {vigil.TypeEmail},
	"whois-registrant-email": {vigil.TypeEmail},
	"dns-soa-email":          {vigil.TypeEmail},
	"md5":                    {vigil.TypeMD5},
	"filename|md5":           {vigil.TypeMD5},
	"malware-sample":         {vigil.TypeMD5},
	"sha1":                   {vigil.TypeSHA1},
	"filename|sha1":          {vigil.TypeSHA1},
	"sha256":                 {vigil.TypeSHA256},
	"filename|sha256":        {vigil.TypeSHA256},
	"sha512":                 {vigil.TypeSHA512},
	"filename|sha512":        {vigil.TypeSHA512},
	"filename":               {vigil.TypeFilename},
}

// wlTypes returns the vigil types a list applies to, as a bit set.
func wlTypes(attrs []string, listType string) uint16 {
	if len(attrs) == 0 {
		if listType == "cidr" {
			return wlBit(vigil.TypeIPv4) | wlBit(vigil.TypeIPv6) | wlBit(vigil.TypeCIDR)
		}
		return 1<<len(vigil.IndicatorTypes) - 1
	}
	var bits uint16
	for _, a := range attrs {
		for _, t := range wlAttributeTypes[strings.ToLower(strings.TrimSpace(a))] {
			bits |= wlBit(t)
		}
	}
	return bits
}

// wlBit is t's bit in a type set; 0 for a type vigil does not know.
func wlBit(t vigil.IndicatorType) uint16 {
	for i, k := range vigil.IndicatorTypes {
		if k == t {
			return 1 << i
		}
	}
	return 0
}

// Match reports the name of a warninglist that knows value, an indicator of type t in
// the normalised form the sink gives it. A nil Warninglists matches nothing. Networks
// are checked first, then exact and domain entries, then substrings, then patterns;
// among lists holding the same string or hostname entry the first by name wins, and
// among networks the most specific.
func (w *Warninglists) Match(t vigil.IndicatorType, value string) (listName string, ok bool) {
	name, _, ok := w.Lookup(t, value)
	return name, ok
}

// Lookup is Match that also says whether the list flags what it knows (keeps it,
// labelled) rather than leaving it out.
func (w *Warninglists) Lookup(t vigil.IndicatorType, value string) (listName string, flag, ok bool) {
	if w == nil || len(w.lists) == 0 {
		return "", false, false
	}
	if id := w.match(t, wlBit(t), value); id >= 0 {
		return w.lists[id].name, w.lists[id].flag, true
	}
	return "", false, false
}

func (w *Warninglists) match(t vigil.IndicatorType, bit uint16, value string) int32 {
	if w.types[wlKindNet]&bit != 0 {
		if id := w.matchNet(t, bit, value); id >= 0 {
			return id
		}
	}
	lower := value
	if w.types[wlKindName]&bit != 0 || w.types[wlKindSubstring]&bit != 0 {
		lower = wlLower(value)
	}
	if w.types[wlKindName]&bit != 0 {
		if id := w.matchName(t, bit, lower); id >= 0 {
			return id
		}
	}
	if w.types[wlKindSubstring]&bit != 0 {
		if id := w.matchSubstring(bit, lower); id >= 0 {
			return id
		}
	}
	if w.types[wlKindRegex]&bit != 0 {
		return w.matchRegex(bit, value)
	}
	return -1
}

func (w *Warninglists) matchNet(t vigil.IndicatorType, bit uint16, value string) int32 {
	var (
		id int32
		ok bool
	)
	if t == vigil.TypeCIDR {
		p, err := netip.ParsePrefix(value)
		if err != nil {
			return -1
		}
		id, ok = w.nets.LookupPrefix(p.Masked())
	} else {
		a, err := netip.ParseAddr(value)
		if err != nil {
			return -1
		}
		id, ok = w.nets.Lookup(a.Unmap())
	}
	if !ok || w.lists[id].types&bit == 0 {
		return -1
	}
	return id
}

// matchName checks the value itself, then for a domain its parents, and for a URL that
// is only a host, that host and its parents.
func (w *Warninglists) matchName(t vigil.IndicatorType, bit uint16, v string) int32 {
	if id := w.chain(v, bit, false); id >= 0 {
		return id
	}
	switch t {
	case vigil.TypeDomain:
		return w.matchParents(bit, v)
	case vigil.TypeURL:
		host := wlBareURLHost(v)
		if host == "" {
			return -1
		}
		if id := w.chain(host, bit, true); id >= 0 {
			return id
		}
		return w.matchParents(bit, host)
	}
	return -1
}

// matchParents checks the parent domains of d against hostname entries, but only those
// parents whose owner also owns d: not a public suffix, nor anything above one.
func (w *Warninglists) matchParents(bit uint16, d string) int32 {
	registered := ""
	for i := strings.IndexByte(d, '.'); i >= 0; {
		parent := d[i+1:]
		next := strings.IndexByte(parent, '.')
		if next < 0 {
			break
		}
		if id := w.chain(parent, bit, true); id >= 0 {
			if registered == "" {
				registered, _ = publicsuffix.EffectiveTLDPlusOne(d)
			}
			if registered != "" && len(parent) >= len(registered) {
				return id
			}
		}
		i += 1 + next
	}
	return -1
}

// chain returns the first list by id that holds key and applies to the type; with
// subdomainsOnly, only entries that cover subdomains count.
func (w *Warninglists) chain(key string, bit uint16, subdomainsOnly bool) int32 {
	i, ok := w.names[key]
	if !ok {
		return -1
	}
	best := int32(-1)
	for ; i >= 0; i = w.hits[i].next {
		h := w.hits[i]
		if w.lists[h.list].types&bit != 0 && (h.subdomains || !subdomainsOnly) && (best < 0 || h.list < best) {
			best = h.list
		}
	}
	return best
}

func (w *Warninglists) matchSubstring(bit uint16, v string) int32 {
	for i := 0; i+4 <= len(v); i++ {
		g := wlGram(v, i)
		if h := wlGramHash(g); w.gramSet[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		j, ok := w.grams[g]
		if !ok {
			continue
		}
		for ; j >= 0; j = w.subs[j].next {
			s := &w.subs[j]
			if w.lists[s.list].types&bit != 0 && strings.HasPrefix(v[i:], s.s) {
				return s.list
			}
		}
	}
	for _, s := range w.short {
		if w.lists[s.list].types&bit != 0 && strings.Contains(v, s.s) {
			return s.list
		}
	}
	return -1
}

func (w *Warninglists) matchRegex(bit uint16, v string) int32 {
	for _, r := range w.regexes {
		if w.lists[r.list].types&bit != 0 && r.re.MatchString(v) {
			return r.list
		}
	}
	return -1
}

// wlBareURLHost returns the host of a canonical URL ("scheme://host[:port]/") that
// names nothing more than its host, or "" for any other URL or an IP literal host.
func wlBareURLHost(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		if rest[i:] != "/" {
			return ""
		}
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 || strings.HasPrefix(rest, "[") {
		if strings.HasPrefix(rest, "[") {
			return ""
		}
		rest = rest[:i]
	}
	if _, err := netip.ParseAddr(rest); err == nil {
		return ""
	}
	return rest
}

// wlLower lower-cases s, without allocating when it already is.
func wlLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

func wlASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Len returns how many lists are loaded and in use.
func (w *Warninglists) Len() int {
	if w == nil {
		return 0
	}
	return len(w.lists)
}

// Entries returns how many entries the lists in use hold.
func (w *Warninglists) Entries() int {
	if w == nil {
		return 0
	}
	return w.entries
}

// Names returns the names of the lists in use, sorted.
func (w *Warninglists) Names() []string {
	if w == nil {
		return nil
	}
	names := make([]string, len(w.lists))
	for i, l := range w.lists {
		names[i] = l.name
	}
	return names
}

// Problems returns, one line each, the lists left out (unreadable, of no type vigil
// matches, with a pattern Go cannot compile) and entries that could not be read.
func (w *Warninglists) Problems() []string {
	if w == nil {
		return nil
	}
	return w.problems
}
