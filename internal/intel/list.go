package intel

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
)

// maxLineLen is the longest line ParseList reads, counting its newline. A longer line is
// rejected and reading goes on with the next one.
const maxLineLen = 64 << 10

// maxLabelLen caps a label taken from free text (a description after the value).
const maxLabelLen = 256

// listSep marks the bytes that end the indicator on a list line: whitespace, ';' and ','.
var listSep = [256]bool{' ': true, '\t': true, '\v': true, '\f': true, '\r': true, ';': true, ',': true}

var utf8BOM = []byte("\xef\xbb\xbf")

// ParseList reads a plain list with one indicator per line and the type detected from the
// value. Blank lines and lines starting with '#' or ';' are comments. The indicator is the
// line's first field, which ends at whitespace, ';' or ',' (only whitespace ends a URL
// with a scheme, as ',' and ';' are legal in URLs); that covers firehol netsets,
// ipsum ("IP<TAB>count"), signature-base ("hash;description") and maltrail ("trail #
// comment"). A description after ';' or ',' becomes a label unless it is a number (a score
// or a count). A file in a malware/ or malicious/ directory (maltrail trails) is named
// after a malware family, so its base name is a label on every indicator in it; those
// indicators share one Labels slice, which must be treated as read-only.
//
// Provenance.Ref is "line N". A line longer than 64 KiB is rejected with its number.
func ParseList(r io.Reader, file string, s *Sink) error {
	br := bufio.NewReaderSize(r, maxLineLen)
	p := listParser{s: s, file: file, labels: familyLabels(file)}
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			p.longLine(n, line)
			line, err = nil, skipLine(br)
		}
		if err != nil && err != io.EOF {
			// A line cut off by a read error (a truncated gzip) is not an indicator.
			return fmt.Errorf("line %d: %w", n, err)
		}
		p.line(n, line)
		if err == io.EOF {
			return nil
		}
	}
}

// listParser holds what ParseList keeps between lines.
type listParser struct {
	s      *Sink
	file   string
	labels []string // the file's malware-family label, shared by its indicators
	buf    []byte   // scratch for building value and ref in one allocation

	lastDesc   []byte   // the last description seen
	lastLabels []string // its labels, shared by the lines that repeat it
}

// line adds the indicator on one line, if the line holds one.
func (p *listParser) line(n int, line []byte) {
	line = trimSpace(line)
	if len(line) == 0 || line[0] == '#' || line[0] == ';' {
		return
	}
	end := 0
	for end < len(line) && !listSep[line[end]] {
		end++
	}
	if end < len(line) && (line[end] == ',' || line[end] == ';') && bytes.Contains(line[:end], []byte("://")) {
		// ',' and ';' are legal in URLs: only whitespace ends one.
		for end < len(line) && !isSpace(line[end]) {
			end++
		}
	}
	value := line[:end]
	loc := Location{File: p.file, Line: n}
	if len(value) > 0 && value[0] == '/' {
		// maltrail lists bare URL paths to look for on any host.
		p.s.Reject(loc, string(value), "a URL path without a host cannot be matched")
		return
	}
	labels := p.labels
	if end < len(line) && (line[end] == ';' || line[end] == ',') {
		labels = p.describedLabels(description(line[end+1:], line[end]))
	}
	raw, ref := p.valueAndRef(value, n)
	p.s.Add(loc, "", raw, vigil.Provenance{Confidence: -1, Labels: labels, Ref: ref})
}

// describedLabels returns the labels for a line with description d. Lists repeat one
// description over many lines, so the last labels are reused while it stays the same.
func (p *listParser) describedLabels(d []byte) []string {
	if len(d) == 0 {
		return p.labels
	}
	if p.lastLabels == nil || !bytes.Equal(d, p.lastDesc) {
		p.lastDesc = append(p.lastDesc[:0], d...)
		p.lastLabels = slices.Clip(append([]string{truncateUTF8(string(d), maxLabelLen)}, p.labels...))
	}
	return p.lastLabels
}

// valueAndRef returns the value as a string and the Ref "line N", built in one allocation:
// both end up in the same Indicator, so they share a lifetime.
func (p *listParser) valueAndRef(value []byte, n int) (raw, ref string) {
	p.buf = append(p.buf[:0], value...)
	p.buf = append(p.buf, "line "...)
	p.buf = strconv.AppendInt(p.buf, int64(n), 10)
	both := string(p.buf)
	return both[:len(value)], both[len(value):]
}

// longLine rejects a line that does not fit in the buffer; head is its first 64 KiB.
func (p *listParser) longLine(n int, head []byte) {
	head = trimSpace(head)
	if len(head) > 0 && (head[0] == '#' || head[0] == ';') {
		return // a long comment is still a comment
	}
	if len(head) > 64 {
		head = head[:64]
	}
	p.s.Reject(Location{File: p.file, Line: n}, string(head),
		fmt.Sprintf("line is longer than %d KiB", maxLineLen>>10))
}

// skipLine discards the rest of an over-long line. It returns nil when a newline was
// found and io.EOF (or a read error) when the input ended first.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// description returns the free text after a value's separator, up to the next separator,
// or nil when there is none or it is only a number.
func description(rest []byte, sep byte) []byte {
	if i := bytes.IndexByte(rest, sep); i >= 0 {
		rest = rest[:i]
	}
	if i := bytes.Index(rest, []byte(" #")); i >= 0 {
		rest = rest[:i]
	}
	rest = trimSpace(rest)
	if isNumber(rest) {
		return nil
	}
	return rest
}

// familyLabels names the malware family of a list from its file name when the file sits in
// a malware/ or malicious/ directory ("trails.tar!static/malware/emotet.txt" → emotet).
func familyLabels(file string) []string {
	if i := strings.LastIndexByte(file, '!'); i >= 0 {
		file = file[i+1:]
	}
	file = filepath.ToSlash(file)
	switch path.Base(path.Dir(file)) {
	case "malware", "malicious":
	default:
		return nil
	}
	base := path.Base(file)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	if base == "" || base == "." {
		return nil
	}
	return []string{base} // len == cap: an append by a consumer copies
}

// trimSpace trims ASCII whitespace from both ends of b.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// isNumber reports whether b is a decimal number such as a score or a count.
func isNumber(b []byte) bool {
	digits := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c != '.' && c != '-' && c != '+':
			return false
		}
	}
	return digits > 0
}

// truncateUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
