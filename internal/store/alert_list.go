package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// overdueCond is vigil.Alert.IsOverdue in SQL, spelt as the partial indexes of the
// analysts' board are (migration 00014), so that both planners can use them.
var overdueCond = map[vigil.Overdue]string{
	vigil.OverdueAcknowledge: "status = 'open' AND ack_escalated_at IS NOT NULL",
	vigil.OverdueRemediate:   "status <> 'resolved' AND fix_overdue_at IS NOT NULL",
}

// alertOrders are the orders of the alert list (vigil.AlertSort).
var alertOrders = sortedList[vigil.AlertSort, vigil.Alert]{kind: "alert", tie: "id", tieKey: alertID, tieArg: idArg,
	orders: map[vigil.AlertSort]keyOrder[vigil.Alert]{
		vigil.AlertByLastSeen: {col: "last_seen", key: func(a vigil.Alert) string { return timeKey(a.LastSeen) }, arg: timeArg},
		// Alerts are numbered as they are raised, so raising order is id order: the indexes
		// that lead with org or status and end with id serve it, with no sort of the table.
		vigil.AlertByNewest: {col: "id", key: alertID, arg: idArg},
		vigil.AlertByOldest: {col: "id", keyAsc: true, tieAsc: true, key: alertID, arg: idArg},
		vigil.AlertBySeverity: {col: severityRank, key: func(a vigil.Alert) string { return strconv.Itoa(a.Severity.Rank()) },
			arg: func(s string) (any, bool) {
				n, err := strconv.Atoi(s)
				return n, err == nil && n >= 0 && n <= 4
			}},
		vigil.AlertByOrg: {col: "org", keyAsc: true, key: func(a vigil.Alert) string { return a.Org },
			arg: func(s string) (any, bool) { return s, s != "" }},
	}}

func alertID(a vigil.Alert) string { return idText(a.ID) }

// ListAlerts returns the alerts f selects in f.Sort's order, and the cursor of the next
// page ("" on the last page). Pages follow the order's key and the alert id, so alerts
// raised while paging do not shift later pages: nothing is repeated or skipped.
func (s *Store) ListAlerts(ctx context.Context, f vigil.AlertFilter) ([]vigil.Alert, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	if f.Overdue != "" && !f.Overdue.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "overdue %q is not one of acknowledge, remediate", f.Overdue)
	}
	var w where
	if err := alertOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.Severity != "", "severity = ?", string(f.Severity))
	w.add(f.Kind != "", "kind = ?", string(f.Kind))
	w.add(!f.Since.IsZero(), "last_seen >= ?", dbTime(f.Since))
	w.add(f.Overdue != "", overdueCond[f.Overdue])
	w.audience(f.Audience, "org", "tlp")
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+alertColumns+` FROM alerts`+w.String()+alertOrders.orderBy(sort)+` LIMIT ?`, append(w.args, limit+1)...)
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
	out, next := alertOrders.page(sort, out, limit)
	return out, next, nil
}
