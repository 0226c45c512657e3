package store

import (
	"database/sql"
	"strings"

	"github.com/vigil-health/vigil"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanOptionalID reads the id from the first row of rows, 0 when there is none (an
// INSERT … ON CONFLICT DO NOTHING RETURNING id that did nothing), and closes rows.
func scanOptionalID(rows *sql.Rows) (int64, error) {
	defer rows.Close()
	var id int64
	if rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
	}
	return id, rows.Err()
}

// where builds a WHERE clause from optional conditions written with ? placeholders.
type where struct {
	conds []string
	args  []any
}

// add appends cond and its arguments when on is true.
func (w *where) add(on bool, cond string, args ...any) {
	if on {
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	}
}

// String returns " WHERE a AND b", or "" with no conditions.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page trims items read with LIMIT limit+1 to limit and returns the key of the last item
// kept when there was more, or "" on the last page.
func page[T any](items []T, limit int, key func(T) string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, key(items[limit-1])
}

// cursorOf returns the opaque cursor for key, or "" when key is.
func cursorOf(kind, key string) string {
	if key == "" {
		return ""
	}
	return encodeCursor(kind, key)
}

// audience adds the condition that keeps rows to what aud may see (vigil.Audience.Sees),
// for a table with the given organisation and TLP columns; nil or a sector audience adds
// nothing. It mirrors the rule in SQL so that paging never steps over a hidden row.
func (w *where) audience(aud *vigil.Audience, orgCol, tlpCol string) {
	if aud == nil || aud.All {
		return
	}
	var either []string
	var args []any
	switch {
	case aud.Own != "" && aud.NotNamed:
		either = append(either, "("+orgCol+" = ? AND "+tlpCol+" <> ?)")
		args = append(args, aud.Own, string(vigil.TLPRed))
	case aud.Own != "":
		either = append(either, orgCol+" = ?")
		args = append(args, aud.Own)
	}
	if len(aud.Customers) > 0 {
		either = append(either, "("+orgCol+" IN ("+placeholders(len(aud.Customers))+") AND "+tlpCol+" NOT IN (?, ?))")
		for _, c := range aud.Customers {
			args = append(args, c)
		}
		args = append(args, string(vigil.TLPAmberStrict), string(vigil.TLPRed))
	}
	if len(either) == 0 {
		w.add(true, "1 = 0")
		return
	}
	w.add(true, "("+strings.Join(either, " OR ")+")", args...)
}

// orgsOf adds the condition that keeps rows to the organisations aud may see
// (vigil.Audience.SeesOrg); nil or a sector audience adds nothing.
func (w *where) orgsOf(aud *vigil.Audience, orgCol string) {
	if aud == nil || aud.All {
		return
	}
	orgs := aud.Orgs()
	if len(orgs) == 0 {
		w.add(true, "1 = 0")
		return
	}
	args := make([]any, len(orgs))
	for i, o := range orgs {
		args[i] = o
	}
	w.add(true, orgCol+" IN ("+placeholders(len(orgs))+")", args...)
}
