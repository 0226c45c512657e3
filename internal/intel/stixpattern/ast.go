// Package stixpattern parses the STIX 2.1 patterning language (STIX 2.1 section 9) into
// an AST, and decides which patterns reduce to plain values that can be matched one
// observable at a time.
//
// The parser is hand written: a lexer and a recursive-descent parser with one function
// per precedence level. Errors carry the byte offset in the pattern; no input makes it
// panic, and nesting is capped so hostile input cannot exhaust the stack.
package stixpattern

import (
	"strconv"
	"strings"
	"time"
)

// Expr is an observation expression, the top level of a pattern: an Observation, an
// ObsJoin of several, or a Qualified one.
type Expr interface {
	// Pos is the byte offset in the pattern where the expression starts.
	Pos() int
	// String prints the expression in canonical form.
	String() string
	isExpr()
}

// Cond is a comparison expression, the part of a pattern inside square brackets: a
// Comparison or a CondJoin of several.
type Cond interface {
	// Pos is the byte offset in the pattern where the expression starts.
	Pos() int
	// String prints the expression in canonical form.
	String() string
	isCond()
}

// Op joins expressions.
type Op uint8

// The joining operators, from loosest to tightest binding. FollowedBy joins only
// observation expressions.
const (
	FollowedBy Op = iota + 1
	Or
	And
)

// String returns the operator's keyword.
func (o Op) String() string {
	switch o {
	case FollowedBy:
		return "FOLLOWEDBY"
	case Or:
		return "OR"
	case And:
		return "AND"
	}
	return "?"
}

// Observation is a comparison expression in square brackets: what one observed-data
// object must contain.
type Observation struct {
	// Offset is where the '[' is.
	Offset int
	// Cond is the condition inside the brackets.
	Cond Cond
}

// ObsJoin joins two or more observation expressions with one operator.
type ObsJoin struct {
	// Op is And, Or or FollowedBy.
	Op Op
	// Terms are the joined expressions, in pattern order.
	Terms []Expr
}

// Qualified is an observation expression restricted by a qualifier.
type Qualified struct {
	// Expr is the qualified expression.
	Expr Expr
	// Qualifier is the restriction.
	Qualifier Qualifier
}

// QualifierKind names a qualifier.
type QualifierKind uint8

// The qualifiers of STIX 2.1 section 9.8.
const (
	Within    QualifierKind = iota + 1 // WITHIN n SECONDS
	Repeats                            // REPEATS n TIMES
	StartStop                          // START t'…' STOP t'…'
)

// Qualifier restricts when or how often an observation expression must match.
type Qualifier struct {
	// Offset is where the qualifier's keyword is.
	Offset int
	// Kind says which qualifier this is and so which fields below are set.
	Kind QualifierKind
	// Seconds is the WITHIN window, as written.
	Seconds Literal
	// Times is the REPEATS count.
	Times Literal
	// Start and Stop bound a START/STOP window.
	Start, Stop Literal
}

// CondJoin joins two or more comparison expressions with And or Or.
type CondJoin struct {
	// Op is And or Or.
	Op Op
	// Terms are the joined conditions, in pattern order.
	Terms []Cond
}

// CmpOp is a comparison operator.
type CmpOp uint8

// The comparison operators of STIX 2.1 section 9.6.
const (
	Eq CmpOp = iota + 1
	Neq
	Gt
	Lt
	Ge
	Le
	In
	Like
	Matches
	IsSubset
	IsSuperset
	Exists
)

var cmpOpNames = [...]string{
	Eq: "=", Neq: "!=", Gt: ">", Lt: "<", Ge: ">=", Le: "<=", In: "IN", Like: "LIKE",
	Matches: "MATCHES", IsSubset: "ISSUBSET", IsSuperset: "ISSUPERSET", Exists: "EXISTS",
}

// String returns the operator as a pattern spells it.
func (o CmpOp) String() string {
	if int(o) < len(cmpOpNames) && cmpOpNames[o] != "" {
		return cmpOpNames[o]
	}
	return "?"
}

// Comparison tests one property of an object against a literal.
type Comparison struct {
	// Offset is where the object path (or EXISTS) starts.
	Offset int
	// Path names the property.
	Path Path
	// Negated is set by NOT before the operator.
	Negated bool
	// Op is the operator.
	Op CmpOp
	// Value is the right-hand side; unset for In and Exists.
	Value Literal
	// Set holds the members for In.
	Set []Literal
}

// Path is an object path such as file:hashes.'SHA-256' or
// email-message:body_multipart[*].body_raw_ref.name.
type Path struct {
	// Object is the STIX object type before the colon.
	Object string
	// Steps lead from the object to the property; the first is always a key.
	Steps []Step
}

// StepKind says what a path step does.
type StepKind uint8

// The path steps.
const (
	Key      StepKind = iota + 1 // .name or .'quoted name'
	Index                        // [n]
	AnyIndex                     // [*]
)

// Step is one component of an object path.
type Step struct {
	// Kind says which of the fields below is meaningful.
	Kind StepKind
	// Name is the property name of a Key step, unquoted.
	Name string
	// Index is the list index of an Index step; negative counts from the end.
	Index int
}

// LitKind names the type of a literal.
type LitKind uint8

// The literal types of STIX 2.1 section 9.3.
const (
	String    LitKind = iota + 1 // 'text'
	Int                          // 42, -1
	Float                        // 1.5
	Bool                         // true, false
	Binary                       // b'base64'
	Hex                          // h'0a1b'
	Timestamp                    // t'2020-01-01T00:00:00Z'
)

// Literal is a constant in a pattern.
type Literal struct {
	// Offset is where the literal starts.
	Offset int
	// Kind is the literal's type.
	Kind LitKind
	// Text is the value of a String, and the text between the quotes (or the digits) for
	// every other kind.
	Text string
	// Int holds an Int; Float holds a Float or an Int; Bool a Bool.
	Int   int64
	Float float64
	Bool  bool
	// Bytes holds the decoded Binary or Hex value.
	Bytes []byte
	// Time holds a Timestamp.
	Time time.Time
}

// Pos returns the offset of the '['.
func (o *Observation) Pos() int { return o.Offset }

// Pos returns the offset of the first term.
func (j *ObsJoin) Pos() int { return j.Terms[0].Pos() }

// Pos returns the offset of the qualified expression.
func (q *Qualified) Pos() int { return q.Expr.Pos() }

// Pos returns the offset of the first term.
func (j *CondJoin) Pos() int { return j.Terms[0].Pos() }

// Pos returns the offset of the comparison.
func (c *Comparison) Pos() int { return c.Offset }

func (*Observation) isExpr() {}
func (*ObsJoin) isExpr()     {}
func (*Qualified) isExpr()   {}
func (*CondJoin) isCond()    {}
func (*Comparison) isCond()  {}

// String prints the observation in canonical form.
func (o *Observation) String() string { return "[" + o.Cond.String() + "]" }

// String prints the terms joined by the operator, parenthesising nested joins.
func (j *ObsJoin) String() string {
	parts := make([]string, len(j.Terms))
	for i, t := range j.Terms {
		parts[i] = t.String()
		if _, ok := t.(*ObsJoin); ok {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " "+j.Op.String()+" ")
}

// String prints the expression followed by its qualifier.
func (q *Qualified) String() string {
	s := q.Expr.String()
	if _, ok := q.Expr.(*ObsJoin); ok {
		s = "(" + s + ")"
	}
	return s + " " + q.Qualifier.String()
}

// String prints the qualifier as a pattern would spell it.
func (q Qualifier) String() string {
	switch q.Kind {
	case Within:
		return "WITHIN " + q.Seconds.String() + " SECONDS"
	case Repeats:
		return "REPEATS " + q.Times.String() + " TIMES"
	case StartStop:
		return "START " + q.Start.String() + " STOP " + q.Stop.String()
	}
	return "?"
}

// String prints the terms joined by the operator, parenthesising nested joins.
func (j *CondJoin) String() string {
	parts := make([]string, len(j.Terms))
	for i, t := range j.Terms {
		parts[i] = t.String()
		if _, ok := t.(*CondJoin); ok {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " "+j.Op.String()+" ")
}

// String prints the comparison in canonical form.
func (c *Comparison) String() string {
	if c.Op == Exists {
		return "EXISTS " + c.Path.String()
	}
	var b strings.Builder
	b.WriteString(c.Path.String())
	if c.Negated {
		b.WriteString(" NOT")
	}
	b.WriteString(" " + c.Op.String() + " ")
	if c.Op != In {
		b.WriteString(c.Value.String())
		return b.String()
	}
	b.WriteByte('(')
	for i, l := range c.Set {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l.String())
	}
	b.WriteByte(')')
	return b.String()
}

// String prints the path, quoting the names that are not plain identifiers.
func (p Path) String() string {
	var b strings.Builder
	b.WriteString(p.Object)
	for i, s := range p.Steps {
		switch {
		case s.Kind == Key && i == 0:
			b.WriteByte(':')
			b.WriteString(keyString(s.Name))
		case s.Kind == Key:
			b.WriteByte('.')
			b.WriteString(keyString(s.Name))
		case s.Kind == Index:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		default:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// keyString spells a property name bare when the grammar allows it, quoted otherwise.
func keyString(name string) string {
	if isPlainIdent(name) {
		return name
	}
	return quote(name)
}

func isPlainIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentPart(s[i]) {
			return false
		}
	}
	return true
}

// String prints the literal as a pattern would spell it.
func (l Literal) String() string {
	switch l.Kind {
	case String:
		return quote(l.Text)
	case Binary:
		return "b'" + l.Text + "'"
	case Hex:
		return "h'" + l.Text + "'"
	case Timestamp:
		return "t'" + l.Text + "'"
	}
	return l.Text
}

// quote writes s as a pattern string literal, escaping quotes and backslashes.
func quote(s string) string {
	if !strings.ContainsAny(s, `'\`) {
		return "'" + s + "'"
	}
	return "'" + escaper.Replace(s) + "'"
}

var escaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`)
