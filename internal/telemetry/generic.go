package telemetry

import (
	"bytes"
	"strings"

	"github.com/valyala/fastjson"
	"golang.org/x/net/publicsuffix"
)

// genericDepth bounds how deep generic events are walked.
const genericDepth = 12

// fieldsMax bounds the per-Extractor table of interned generic field paths.
const fieldsMax = 1 << 12

// walkGeneric visits every string value of an event of unknown format (nested objects and
// arrays included) and classifies it by its shape. Keys that usually hold free text are skipped.
func (e *Extractor) walkGeneric(o *fastjson.Object, depth int) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		if depth == 0 {
			if e.detecting {
				e.markers |= marker(k)
			}
			if s, ok := genericTimeSpec(k); ok {
				e.timeValue(s, v)
			}
		}
		if freeTextKey(k) {
			return
		}
		n := len(e.path)
		if n > 0 {
			e.path = append(e.path, '.')
		}
		if len(k) == 0 {
			k = []byte("_") // fields are never named ""
		}
		e.path = append(e.path, k...)
		e.genericValue(v, depth)
		e.path = e.path[:n]
	})
}

func (e *Extractor) genericValue(v *fastjson.Value, depth int) {
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		e.classify(b)
	case fastjson.TypeObject:
		if depth < genericDepth {
			o, _ := v.Object()
			e.walkGeneric(o, depth+1)
		}
	case fastjson.TypeArray:
		if depth < genericDepth {
			a, _ := v.Array()
			for _, x := range a {
				e.genericValue(x, depth+1)
			}
		}
	}
}

// freeTextKey reports whether a key usually holds prose (log messages, raw originals) whose
// embedded values must not count as fields of the event.
func freeTextKey(k []byte) bool {
	if len(k) < 3 || len(k) > 12 {
		return false
	}
	var lower [12]byte
	switch string(appendLower(lower[:0], k)) {
	case "message", "msg", "original", "description", "payload", "full_log", "raw", "raw_log",
		"text", "body", "comment", "contextinfo", "details":
		return true
	}
	return false
}

// classify emits a string of an unknown field as an IP address, URL, hash, email address or
// domain name when it has that shape. Values with whitespace are free text and skipped.
func (e *Extractor) classify(b []byte) {
	if len(b) < 4 || len(b) > 2048 || bytes.ContainsAny(b, " \t\r\n") {
		return
	}
	var c class
	switch {
	case hashIndex(len(b)) >= 0 && isHex(b) && !isDigits(b):
		c = classHash
	case bytes.Contains(b, []byte("://")):
		c = classURL
	case ipLike(b):
		c = classIP
	case ipLike(splitHostPort(b)):
		c, b = classIP, splitHostPort(b)
	case bytes.IndexByte(b, '@') > 0:
		c = classEmail
	case e.domainLike(b):
		c = classDomain
	default:
		return
	}
	if t, v := e.normalize(c, b); t != "" {
		e.emit(e.fieldPath(), t, v)
	}
}

// fieldPath returns the dotted path of the value being visited as an interned string.
func (e *Extractor) fieldPath() string {
	if f, ok := e.fields[string(e.path)]; ok {
		return f
	}
	if len(e.fields) >= fieldsMax {
		clear(e.fields)
	}
	f := string(e.path)
	e.fields[f] = f
	return f
}

// domainLike is the conservative test for a domain name in a field of unknown meaning: dotted
// labels of letters, digits, '-' and '_' ending in a top-level domain that ICANN delegates and
// that is not also a common file extension ("report.zip", "setup.app", "x.pf").
func (e *Extractor) domainLike(b []byte) bool {
	if len(b) > 253 || b[0] == '.' {
		return false
	}
	b = bytes.TrimSuffix(b, []byte("."))
	dot := bytes.LastIndexByte(b, '.')
	if dot <= 0 {
		return false
	}
	tld := b[dot+1:]
	if len(tld) < 2 || len(tld) > 24 {
		return false
	}
	var lower [24]byte
	for i, c := range tld {
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		default:
			return false
		}
		lower[i] = c
	}
	t := lower[:len(tld)]
	if fileExtensions[string(t)] {
		return false
	}
	icann, ok := e.tlds[string(t)]
	if !ok {
		_, icann = publicsuffix.PublicSuffix(string(t))
		if len(e.tlds) >= fieldsMax {
			clear(e.tlds)
		}
		e.tlds[string(t)] = icann
	}
	return icann
}

// fileExtensions are file-name endings that generic extraction never takes for a TLD.
var fileExtensions = func() map[string]bool {
	m := map[string]bool{}
	for _, x := range strings.Fields(`exe dll sys drv ps1 psm1 psd1 bat cmd vbs vbe js jse wsf wsh hta scr
		cpl ocx msi msp lnk pif jar class py pyc pl pm rb sh so ko dylib app txt log json xml yml yaml
		ini cfg conf config csv tsv dat db sqlite tmp bak old zip rar 7z gz bz bz2 xz tar tgz cab iso
		img vhd vhdx doc docx docm xls xlsx xlsm ppt pptx pdf rtf odt htm html php asp aspx jsp css
		svg png jpg jpeg gif bmp ico mp3 mp4 mov avi wav pf evtx etl mui cat inf manifest pdb lib
		obj cpp cs go rs md ai java kt swift lua ts`) {
		m[x] = true
	}
	return m
}()
