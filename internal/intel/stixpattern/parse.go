package stixpattern

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Error is a syntax error in a pattern.
type Error struct {
	// Offset is the byte offset in the pattern where the problem is.
	Offset int
	// Msg says what is wrong.
	Msg string
}

// Error returns the message prefixed with the offset.
func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

func errorf(off int, format string, args ...any) *Error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// maxDepth caps the nesting of brackets and parentheses. Real patterns nest a handful of
// levels; the cap keeps a hostile pattern from recursing without bound.
const maxDepth = 100

// Parse parses a STIX 2.1 pattern. A STIX 2.0 pattern parses too: 2.1 only added to the
// grammar, except that START and STOP also accept plain strings here as 2.0 wrote them.
// The error, if any, is an *Error.
func Parse(pattern string) (Expr, error) {
	p := &parser{lx: lexer{src: pattern}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	e, err := p.obsExpr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected("AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern")
	}
	return e, nil
}

// parser is a recursive-descent parser with one token of look-ahead.
type parser struct {
	lx    lexer
	tok   token
	depth int
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) keyword(kw string) bool { return p.tok.kind == tIdent && p.tok.text == kw }

// expect consumes a token of kind k or fails naming what was wanted.
func (p *parser) expect(k tokKind, want string) error {
	if p.tok.kind != k {
		return p.unexpected(want)
	}
	return p.advance()
}

func (p *parser) unexpected(want string) error {
	msg := fmt.Sprintf("expected %s, found %s", want, p.tok.describe())
	if p.tok.kind == tIdent && p.tok.text != strings.ToUpper(p.tok.text) && keywords[strings.ToUpper(p.tok.text)] {
		msg += " (keywords are upper case)"
	}
	return errorf(p.tok.pos, "%s", msg)
}

var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "FOLLOWEDBY": true, "LIKE": true, "MATCHES": true,
	"ISSUBSET": true, "ISSUPERSET": true, "EXISTS": true, "IN": true, "START": true, "STOP": true,
	"WITHIN": true, "SECONDS": true, "REPEATS": true, "TIMES": true,
}

// nest enters a bracket or parenthesis, refusing to go deeper than maxDepth.
func (p *parser) nest() error {
	p.depth++
	if p.depth > maxDepth {
		return errorf(p.tok.pos, "brackets and parentheses nest deeper than %d levels", maxDepth)
	}
	return p.advance()
}

// obsOps are the observation operators by precedence level, loosest first.
var obsOps = [...]Op{FollowedBy, Or, And}

// obsExpr parses observation expressions joined by the operator of the given level.
func (p *parser) obsExpr(level int) (Expr, error) {
	if level == len(obsOps) {
		return p.obsQualified()
	}
	op := obsOps[level]
	terms, err := joined(p, op, func() (Expr, error) { return p.obsExpr(level + 1) })
	if err != nil || len(terms) == 1 {
		return first(terms), err
	}
	return &ObsJoin{Op: op, Terms: terms}, nil
}

// joined parses one or more terms separated by the keyword of op.
func joined[T any](p *parser, op Op, term func() (T, error)) ([]T, error) {
	t, err := term()
	if err != nil {
		return nil, err
	}
	terms := []T{t}
	for p.keyword(op.String()) {
		if err := p.advance(); err != nil {
			return nil, err
		}
		if t, err = term(); err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// first returns the first term, or the zero value when there is none.
func first[T any](terms []T) T {
	var zero T
	if len(terms) == 0 {
		return zero
	}
	return terms[0]
}

// obsQualified parses a bracketed or parenthesised observation and its qualifiers. One
// observation takes each kind of qualifier once (the STIX 2.1 validator's rule); a
// parenthesised group may take one again, each applying to what it follows.
func (p *parser) obsQualified() (Expr, error) {
	bracketed := p.tok.kind == tLBrack
	e, err := p.obsPrimary()
	seen := map[QualifierKind]bool{}
	for err == nil {
		var q Qualifier
		at := p.tok.pos
		switch {
		case p.keyword("WITHIN"):
			q, err = p.within()
		case p.keyword("REPEATS"):
			q, err = p.repeats()
		case p.keyword("START"):
			q, err = p.startStop()
		default:
			return e, nil
		}
		if err == nil && bracketed && seen[q.Kind] {
			return nil, errorf(at, "the observation already has a %s qualifier: give it once", qualifierName[q.Kind])
		}
		seen[q.Kind] = true
		e = &Qualified{Expr: e, Qualifier: q}
	}
	return nil, err
}

func (p *parser) obsPrimary() (Expr, error) {
	start := p.tok.pos
	switch p.tok.kind {
	case tLBrack:
		if err := p.nest(); err != nil {
			return nil, err
		}
		c, err := p.cond(0)
		if err != nil {
			return nil, err
		}
		p.depth--
		return &Observation{Offset: start, Cond: c}, p.expect(tRBrack, "AND, OR or ']'")
	case tLParen:
		if err := p.nest(); err != nil {
			return nil, err
		}
		e, err := p.obsExpr(0)
		if err != nil {
			return nil, err
		}
		p.depth--
		return e, p.expect(tRParen, "AND, OR, FOLLOWEDBY, a qualifier or ')'")
	}
	return nil, p.unexpected("'[' or '('")
}

// qualifierName names each qualifier as patterns write it.
var qualifierName = map[QualifierKind]string{Within: "WITHIN", Repeats: "REPEATS", StartStop: "START/STOP"}

func (p *parser) within() (Qualifier, error) {
	q := Qualifier{Offset: p.tok.pos, Kind: Within}
	if err := p.advance(); err != nil {
		return q, err
	}
	if p.tok.kind != tInt && p.tok.kind != tFloat {
		return q, p.unexpected("a number of seconds")
	}
	lit, err := p.literal()
	if err != nil {
		return q, err
	}
	if lit.Float <= 0 || strings.HasPrefix(lit.Text, "-") {
		return q, errorf(lit.Offset, "WITHIN needs a positive number of seconds, not %s", lit.Text)
	}
	q.Seconds = lit
	return q, p.word("SECONDS")
}

func (p *parser) repeats() (Qualifier, error) {
	q := Qualifier{Offset: p.tok.pos, Kind: Repeats}
	if err := p.advance(); err != nil {
		return q, err
	}
	if p.tok.kind != tInt {
		return q, p.unexpected("a whole number of repeats")
	}
	lit, err := p.literal()
	if err != nil {
		return q, err
	}
	if lit.Int <= 0 {
		return q, errorf(lit.Offset, "REPEATS needs a positive count, not %s", lit.Text)
	}
	q.Times = lit
	return q, p.word("TIMES")
}

func (p *parser) startStop() (Qualifier, error) {
	q := Qualifier{Offset: p.tok.pos, Kind: StartStop}
	var err error
	if q.Start, err = p.timeAfter("START"); err != nil {
		return q, err
	}
	if !p.keyword("STOP") {
		return q, p.unexpected("STOP")
	}
	if q.Stop, err = p.timeAfter("STOP"); err != nil {
		return q, err
	}
	if !q.Stop.Time.After(q.Start.Time) {
		return q, errorf(q.Stop.Offset, "STOP time is not after START time")
	}
	return q, nil
}

// timeAfter consumes kw and the timestamp that follows it. STIX 2.0 wrote the timestamp
// as a plain string, so a string holding a valid timestamp is accepted too.
func (p *parser) timeAfter(kw string) (Literal, error) {
	if err := p.advance(); err != nil {
		return Literal{}, err
	}
	if p.tok.kind == tString {
		if err := checkTime(p.tok.text); err != nil {
			return Literal{}, errorf(p.tok.pos, "invalid %s time: %v", kw, err)
		}
		p.tok.kind = tTime
	}
	if p.tok.kind != tTime {
		return Literal{}, p.unexpected("a timestamp t'...' after " + kw)
	}
	return p.literal()
}

// word consumes the keyword kw.
func (p *parser) word(kw string) error {
	if !p.keyword(kw) {
		return p.unexpected(kw)
	}
	return p.advance()
}

// condOps are the comparison-expression operators by precedence level, loosest first.
var condOps = [...]Op{Or, And}

// cond parses comparison expressions joined by the operator of the given level.
func (p *parser) cond(level int) (Cond, error) {
	if level == len(condOps) {
		return p.condPrimary()
	}
	op := condOps[level]
	terms, err := joined(p, op, func() (Cond, error) { return p.cond(level + 1) })
	if err != nil || len(terms) == 1 {
		return first(terms), err
	}
	return &CondJoin{Op: op, Terms: terms}, nil
}

func (p *parser) condPrimary() (Cond, error) {
	if p.tok.kind != tLParen {
		return p.comparison()
	}
	if err := p.nest(); err != nil {
		return nil, err
	}
	c, err := p.cond(0)
	if err != nil {
		return nil, err
	}
	p.depth--
	return c, p.expect(tRParen, "AND, OR or ')'")
}

// comparison parses "path [NOT] op value" or "EXISTS path".
func (p *parser) comparison() (Cond, error) {
	c := &Comparison{Offset: p.tok.pos}
	var err error
	if p.keyword("EXISTS") {
		if err = p.advance(); err != nil {
			return nil, err
		}
		c.Op = Exists
		c.Path, err = p.path()
		return c, err
	}
	if c.Path, err = p.path(); err != nil {
		return nil, err
	}
	if p.keyword("NOT") {
		c.Negated = true
		if err = p.advance(); err != nil {
			return nil, err
		}
	}
	if c.Op, err = p.cmpOp(); err != nil {
		return nil, err
	}
	if c.Op == In {
		c.Set, err = p.set()
		return c, err
	}
	c.Value, err = p.operand(c.Op)
	return c, err
}

var cmpOps = map[string]CmpOp{
	"=": Eq, "==": Eq, "!=": Neq, "<>": Neq, ">": Gt, "<": Lt, ">=": Ge, "<=": Le,
	"IN": In, "LIKE": Like, "MATCHES": Matches, "ISSUBSET": IsSubset, "ISSUPERSET": IsSuperset,
}

func (p *parser) cmpOp() (CmpOp, error) {
	op, ok := cmpOps[p.tok.text]
	if !ok || (p.tok.kind != tCmp && p.tok.kind != tIdent) {
		return 0, p.unexpected("a comparison operator")
	}
	return op, p.advance()
}

// operand parses the right-hand side of op, checking its type against the grammar:
// ordering needs an orderable literal, text operators need a string.
func (p *parser) operand(op CmpOp) (Literal, error) {
	l, err := p.literal()
	if err != nil {
		return l, err
	}
	switch op {
	case Like, Matches, IsSubset, IsSuperset:
		if l.Kind != String {
			return l, errorf(l.Offset, "%s needs a string, not %s", op, l)
		}
	case Gt, Lt, Ge, Le:
		if l.Kind == Bool {
			return l, errorf(l.Offset, "%s cannot compare with %s", op, l)
		}
	}
	return l, nil
}

// set parses the parenthesised list after IN.
func (p *parser) set() ([]Literal, error) {
	if err := p.expect(tLParen, "'(' after IN"); err != nil {
		return nil, err
	}
	var set []Literal
	for p.tok.kind != tRParen {
		if len(set) > 0 {
			if err := p.expect(tComma, "',' or ')'"); err != nil {
				return nil, err
			}
		}
		l, err := p.literal()
		if err != nil {
			return nil, err
		}
		set = append(set, l)
	}
	return set, p.advance()
}

// literal parses the current token as a constant.
func (p *parser) literal() (Literal, error) {
	t := p.tok
	l := Literal{Offset: t.pos, Text: t.text}
	var err error
	switch t.kind {
	case tString:
		l.Kind = String
	case tInt:
		l.Kind = Int
		if l.Int, err = strconv.ParseInt(t.text, 10, 64); err != nil {
			return l, errorf(t.pos, "integer %s is out of range", t.text)
		}
		l.Float = float64(l.Int)
	case tFloat:
		l.Kind = Float
		if l.Float, err = strconv.ParseFloat(t.text, 64); err != nil {
			return l, errorf(t.pos, "number %s is out of range", t.text)
		}
	case tBinary:
		l.Kind = Binary
		l.Bytes, _ = base64.StdEncoding.DecodeString(t.text) // checked by the lexer
	case tHex:
		l.Kind = Hex
		l.Bytes, _ = hex.DecodeString(t.text) // checked by the lexer
	case tTime:
		l.Kind = Timestamp
		l.Time, _ = time.Parse(time.RFC3339Nano, t.text) // checked by the lexer
	default:
		if !p.keyword("true") && !p.keyword("false") {
			return l, p.unexpected("a value")
		}
		l.Kind, l.Bool = Bool, t.text == "true"
	}
	return l, p.advance()
}

// path parses an object path: type ':' key then any of .key, .'key', [n], [*].
func (p *parser) path() (Path, error) {
	if p.tok.kind != tIdent || keywords[p.tok.text] {
		return Path{}, p.unexpected("an object path such as file:name")
	}
	path := Path{Object: p.tok.text, Steps: make([]Step, 0, 2)} // most paths have one or two steps
	if err := p.advance(); err != nil {
		return path, err
	}
	if err := p.expect(tColon, "':' after the object type "+path.Object); err != nil {
		return path, err
	}
	if err := p.key(&path); err != nil {
		return path, err
	}
	for {
		var err error
		switch p.tok.kind {
		case tDot:
			if err = p.advance(); err == nil {
				err = p.key(&path)
			}
		case tLBrack:
			err = p.index(&path)
		default:
			return path, nil
		}
		if err != nil {
			return path, err
		}
	}
}

// key parses a property name, bare or quoted.
func (p *parser) key(path *Path) error {
	switch p.tok.kind {
	case tString:
	case tIdent:
		if strings.IndexByte(p.tok.text, '-') >= 0 {
			return errorf(p.tok.pos, "property name %s contains '-': quote it as %s", p.tok.text, quote(p.tok.text))
		}
	default:
		return p.unexpected("a property name")
	}
	path.Steps = append(path.Steps, Step{Kind: Key, Name: p.tok.text})
	return p.advance()
}

// index parses [n] or [*].
func (p *parser) index(path *Path) error {
	if err := p.nest(); err != nil {
		return err
	}
	p.depth--
	step := Step{Kind: AnyIndex}
	switch p.tok.kind {
	case tStar:
	case tInt:
		n, err := strconv.Atoi(p.tok.text)
		if err != nil || n > 1<<31-1 || n < -1<<31 {
			return errorf(p.tok.pos, "list index %s is out of range", p.tok.text)
		}
		step = Step{Kind: Index, Index: n}
	default:
		return p.unexpected("a list index or '*'")
	}
	path.Steps = append(path.Steps, step)
	if err := p.advance(); err != nil {
		return err
	}
	return p.expect(tRBrack, "']' after the list index")
}
