package telemetry

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// maxDepth bounds how deep known-format events are walked.
const maxDepth = 8

// walkObject visits the keys of o and reads the fields t knows. e.path holds the dotted path
// of o; top-level keys are looked up as they are, without copying. Nested objects are entered
// only on paths that lead to a known field.
func (e *Extractor) walkObject(t *table, o *fastjson.Object, depth int) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		n := len(e.path)
		if n > 0 {
			e.path = append(append(e.path, '.'), k...)
			if t.maybe(e.path) {
				e.walkValue(t, e.path, v, depth)
			} else {
				e.unlistedURL(e.path, v)
			}
			e.path = e.path[:n]
			return
		}
		if len(k) == 0 {
			return
		}
		b1, b2 := maskBits(k)
		if e.detecting && depth == 0 && markerMask.maybeBits(len(k), b1, b2) {
			e.markers |= namedMarker(k)
		}
		if t.maybeBits(len(k), b1, b2) {
			e.walkValue(t, k, v, depth)
			e.path = e.path[:0] // walkValue makes k the path of what it holds
		} else {
			e.unlistedURL(k, v)
		}
	})
}

// walkValue reads the value v at path p: a known field, or an object (or array of objects)
// on the way to one.
func (e *Extractor) walkValue(t *table, p []byte, v *fastjson.Value, depth int) {
	if s, ok := t.fields[string(p)]; ok {
		e.field(s, v)
		return
	}
	if depth >= maxDepth || !t.prefixes[string(p)] {
		return
	}
	if len(e.path) == 0 {
		e.path = append(e.path, p...) // a top-level key becomes the path of what it holds
	}
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		e.walkObject(t, o, depth+1)
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			if x.Type() == fastjson.TypeObject {
				o, _ := x.Object()
				e.walkObject(t, o, depth+1)
			}
		}
	}
}

// field reads the value of a known field: a string, an array of strings, or for
// kindEventData an object.
func (e *Extractor) field(s spec, v *fastjson.Value) {
	if s.kind >= kindTime {
		e.timeValue(s, v)
		return
	}
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		e.str(s, b)
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			if x.Type() == fastjson.TypeString {
				b, _ := x.StringBytes()
				e.str(s, b)
			}
		}
	case fastjson.TypeObject:
		if s.kind == kindEventData {
			o, _ := v.Object()
			e.eventData(o)
		}
	case fastjson.TypeNumber:
		if s.kind == kindURLPort {
			if n, err := v.Int(); err == nil && n > 0 && n < 1<<16 {
				e.url.port = n
			}
		}
	}
}

// str reads one string value of a known field.
func (e *Extractor) str(s spec, b []byte) {
	if len(b) == 0 {
		return
	}
	switch s.kind {
	case kindIP, kindHost:
		switch {
		case wholeURL(b): // a DNS query such as "http://172.16.0.58"
			e.url.given = e.add(s.name, classURL, b) || e.url.given
		case s.kind == kindIP:
			e.add(s.name, classIP, b)
		default:
			e.add(s.name, classHost, b)
		}
	case kindCommandLine:
		e.addCommandLine(s.name, b)
	case kindX509, kindX509SHA1, kindX509SHA256, kindJA3, kindJA3S, kindJA4:
		e.add(s.name, classX509+class(s.kind-kindX509), b)
	case kindMIME:
		e.isCert = e.isCert || certMIME(b)
	case kindCertMarker:
		e.isCert = true
	case kindURLHost:
		e.add(s.name, classHost, b)
		e.url.host = b
	case kindURL:
		e.url.given = e.add(s.name, classURL, b) || e.url.given
	case kindURLPath:
		if e.add(s.name, classURL, b) {
			e.url.given = true
		} else if b[0] == '/' {
			e.url.path, e.url.pathField = b, s.name
		}
	case kindURLScheme:
		e.url.scheme = b
	case kindURLPort:
		if n, err := strconv.Atoi(view(b)); err == nil && n > 0 && n < 1<<16 {
			e.url.port = n
		}
	case kindEmail:
		e.addEmails(s.name, b)
	case kindMD5, kindSHA1, kindSHA256, kindSHA512:
		e.add(s.name, classMD5+class(s.kind-kindMD5), b)
	case kindHash:
		e.add(s.name, classHash, b)
	case kindFilename:
		e.add(s.name, classFilename, b)
	case kindWinHashes:
		e.addWinHashes(s, b)
	case kindQueryResults:
		e.addQueryResults(s.name, b)
	case kindEventData:
		e.eventDataString(b)
	}
}

// joinURL emits the URL an event spreads over host and path fields (Zeek http host+uri,
// Suricata http.hostname+http.url, ECS url.domain+url.original), unless one of the event's
// URL fields already gave a full URL (a URL in another field, such as a referrer, is not
// this request's).
func (e *Extractor) joinURL() {
	u := &e.url
	if u.path == nil || u.host == nil || u.given {
		return
	}
	b := e.ubuf[:0]
	if isScheme(u.scheme) {
		b = append(b, u.scheme...)
	} else {
		b = append(b, "http"...)
	}
	b = append(b, "://"...)
	host := bytes.TrimSpace(u.host)
	if bytes.Count(host, []byte(":")) > 1 && host[0] != '[' {
		b = append(append(append(b, '['), host...), ']') // a bare IPv6 address
	} else {
		b = append(b, host...)
	}
	if u.port > 0 && len(splitHostPort(host)) == len(host) && bytes.IndexByte(host, ']') < 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(u.port), 10)
	}
	b = append(b, u.path...)
	e.ubuf = b
	e.add(u.pathField, classURL, b)
}

func isScheme(b []byte) bool {
	if len(b) == 0 || len(b) > 16 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// addURLHosts emits the host of every URL observable of the line as a domain or IP observable
// with the URL's field, so that a domain indicator matches a URL seen in telemetry; hosts the
// event already gave in a field of their own are not repeated.
func (e *Extractor) addURLHosts() {
	n := len(e.dst)
	for i := e.start; i < n; i++ {
		o := e.dst[i]
		if o.Type != vigil.TypeURL {
			continue
		}
		host, t := urlHost(o.Value)
		if host == "" || e.hasValue(t, host) {
			continue
		}
		e.dst = append(e.dst, vigil.Observable{Field: o.Field, Type: t, Value: host})
	}
}

// hasValue reports whether the line already has an observable of type t and value v.
func (e *Extractor) hasValue(t vigil.IndicatorType, v string) bool {
	for i := e.start; i < len(e.dst); i++ {
		if e.dst[i].Value == v && e.dst[i].Type == t {
			return true
		}
	}
	return false
}

// urlHost returns the host of a URL canonicalised by ioc.URL and its observable type; "" for
// hosts no indicator can match (single labels).
func urlHost(u string) (string, vigil.IndicatorType) {
	auth := ioc.URLHost(u)
	if strings.IndexByte(auth, ':') >= 0 { // only a bracketed IPv6 literal keeps a colon
		return auth, vigil.TypeIPv6
	}
	dot := strings.LastIndexByte(auth, '.')
	if dot <= 0 {
		return "", ""
	}
	if numericLabel(auth[dot+1:]) {
		// ioc.URL writes IPv4 hosts canonically; other numeric names match nothing.
		if a, err := netip.ParseAddr(auth); err == nil && a.Is4() {
			return auth, vigil.TypeIPv4
		}
		return "", ""
	}
	return auth, vigil.TypeDomain
}

// eventData walks a Windows EventData object with the Sysmon fields. Its fields are reported
// by their own names ("Image", not "EventData.Image"), as in flat Windows events.
func (e *Extractor) eventData(o *fastjson.Object) {
	if e.inEventData {
		return
	}
	e.inEventData = true
	saved := e.path
	e.path = e.path[len(e.path):]
	e.walkObject(sysmonTable, o, 1)
	e.path = saved
	e.inEventData = false
}

// eventDataString parses EventData that a collector stored as a JSON-encoded string
// (Azure Log Analytics WindowsEvent) and walks it as an object.
func (e *Extractor) eventDataString(b []byte) {
	b = bytes.TrimSpace(b)
	if e.inEventData || len(b) < 2 || b[0] != '{' {
		return
	}
	v, err := e.inner.ParseBytes(b)
	if err != nil || v.Type() != fastjson.TypeObject {
		return
	}
	o, _ := v.Object()
	e.eventData(o)
}

// addWinHashes reads Sysmon's "SHA1=…,MD5=…,SHA256=…,IMPHASH=…". IMPHASH hashes the import
// table, not the file, so it is skipped. A bare hash takes its type from its length.
func (e *Extractor) addWinHashes(s spec, b []byte) {
	for len(b) > 0 {
		part := b
		if i := bytes.IndexByte(b, ','); i >= 0 {
			part, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		alg, val, ok := bytes.Cut(part, []byte("="))
		if !ok {
			e.add(s.name, classHash, part)
			continue
		}
		if i := algIndex(bytes.TrimSpace(alg)); i >= 0 {
			e.add(s.algFields[i], classMD5+class(i), val)
		}
	}
}

// algIndex returns the hashTypes index of a hash algorithm name, or -1.
func algIndex(alg []byte) int {
	for i, name := range [...]string{"MD5", "SHA1", "SHA256", "SHA512"} {
		if strings.EqualFold(view(alg), name) {
			return i
		}
	}
	return -1
}

// addQueryResults reads Sysmon's DNS answers: "::ffff:1.2.3.4;type:  5 cname.example;".
// Only addresses are kept; the "type: N name" entries are record-type noise.
func (e *Extractor) addQueryResults(field string, b []byte) {
	for len(b) > 0 {
		part := b
		if i := bytes.IndexByte(b, ';'); i >= 0 {
			part, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		part = bytes.TrimSpace(part)
		if len(part) > 0 && !bytes.HasPrefix(part, []byte("type:")) {
			e.add(field, classIP, part)
		}
	}
}
