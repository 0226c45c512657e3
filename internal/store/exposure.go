package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// exposureColumns reads a finding with its alert's status, whether the alert missed
// a deadline (vigil.Alert.Overdue's rule, in SQL) and, for a closed finding, the VEX
// statement that closed it (a check writes the two in one transaction).
const exposureColumns = `f.org, f.vuln, f.aliases, f.summary, f.severity, f.score, f.kev, f.kev_due, f.epss, f.advice,
	f.components, COALESCE(f.alert_id, 0), COALESCE(a.status, ''),
	CASE WHEN (a.status = 'open' AND a.ack_escalated_at IS NOT NULL)
		OR (a.status <> 'resolved' AND a.fix_overdue_at IS NOT NULL) THEN 1 ELSE 0 END,
	f.first_found, f.checked_at, f.fixed_at,
	COALESCE(x.status, ''), COALESCE(x.justification, ''), COALESCE(x.reason, ''), x.decided_at
	FROM vuln_findings f LEFT JOIN alerts a ON a.id = f.alert_id
	LEFT JOIN vex_suppressions x ON x.org = f.org AND x.vuln = f.vuln AND f.fixed_at IS NOT NULL`

func scanExposure(sc scanner) (vigil.Exposure, error) {
	var e vigil.Exposure
	var aliases, advice, comps, status string
	var epss sql.NullFloat64
	var overdue int
	var x vigil.VEXSuppression
	err := sc.Scan(&e.Org, &e.Vuln, &aliases, &e.Summary, &e.Severity, &e.Score, &e.KEV, &e.KEVDueDate, &epss, &advice,
		&comps, &e.AlertID, &status, &overdue, scanTime(&e.FirstFound), scanTime(&e.CheckedAt), scanTime(&e.FixedAt),
		&x.Status, &x.Justification, &x.Reason, scanTime(&x.DecidedAt))
	if err != nil {
		return e, err
	}
	if x.Status != "" {
		x.Org, x.Vuln = e.Org, e.Vuln
		e.VEX = &x
	}
	e.EPSS = -1
	if epss.Valid {
		e.EPSS = epss.Float64
	}
	e.AlertStatus, e.Overdue = vigil.AlertStatus(status), overdue == 1
	for _, part := range []struct {
		raw string
		dst any
	}{{aliases, &e.Aliases}, {advice, &e.Advice}, {comps, &e.Components}} {
		if err := json.Unmarshal([]byte(part.raw), part.dst); err != nil {
			return e, fmt.Errorf("finding %s of %s: %w", e.Vuln, e.Org, err)
		}
	}
	return e, nil
}

func (s *Store) exposures(ctx context.Context, c conn, cond string, args ...any) ([]vigil.Exposure, error) {
	rows, err := c.query(ctx, `SELECT `+exposureColumns+` WHERE `+cond+` ORDER BY f.org, f.vuln`, args...)
	if err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	defer rows.Close()
	var out []vigil.Exposure
	for rows.Next() {
		e, err := scanExposure(rows)
		if err != nil {
			return nil, fmt.Errorf("read findings: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OrgExposures returns every finding of organisation org, fixed ones included, by ID.
func (s *Store) OrgExposures(ctx context.Context, org string) ([]vigil.Exposure, error) {
	return s.exposures(ctx, s.rdb(), `f.org = ?`, org)
}

// VulnExposures returns the findings of one vulnerability (its root ID), at every
// organisation or, when org is set, at that one only.
func (s *Store) VulnExposures(ctx context.Context, vuln, org string) ([]vigil.Exposure, error) {
	return s.exposures(ctx, s.rdb(), `f.vuln = ? AND (? = '' OR f.org = ?)`, vuln, org, org)
}

// CustomerExposures returns the findings, fixed ones included, of every organisation
// supplier serves (its supplier links), by organisation and ID: what a supplier's view of
// its customers' vulnerabilities is made from.
func (s *Store) CustomerExposures(ctx context.Context, supplier string) ([]vigil.Exposure, error) {
	return s.exposures(ctx, s.rdb(), `f.org IN (SELECT customer FROM supplier_links WHERE supplier = ?)`, supplier)
}

// PutExposure writes a finding, replacing the one of the same organisation and
// vulnerability.
func (s *Store) PutExposure(ctx context.Context, e vigil.Exposure) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO vuln_findings (org, vuln, aliases, summary, severity, score, kev, kev_due, epss,
		advice, components, alert_id, first_found, checked_at, fixed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, vuln) DO UPDATE SET aliases = excluded.aliases, summary = excluded.summary,
		severity = excluded.severity, score = excluded.score, kev = excluded.kev, kev_due = excluded.kev_due,
		epss = excluded.epss, advice = excluded.advice, components = excluded.components, alert_id = excluded.alert_id,
		first_found = excluded.first_found, checked_at = excluded.checked_at, fixed_at = excluded.fixed_at`,
		exposureArgs(e)...)
	if err != nil {
		return fmt.Errorf("write finding %s of %s: %w", e.Vuln, e.Org, err)
	}
	return nil
}

// TouchExposures records that a check at `at` found organisation org's open findings
// again, for those it did not rewrite.
func (s *Store) TouchExposures(ctx context.Context, org string, at time.Time) error {
	_, err := s.wdb().exec(ctx, `UPDATE vuln_findings SET checked_at = ? WHERE org = ? AND fixed_at IS NULL AND checked_at < ?`,
		dbTime(at), org, dbTime(at))
	if err != nil {
		return fmt.Errorf("touch findings of %s: %w", org, err)
	}
	return nil
}

// OrgsWithOpenExposures lists the organisations with a finding not yet fixed, by ODS
// code: those whose alerts change when the KEV catalogue or the EPSS scores do.
func (s *Store) OrgsWithOpenExposures(ctx context.Context) ([]string, error) {
	rows, err := s.rdb().query(ctx, `SELECT DISTINCT org FROM vuln_findings WHERE fixed_at IS NULL ORDER BY org`)
	if err != nil {
		return nil, fmt.Errorf("organisations with findings: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, fmt.Errorf("organisations with findings: %w", err)
		}
		out = append(out, org)
	}
	return out, rows.Err()
}

// VulnBoard returns one line per vulnerability found at any organisation (or, when org
// is set, at that one), in no set order: the caller sorts it (vigil.VulnSort).
func (s *Store) VulnBoard(ctx context.Context, org string) ([]vigil.VulnSummary, error) {
	all, err := s.exposures(ctx, s.rdb(), `? = '' OR f.org = ?`, org, org)
	if err != nil {
		return nil, err
	}
	byID := map[string]*vigil.VulnSummary{}
	var out []*vigil.VulnSummary
	for _, e := range all {
		v, ok := byID[e.Vuln]
		if !ok {
			v = &vigil.VulnSummary{ID: e.Vuln, EPSS: -1, FirstFound: e.FirstFound}
			byID[e.Vuln] = v
			out = append(out, v)
		}
		addToBoard(v, e)
	}
	list := make([]vigil.VulnSummary, len(out))
	for i, v := range out {
		list[i] = *v
	}
	return list, nil
}

// addToBoard counts finding e into its vulnerability's line, which shows the most
// urgent of the organisations' findings.
func addToBoard(v *vigil.VulnSummary, e vigil.Exposure) {
	if e.Severity.Rank() > v.Severity.Rank() || e.Score > v.Score || v.Summary == "" {
		v.Severity, v.Score, v.Summary, v.Aliases = e.Severity, e.Score, e.Summary, e.Aliases
	}
	if e.KEV {
		v.KEV, v.KEVDueDate = true, e.KEVDueDate
	}
	v.EPSS = max(v.EPSS, e.EPSS)
	if e.FirstFound.Before(v.FirstFound) {
		v.FirstFound = e.FirstFound
	}
	if e.VEX != nil {
		v.Suppressed++
		return
	}
	if !e.FixedAt.IsZero() {
		v.Fixed++
		return
	}
	v.Orgs++
	if e.AlertStatus == vigil.AlertAcknowledged {
		v.Acknowledged++
	}
	if e.Overdue {
		v.Overdue++
	}
}

// PutAttestation records a supplier's attestation, replacing an earlier one of the same
// supplier and vulnerability (and any analyst's decision to apply it).
func (s *Store) PutAttestation(ctx context.Context, a vigil.Attestation) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO vuln_attestations (supplier, vuln, fixed_version, note, attested_by, attested_at,
		applied_by, applied_at, applied_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (supplier, vuln) DO UPDATE SET
		fixed_version = excluded.fixed_version, note = excluded.note, attested_by = excluded.attested_by,
		attested_at = excluded.attested_at, applied_by = excluded.applied_by, applied_at = excluded.applied_at,
		applied_note = excluded.applied_note`,
		a.Supplier, a.Vuln, a.FixedVersion, a.Note, a.AttestedBy, dbTime(a.AttestedAt), a.AppliedBy, dbTime(a.AppliedAt), a.AppliedNote)
	if err != nil {
		return fmt.Errorf("write attestation of %s for %s: %w", a.Supplier, a.Vuln, err)
	}
	return nil
}

// Attestations returns the attestations about vulnerability vuln, by supplier.
func (s *Store) Attestations(ctx context.Context, vuln string) ([]vigil.Attestation, error) {
	rows, err := s.rdb().query(ctx, `SELECT supplier, vuln, fixed_version, note, attested_by, attested_at, applied_by, applied_at,
		applied_note FROM vuln_attestations WHERE vuln = ? ORDER BY supplier`, vuln)
	if err != nil {
		return nil, fmt.Errorf("attestations of %s: %w", vuln, err)
	}
	defer rows.Close()
	var out []vigil.Attestation
	for rows.Next() {
		var a vigil.Attestation
		if err := rows.Scan(&a.Supplier, &a.Vuln, &a.FixedVersion, &a.Note, &a.AttestedBy, scanTime(&a.AttestedAt),
			&a.AppliedBy, scanTime(&a.AppliedAt), &a.AppliedNote); err != nil {
			return nil, fmt.Errorf("attestations of %s: %w", vuln, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
