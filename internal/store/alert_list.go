package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// overdueCond is vigil.Alert.IsOverdue in SQL, spelt as the partial indexes of the
// analysts' board are (migration 00014), so that both planners can use them.
var overdueCond = map[vigil.Overdue]string{
	vigil.OverdueAcknowledge: "status = 'open' AND ack_escalated_at IS NOT NULL",
	vigil.OverdueRemediate:   "status <> 'resolved' AND fix_overdue_at IS NOT NULL",
}

// alertOrder is how one vigil.AlertSort runs in SQL: a key column, then the alert id to
// break ties. A page's cursor holds the last alert's key and id, so that the next page
// starts after it whatever was raised or changed before it.
type alertOrder struct {
	col           string // the key's SQL expression
	keyAsc, idAsc bool
	key           func(vigil.Alert) string // the cursor's text of the key
	arg           func(string) (any, bool) // the query argument of a cursor's key text
}

var alertOrders = map[vigil.AlertSort]alertOrder{
	vigil.AlertByLastSeen: {col: "last_seen", key: func(a vigil.Alert) string { return timeKey(a.LastSeen) }, arg: timeArg},
	// Alerts are numbered as they are raised, so raising order is id order: the indexes
	// that lead with org or status and end with id serve it, with no sort of the table.
	vigil.AlertByNewest: {col: "id", key: idKey, arg: idArg},
	vigil.AlertByOldest: {col: "id", keyAsc: true, idAsc: true, key: idKey, arg: idArg},
	vigil.AlertBySeverity: {col: severityRank, key: func(a vigil.Alert) string { return strconv.Itoa(a.Severity.Rank()) },
		arg: func(s string) (any, bool) {
			n, err := strconv.Atoi(s)
			return n, err == nil && n >= 0 && n <= 4
		}},
	vigil.AlertByOrg: {col: "org", keyAsc: true, key: func(a vigil.Alert) string { return a.Org },
		arg: func(s string) (any, bool) { return s, s != "" }},
}

func idKey(a vigil.Alert) string { return strconv.FormatInt(a.ID, 10) }

func idArg(s string) (any, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// orderBy is the ORDER BY clause of o.
func (o alertOrder) orderBy() string {
	return " ORDER BY " + o.col + dir(o.keyAsc) + ", id" + dir(o.idAsc)
}

// after is the condition that keeps rows after (key, id) in o.
func (o alertOrder) after() string {
	return "(" + o.col + cmpOp(o.keyAsc) + " ? OR (" + o.col + " = ? AND id" + cmpOp(o.idAsc) + " ?))"
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

// timeKey and timeArg carry a time through a cursor in the layout the engines compare.
func timeKey(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(timeLayout) }

func timeArg(s string) (any, bool) {
	t, err := time.Parse(timeLayout, s)
	return dbTime(t), err == nil && !t.IsZero()
}

// alertCursor is a decoded alert list cursor: the last alert's key and id; zero for
// the first page.
type alertCursor struct {
	key any
	id  int64
}

// decodeAlertCursor reads a cursor of the list in order sort. A cursor of another order
// is refused in words that say so: it would start the list in the wrong place.
func decodeAlertCursor(sort vigil.AlertSort, o alertOrder, cursor string) (alertCursor, error) {
	raw, err := decodeCursor("alert", cursor)
	if err != nil || raw == "" {
		return alertCursor{}, err
	}
	bad := vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	name, rest, ok := strings.Cut(raw, "|")
	i := strings.LastIndexByte(rest, '|')
	if !ok || i < 0 {
		return alertCursor{}, bad
	}
	if vigil.AlertSort(name) != sort {
		if vigil.AlertSort(name).Check() != nil {
			return alertCursor{}, bad
		}
		return alertCursor{}, vigil.Errorf(vigil.EINVALID, "the page cursor continues the list sorted by %s, not by %s; start again from the first page", name, sort)
	}
	key, ok := o.arg(rest[:i])
	id, err := strconv.ParseInt(rest[i+1:], 10, 64)
	if !ok || err != nil || id <= 0 {
		return alertCursor{}, bad
	}
	return alertCursor{key: key, id: id}, nil
}

// ListAlerts returns the alerts f selects in f.Sort's order, and the cursor of the next
// page ("" on the last page). Pages follow the order's key and the alert id, so alerts
// raised while paging do not shift later pages: nothing is repeated or skipped.
func (s *Store) ListAlerts(ctx context.Context, f vigil.AlertFilter) ([]vigil.Alert, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	order := alertOrders[sort]
	cur, err := decodeAlertCursor(sort, order, f.Cursor)
	if err != nil {
		return nil, "", err
	}
	if f.Overdue != "" && !f.Overdue.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "overdue %q is not one of acknowledge, remediate", f.Overdue)
	}
	var w where
	w.add(cur.id > 0, order.after(), cur.key, cur.key, cur.id)
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.Severity != "", "severity = ?", string(f.Severity))
	w.add(f.Kind != "", "kind = ?", string(f.Kind))
	w.add(!f.Since.IsZero(), "last_seen >= ?", dbTime(f.Since))
	w.add(f.Overdue != "", overdueCond[f.Overdue])
	w.audience(f.Audience, "org", "tlp")
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+alertColumns+` FROM alerts`+w.String()+order.orderBy()+` LIMIT ?`, append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	out := make([]vigil.Alert, 0, min(limit+1, 64))
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list alerts: %w", err)
	}
	out, next := page(out, limit, func(a vigil.Alert) string {
		return string(sort) + "|" + order.key(a) + "|" + strconv.FormatInt(a.ID, 10)
	})
	return out, cursorOf("alert", next), nil
}
