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

// ListAlerts returns the alerts f selects, newest first, and the cursor of the next page
// ("" on the last page). Pages follow the alert id, so alerts raised while paging do not
// shift later pages: nothing is repeated or skipped.
func (s *Store) ListAlerts(ctx context.Context, f vigil.AlertFilter) ([]vigil.Alert, string, error) {
	before, err := decodeIDCursor("alert", f.Cursor)
	if err != nil {
		return nil, "", err
	}
	if f.Overdue != "" && !f.Overdue.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "overdue %q is not one of acknowledge, remediate", f.Overdue)
	}
	var w where
	w.add(before > 0, "id < ?", before)
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.Severity != "", "severity = ?", string(f.Severity))
	w.add(f.Kind != "", "kind = ?", string(f.Kind))
	w.add(!f.Since.IsZero(), "last_seen >= ?", dbTime(f.Since))
	w.add(f.Overdue != "", overdueCond[f.Overdue])
	w.audience(f.Audience, "org", "tlp")
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+alertColumns+` FROM alerts`+w.String()+` ORDER BY id DESC LIMIT ?`, append(w.args, limit+1)...)
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
	out, next := page(out, limit, func(a vigil.Alert) string { return strconv.FormatInt(a.ID, 10) })
	return out, cursorOf("alert", next), nil
}
