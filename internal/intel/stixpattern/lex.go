package stixpattern

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // identifiers and keywords; may contain '-' (object types do)
	tString         // 'text', with escapes decoded
	tInt            // 42, -1, +7
	tFloat          // 1.5, -.5
	tBinary         // b'base64'
	tHex            // h'hex'
	tTime           // t'timestamp'
	tCmp            // = == != <> < <= > >=
	tLBrack
	tRBrack
	tLParen
	tRParen
	tColon
	tDot
	tComma
	tStar
)

var tokNames = [...]string{
	tEOF: "end of pattern", tIdent: "identifier", tString: "string", tInt: "integer",
	tFloat: "number", tBinary: "binary literal", tHex: "hex literal", tTime: "timestamp",
	tCmp: "operator", tLBrack: "'['", tRBrack: "']'", tLParen: "'('", tRParen: "')'",
	tColon: "':'", tDot: "'.'", tComma: "','", tStar: "'*'",
}

// token is one lexical token. text is the identifier, the decoded string, the operator,
// the digits of a number, or the text between the quotes of a b”, h” or t” literal.
type token struct {
	kind tokKind
	pos  int
	text string
}

// describe names a token for error messages: "'OR'", "string 'abc'", "end of pattern".
func (t token) describe() string {
	switch t.kind {
	case tIdent, tCmp:
		return "'" + t.text + "'"
	case tString:
		return "string " + shorten(quote(t.text))
	case tInt, tFloat:
		return "number " + t.text
	}
	return tokNames[t.kind]
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// lexer splits a pattern into tokens on demand.
type lexer struct {
	src string
	pos int
}

// next returns the next token, skipping whitespace and comments.
func (l *lexer) next() (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: l.pos}, nil
	}
	start, c := l.pos, l.src[l.pos]
	if k, ok := punct[c]; ok {
		l.pos++
		return token{kind: k, pos: start, text: l.src[start:l.pos]}, nil
	}
	switch {
	case c == '\'':
		s, err := l.quoted()
		return token{kind: tString, pos: start, text: s}, err
	case isIdentStart(c):
		return l.ident()
	case c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' && l.digitAt(l.pos+1):
		return l.number()
	case c == '.':
		l.pos++
		return token{kind: tDot, pos: start, text: "."}, nil
	case c == '=' || c == '!' || c == '<' || c == '>':
		return l.operator()
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	return token{}, errorf(start, "unexpected character %q", r)
}

var punct = map[byte]tokKind{
	'[': tLBrack, ']': tRBrack, '(': tLParen, ')': tRParen, ':': tColon, ',': tComma, '*': tStar,
}

// skipSpace skips white space, /* block */ and // line comments.
func (l *lexer) skipSpace() error {
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return errorf(l.pos, "comment is not closed with */")
			}
			l.pos += end + 4
		case strings.HasPrefix(l.src[l.pos:], "//"):
			end := strings.IndexByte(l.src[l.pos:], '\n')
			if end < 0 {
				end = len(l.src) - l.pos
			}
			l.pos += end
		default:
			return nil
		}
	}
	return nil
}

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// ident reads an identifier or keyword, or a b”, h” or t” literal.
func (l *lexer) ident() (token, error) {
	start := l.pos
	for l.pos < len(l.src) && (isIdentPart(l.src[l.pos]) || l.src[l.pos] == '-') {
		l.pos++
	}
	text := l.src[start:l.pos]
	if l.pos < len(l.src) && l.src[l.pos] == '\'' && len(text) == 1 {
		switch text {
		case "b":
			return l.typed(start, tBinary, checkBinary)
		case "h":
			return l.typed(start, tHex, checkHex)
		case "t":
			return l.typed(start, tTime, checkTime)
		}
	}
	return token{kind: tIdent, pos: start, text: text}, nil
}

// typed reads the quoted part of a b”, h” or t” literal and checks its content.
func (l *lexer) typed(start int, k tokKind, check func(string) error) (token, error) {
	l.pos++ // the quote
	end := strings.IndexByte(l.src[l.pos:], '\'')
	if end < 0 {
		return token{}, errorf(start, "%s is not terminated", tokNames[k])
	}
	text := l.src[l.pos : l.pos+end]
	l.pos += end + 1
	if err := check(text); err != nil {
		return token{}, errorf(start, "invalid %s: %v", tokNames[k], err)
	}
	return token{kind: k, pos: start, text: text}, nil
}

func checkBinary(s string) error {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=')
	}) >= 0 {
		return fmt.Errorf("not base64")
	}
	_, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("not base64")
	}
	return nil
}

func checkHex(s string) error {
	if _, err := hex.DecodeString(s); err != nil {
		return fmt.Errorf("want an even number of hex digits")
	}
	return nil
}

func checkTime(s string) error {
	if !strings.HasSuffix(s, "Z") {
		return fmt.Errorf("%q is not an RFC 3339 UTC time ending in Z", s)
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		if why := impossibleDate(s); why != "" {
			return fmt.Errorf("%q is not a date: %s", s, why)
		}
		return fmt.Errorf("%q is not an RFC 3339 UTC time ending in Z", s)
	}
	return nil
}

// impossibleDate explains a timestamp written in the right shape whose date or time of day
// does not exist, such as February the 30th; "" when that is not what is wrong.
func impossibleDate(s string) string {
	var y, mo, d, h, mi, sec int
	if n, _ := fmt.Sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec); n != 6 {
		return ""
	}
	switch {
	case mo < 1 || mo > 12:
		return fmt.Sprintf("there is no month %d", mo)
	case d < 1 || d > daysIn(time.Month(mo), y):
		return fmt.Sprintf("%s %d has no day %d", time.Month(mo), y, d)
	case h > 23 || mi > 59 || sec > 60:
		return fmt.Sprintf("%02d:%02d:%02d is not a time of day", h, mi, sec)
	}
	return ""
}

// daysIn is the number of days in month m of year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// quoted reads a string literal. The only escapes are \' and \\; the common case without
// escapes returns a slice of the pattern.
func (l *lexer) quoted() (string, error) {
	start := l.pos
	l.pos++
	i := l.pos
	for i < len(l.src) && l.src[i] != '\'' && l.src[i] != '\\' {
		i++
	}
	if i < len(l.src) && l.src[i] == '\'' {
		l.pos = i + 1
		return l.src[start+1 : i], nil
	}
	var b strings.Builder
	b.WriteString(l.src[start+1 : i])
	for ; i < len(l.src); i++ {
		switch c := l.src[i]; c {
		case '\'':
			l.pos = i + 1
			return b.String(), nil
		case '\\':
			if i+1 >= len(l.src) || (l.src[i+1] != '\'' && l.src[i+1] != '\\') {
				return "", errorf(i, `invalid escape in string: only \' and \\ are allowed`)
			}
			i++
			b.WriteByte(l.src[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", errorf(start, "string is not terminated")
}

// number reads an integer or a float: [+-]digits or [+-][digits].digits.
func (l *lexer) number() (token, error) {
	start := l.pos
	if c := l.src[l.pos]; c == '+' || c == '-' {
		l.pos++
	}
	intStart := l.pos
	l.digits()
	intLen := l.pos - intStart
	kind := tInt
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		l.pos++
		if l.digits() == 0 {
			return token{}, errorf(l.pos, "expected a digit after '.'")
		}
		kind = tFloat
	}
	switch {
	case kind == tInt && intLen == 0:
		return token{}, errorf(start, "unexpected %q", l.src[start:l.pos])
	case kind == tInt && intLen > 1 && l.src[intStart] == '0':
		return token{}, errorf(start, "integer %s has a leading zero", l.src[start:l.pos])
	case l.pos < len(l.src) && isIdentPart(l.src[l.pos]):
		return token{}, errorf(l.pos, "unexpected %q after number", l.src[l.pos])
	}
	return token{kind: kind, pos: start, text: l.src[start:l.pos]}, nil
}

func (l *lexer) digitAt(i int) bool {
	return i < len(l.src) && l.src[i] >= '0' && l.src[i] <= '9'
}

func (l *lexer) digits() int {
	n := 0
	for l.pos < len(l.src) && l.src[l.pos] >= '0' && l.src[l.pos] <= '9' {
		l.pos++
		n++
	}
	return n
}

// operator reads = == != <> < <= > >=.
func (l *lexer) operator() (token, error) {
	start := l.pos
	two := ""
	if l.pos+2 <= len(l.src) {
		two = l.src[l.pos : l.pos+2]
	}
	switch two {
	case "==", "!=", "<>", "<=", ">=":
		l.pos += 2
		return token{kind: tCmp, pos: start, text: two}, nil
	}
	if c := l.src[l.pos]; c == '!' {
		return token{}, errorf(start, "unexpected '!' (did you mean '!='?)")
	}
	l.pos++
	return token{kind: tCmp, pos: start, text: l.src[start:l.pos]}, nil
}
