package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

const incidentColumns = `id, org, summary, what_happened, noticed_at, systems, care, personal_data, people, ransom, told,
	contact_name, contact_phone, contact_email, status, category, severity, assignee, tlp, shared_suppliers,
	breach_likelihood, breach_severity, breach_note, breach_by, breach_at, breach_reported_at, report_due_at,
	report_chased_at, reported_by, created_at, updated_at`

// CreateIncident stores a reported incident and returns it with its number and times.
func (s *Store) CreateIncident(ctx context.Context, i vigil.Incident) (vigil.Incident, error) {
	i.CreatedAt = s.now()
	i.UpdatedAt = i.CreatedAt
	systems, _ := json.Marshal(nonNil(i.Systems))
	told, _ := json.Marshal(nonNil(i.Told))
	rows, err := s.wdb().query(ctx, `INSERT INTO incidents (org, summary, what_happened, noticed_at, systems, care,
		personal_data, people, ransom, told, contact_name, contact_phone, contact_email, status, tlp, reported_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		i.Org, i.Summary, i.WhatHappened, dbTime(i.NoticedAt), string(systems), string(i.Care), i.PersonalData, i.People,
		i.Ransom, string(told), i.ContactName, i.ContactPhone, i.ContactEmail, string(i.Status), string(i.TLP),
		i.ReportedBy, dbTime(i.CreatedAt), dbTime(i.UpdatedAt))
	if err == nil {
		i.ID, err = scanOptionalID(rows)
	}
	if isForeignKeyViolation(err) {
		return vigil.Incident{}, vigil.OrgNotFound(i.Org)
	}
	if err != nil {
		return vigil.Incident{}, fmt.Errorf("create incident: %w", err)
	}
	i.NoticedAt = timeOr(i.NoticedAt, time.Time{})
	return i, nil
}

// scanIncident reads one row of incidentColumns.
func scanIncident(sc scanner) (vigil.Incident, error) {
	var i vigil.Incident
	var systems, told string
	var likelihood, severity sql.NullInt64
	var b vigil.BreachAssessment
	err := sc.Scan(&i.ID, &i.Org, &i.Summary, &i.WhatHappened, scanTime(&i.NoticedAt), &systems, &i.Care, &i.PersonalData,
		&i.People, &i.Ransom, &told, &i.ContactName, &i.ContactPhone, &i.ContactEmail, &i.Status, &i.Category, &i.Severity,
		&i.Assignee, &i.TLP, &i.SharedWithSuppliers, &likelihood, &severity, &b.Note, &b.By, scanTime(&b.At),
		scanTime(&b.ReportedAt), scanTime(&i.ReportDueAt), scanTime(&i.ReportChasedAt), &i.ReportedBy,
		scanTime(&i.CreatedAt), scanTime(&i.UpdatedAt))
	if err != nil {
		return i, err
	}
	if likelihood.Valid && severity.Valid {
		b.Likelihood, b.Severity = int(likelihood.Int64), int(severity.Int64)
		i.Breach = &b
	}
	return i, errors.Join(json.Unmarshal([]byte(systems), &i.Systems), json.Unmarshal([]byte(told), &i.Told))
}

// GetIncident returns incident id; inside a transaction on PostgreSQL the row is locked
// until it ends, so that two triages do not overwrite each other. Whether the caller may
// see it is the caller's check.
func (s *Store) GetIncident(ctx context.Context, id int64) (vigil.Incident, error) {
	lock := ""
	if s.tx != nil {
		lock = s.forUpdate()
	}
	i, err := scanIncident(s.rdb().row(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = ?`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Incident{}, IncidentNotFound(id)
	}
	if err != nil {
		return vigil.Incident{}, fmt.Errorf("get incident %d: %w", id, err)
	}
	return i, nil
}

// IncidentNotFound is the answer for an incident that does not exist or that the caller
// may not see: the same words either way.
func IncidentNotFound(id int64) error {
	return vigil.Errorf(vigil.ENOTFOUND, "no incident %d: list yours with GET /api/v1/incidents", id)
}

// UpdateIncident writes what triage, status changes and the breach assessment change.
func (s *Store) UpdateIncident(ctx context.Context, i vigil.Incident) (vigil.Incident, error) {
	i.UpdatedAt = s.now()
	var likelihood, severity, note, by, at, reported any = nil, nil, "", "", nil, nil
	if b := i.Breach; b != nil {
		likelihood, severity, note, by, at, reported = b.Likelihood, b.Severity, b.Note, b.By, dbTime(b.At), dbTime(b.ReportedAt)
	}
	res, err := s.wdb().exec(ctx, `UPDATE incidents SET status = ?, category = ?, severity = ?, assignee = ?, tlp = ?,
		shared_suppliers = ?, breach_likelihood = ?, breach_severity = ?, breach_note = ?, breach_by = ?, breach_at = ?,
		breach_reported_at = ?, report_due_at = ?, updated_at = ? WHERE id = ?`,
		string(i.Status), int(i.Category), string(i.Severity), i.Assignee, string(i.TLP), i.SharedWithSuppliers,
		likelihood, severity, note, by, at, reported, dbTime(i.ReportDueAt), dbTime(i.UpdatedAt), i.ID)
	if err != nil {
		return vigil.Incident{}, fmt.Errorf("update incident %d: %w", i.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vigil.Incident{}, IncidentNotFound(i.ID)
	}
	return i, nil
}

// incidentSorts are the ORDER BY clauses of the incident lists.
var incidentSorts = map[string]string{
	"":         "id DESC",
	"newest":   "id DESC",
	"oldest":   "id",
	"category": "CASE WHEN category = 0 THEN 9 ELSE category END, id DESC",
	"status":   "CASE status WHEN 'new' THEN 0 WHEN 'triaged' THEN 1 WHEN 'contained' THEN 2 WHEN 'recovered' THEN 3 ELSE 4 END, id DESC",
}

// ListIncidents returns a page of the incidents f selects, kept to f.Audience in the
// query, and the cursor of the next page. Incidents are few (tens a month), so a page
// continues from an offset.
func (s *Store) ListIncidents(ctx context.Context, f vigil.IncidentFilter) ([]vigil.Incident, string, error) {
	order, ok := incidentSorts[f.Sort]
	if !ok {
		return nil, "", vigil.Errorf(vigil.EINVALID, "sort %q is not one of %s", f.Sort, strings.Join(vigil.IncidentSorts, ", "))
	}
	key, err := decodeCursor("incident-"+f.Sort, f.Cursor)
	offset, _ := strconv.Atoi(key)
	if err != nil || offset < 0 {
		return nil, "", vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	}
	var w where
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Status != "", "status = ?", string(f.Status))
	w.add(f.Category != 0, "category = ?", int(f.Category))
	w.add(f.Assignee != "", "assignee = ?", f.Assignee)
	w.add(f.Open, "status <> ?", string(vigil.IncidentClosed))
	w.incidentAudience(f.Audience)
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+incidentColumns+` FROM incidents`+w.String()+` ORDER BY `+order+
		` LIMIT ? OFFSET ?`, append(w.args, limit+1, offset)...)
	if err != nil {
		return nil, "", fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []vigil.Incident
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list incidents: %w", err)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list incidents: %w", err)
	}
	if len(out) <= limit {
		return out, "", nil
	}
	return out[:limit], encodeCursor("incident-"+f.Sort, strconv.Itoa(offset+limit)), nil
}

// incidentAudience keeps incidents to what aud may see (vigil.Audience.SeesIncident):
// its own organisation's (not RED for a member who is not named), and a supplier its
// customers' that an analyst shared with suppliers and that are not marked
// AMBER+STRICT or RED.
func (w *where) incidentAudience(aud *vigil.Audience) {
	if aud == nil || aud.All {
		return
	}
	shared := *aud
	shared.Customers = nil
	var sub where
	sub.audience(&shared, "org", "tlp")
	cond, args := strings.TrimPrefix(sub.String(), " WHERE "), sub.args
	if len(aud.Customers) > 0 {
		var cust where
		cust.audience(&vigil.Audience{Customers: aud.Customers}, "org", "tlp")
		cond = "(" + cond + " OR (shared_suppliers = ? AND " + strings.TrimPrefix(cust.String(), " WHERE ") + "))"
		args = append(append(args, true), cust.args...)
	}
	w.add(true, cond, args...)
}

// ReportMissedIncidents returns up to limit incidents whose reportable breach passed its
// deadline by now without being reported or chased.
func (s *Store) ReportMissedIncidents(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return queryList(ctx, s, "incidents past their report deadline", `SELECT id FROM incidents WHERE report_due_at IS NOT NULL
		AND report_due_at < ? AND report_chased_at IS NULL AND breach_reported_at IS NULL ORDER BY report_due_at LIMIT ?`,
		[]any{dbTime(now), limit}, func(sc scanner) (int64, error) {
			var id int64
			err := sc.Scan(&id)
			return id, err
		})
}

// MarkIncidentChased records that incident id's missed deadline was chased, unless it
// was chased or reported meanwhile: changed is false then, so that of two servers
// chasing at once only one acts.
func (s *Store) MarkIncidentChased(ctx context.Context, id int64, now time.Time) (inc vigil.Incident, changed bool, err error) {
	res, err := s.wdb().exec(ctx, `UPDATE incidents SET report_chased_at = ? WHERE id = ? AND report_chased_at IS NULL
		AND breach_reported_at IS NULL AND report_due_at IS NOT NULL AND report_due_at < ?`, dbTime(now), id, dbTime(now))
	if err != nil {
		return vigil.Incident{}, false, fmt.Errorf("chase incident %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vigil.Incident{}, false, nil
	}
	inc, err = s.GetIncident(ctx, id)
	return inc, err == nil, err
}
