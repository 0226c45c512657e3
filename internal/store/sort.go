package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// keyOrder is how one order of a list runs in SQL: a key expression, then the list's
// unique column to break ties. A page's cursor holds the last row's key and unique
// value, so that the next page starts after it whatever was added or changed before it.
type keyOrder[T any] struct {
	col            string // the key's SQL expression
	keyAsc, tieAsc bool
	key            func(T) string           // the cursor's text of a row's key
	arg            func(string) (any, bool) // the query argument of a cursor's key text
}

// sortedList is every order of one list: S names the orders (vigil.OrgSort…), T is a row.
type sortedList[S ~string, T any] struct {
	kind   string                   // the cursor's kind, so a cursor of one list fails on another
	tie    string                   // the unique column that breaks ties
	tieKey func(T) string           // the cursor's text of a row's unique value
	tieArg func(string) (any, bool) // the query argument of that text
	orders map[S]keyOrder[T]
}

// orderBy is the ORDER BY clause of sort.
func (l sortedList[S, T]) orderBy(sort S) string {
	o := l.orders[sort]
	if o.col == l.tie {
		return " ORDER BY " + o.col + dir(o.keyAsc)
	}
	return " ORDER BY " + o.col + dir(o.keyAsc) + ", " + l.tie + dir(o.tieAsc)
}

// after adds to w the condition that keeps the rows after cursor in sort; the first page
// (no cursor) adds nothing. A cursor of another order is refused in words that say so:
// it would start the list in the wrong place.
func (l sortedList[S, T]) after(w *where, sort S, cursor string) error {
	raw, err := decodeCursor(l.kind, cursor)
	if err != nil || raw == "" {
		return err
	}
	bad := vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	name, rest, ok := strings.Cut(raw, "|")
	i := strings.LastIndexByte(rest, '|')
	if !ok || i < 0 {
		return bad
	}
	if S(name) != sort {
		if _, known := l.orders[S(name)]; !known {
			return bad
		}
		return vigil.Errorf(vigil.EINVALID, "the page cursor continues the list sorted by %s, not by %s; start again from the first page", name, sort)
	}
	o := l.orders[sort]
	key, ok := o.arg(rest[:i])
	tie, tieOK := l.tieArg(rest[i+1:])
	if !ok || !tieOK {
		return bad
	}
	if o.col == l.tie {
		w.add(true, l.tie+cmpOp(o.keyAsc)+" ?", tie)
		return nil
	}
	w.add(true, "("+o.col+cmpOp(o.keyAsc)+" ? OR ("+o.col+" = ? AND "+l.tie+cmpOp(o.tieAsc)+" ?))", key, key, tie)
	return nil
}

// page trims rows read with LIMIT limit+1 to limit and returns the cursor of the next
// page in sort ("" on the last page).
func (l sortedList[S, T]) page(sort S, rows []T, limit int) ([]T, string) {
	o := l.orders[sort]
	rows, next := page(rows, limit, func(r T) string { return string(sort) + "|" + o.key(r) + "|" + l.tieKey(r) })
	return rows, cursorOf(l.kind, next)
}

func dir(asc bool) string {
	if asc {
		return " ASC"
	}
	return " DESC"
}

func cmpOp(asc bool) string {
	if asc {
		return " >"
	}
	return " <"
}

// keyCol scans a sort key of any kind into the text a cursor holds of it: a number in
// decimal, a time in timeLayout, text as it is.
type keyCol struct{ s *string }

// Scan implements sql.Scanner.
func (c keyCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.s = ""
	case int64:
		*c.s = strconv.FormatInt(v, 10)
	case time.Time:
		*c.s = timeKey(v)
	case string:
		*c.s = v
	case []byte:
		*c.s = string(v)
	default:
		return fmt.Errorf("scan sort key: unexpected %T", v)
	}
	return nil
}

// Keys of the common kinds, and how a cursor's text of them becomes a query argument.

func idText(id int64) string { return strconv.FormatInt(id, 10) }

func idArg(s string) (any, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func textArg(s string) (any, bool) { return s, true }

func intArg(s string) (any, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// timeKey and timeArg carry a time through a cursor in the layout the engines compare.
func timeKey(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(timeLayout) }

func timeArg(s string) (any, bool) {
	t, err := time.Parse(timeLayout, s)
	return dbTime(t), err == nil && !t.IsZero()
}

// neverTime stands for a time that has not happened (a user who never signed in) in an
// order by a column that may be NULL: both engines sort it before every real time, and
// a cursor can hold it where it could not hold NULL.
const neverTime = "0001-01-01T00:00:00.000000Z"

// orNever is col with NULL read as neverTime.
func orNever(col string) string { return "COALESCE(" + col + ", '" + neverTime + "')" }

// maybeTimeArg is timeArg for a column read through orNever.
func maybeTimeArg(s string) (any, bool) {
	t, err := time.Parse(timeLayout, s)
	return s, err == nil && timeKey(t) == s
}
