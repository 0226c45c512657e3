package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// problemKey is the SQL for what an alert shares with others of the same problem (see
// vigil.AlertGroup): its indicator, or its title when it has none.
const problemKey = `COALESCE(NULLIF(indicator, ''), title)`

// severityRank is the SQL for vigil.Severity.Rank, so that groups can take the highest.
const severityRank = `CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END`

// GroupAlerts returns the alerts f selects grouped by problem (kind and problemKey), the
// groups at the most organisations first, then the most severe, and the cursor of the next
// page. Each group lists its newest alerts, up to vigil.AlertGroupMembers. Pages are
// counted by position: groups that grow while someone pages may shift by one.
func (s *Store) GroupAlerts(ctx context.Context, f vigil.AlertGroupFilter) ([]vigil.AlertGroup, string, error) {
	offset := 0
	if key, err := decodeCursor("alertgroup", f.Cursor); err != nil {
		return nil, "", err
	} else if key != "" {
		if offset, err = strconv.Atoi(key); err != nil || offset < 0 {
			return nil, "", vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
		}
	}
	var w where
	w.add(!f.IncludeResolved, "status <> ?", string(vigil.AlertResolved))
	w.audience(f.Audience, "org", "tlp")
	limit := vigil.PageLimit(f.Limit)
	c := s.rdb()
	rows, err := c.query(ctx, `SELECT kind, `+problemKey+`, MIN(title), MAX(`+severityRank+`), COUNT(DISTINCT org), COUNT(*), MAX(last_seen)
		FROM alerts`+w.String()+` GROUP BY 1, 2 ORDER BY 5 DESC, 4 DESC, 1, 2 LIMIT ? OFFSET ?`, append(w.args, limit+1, offset)...)
	if err != nil {
		return nil, "", fmt.Errorf("group alerts: %w", err)
	}
	var out []vigil.AlertGroup
	for rows.Next() {
		var g vigil.AlertGroup
		var rank int
		if err := rows.Scan(&g.Kind, &g.Problem, &g.Title, &rank, &g.Orgs, &g.Alerts, scanTime(&g.LastSeen)); err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("group alerts: %w", err)
		}
		g.Severity = []vigil.Severity{"", vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityHigh, vigil.SeverityCritical}[rank]
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("group alerts: %w", err)
	}
	next := ""
	if len(out) > limit {
		out, next = out[:limit], cursorOf("alertgroup", strconv.Itoa(offset+limit))
	}
	if err := s.groupMembers(ctx, c, w, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// groupMembers fills each group's Members with its newest alerts that w selects.
func (s *Store) groupMembers(ctx context.Context, c conn, w where, groups []vigil.AlertGroup) error {
	if len(groups) == 0 {
		return nil
	}
	index := make(map[[2]string]*vigil.AlertGroup, len(groups))
	var either []string
	for i := range groups {
		g := &groups[i]
		index[[2]string{string(g.Kind), g.Problem}] = g
		either = append(either, "(kind = ? AND "+problemKey+" = ?)")
		w.args = append(w.args, string(g.Kind), g.Problem)
	}
	w.conds = append(w.conds, "("+strings.Join(either, " OR ")+")")
	rows, err := c.query(ctx, `SELECT rn, problem, `+alertColumns+` FROM (SELECT ROW_NUMBER() OVER (PARTITION BY kind, `+problemKey+` ORDER BY id DESC) AS rn,
		`+problemKey+` AS problem, `+alertColumns+` FROM alerts`+w.String()+`) x WHERE rn <= ? ORDER BY id DESC`,
		append(w.args, vigil.AlertGroupMembers)...)
	if err != nil {
		return fmt.Errorf("group alerts: members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rn int
		var problem string
		a, err := scanAlert(prefixScanner{rows, []any{&rn, &problem}})
		if err != nil {
			return fmt.Errorf("group alerts: members: %w", err)
		}
		if g := index[[2]string{string(a.Kind), problem}]; g != nil {
			g.Members = append(g.Members, a)
		}
	}
	return rows.Err()
}

// CountOpenAlerts counts the unresolved alerts of each organisation aud may see (every
// organisation for nil or a sector audience), in ODS-code order; organisations without
// any are left out.
func (s *Store) CountOpenAlerts(ctx context.Context, aud *vigil.Audience) ([]vigil.OrgAlertCount, error) {
	var w where
	w.add(true, "status <> ?", string(vigil.AlertResolved))
	w.audience(aud, "org", "tlp")
	rows, err := s.rdb().query(ctx, `SELECT org, status, COUNT(*) FROM alerts`+w.String()+` GROUP BY org, status ORDER BY org`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("count open alerts: %w", err)
	}
	defer rows.Close()
	var out []vigil.OrgAlertCount
	for rows.Next() {
		var org string
		var status vigil.AlertStatus
		var n int
		if err := rows.Scan(&org, &status, &n); err != nil {
			return nil, fmt.Errorf("count open alerts: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Org != org {
			out = append(out, vigil.OrgAlertCount{Org: org})
		}
		if status == vigil.AlertOpen {
			out[len(out)-1].Open += n
		} else {
			out[len(out)-1].Acknowledged += n
		}
	}
	return out, rows.Err()
}
