package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vigil-health/vigil"
)

// VulnAlertTally is how many vulnerability alerts of one severity organisations of one
// kind were sent in a period.
type VulnAlertTally struct {
	OrgKind  vigil.OrgKind
	Severity vigil.Severity
	Count    int
}

// ReportVulnAlerts tallies the vulnerability alerts raised at or after from and before
// to by the organisations' kind and the alerts' severity; vulns is how many distinct
// vulnerabilities (alert indicators) they were about.
func (s *Store) ReportVulnAlerts(ctx context.Context, from, to time.Time) (tallies []VulnAlertTally, vulns int, err error) {
	rows, err := s.rdb().query(ctx, `SELECT o.kind, a.severity, count(*) FROM alerts a JOIN orgs o ON o.ods_code = a.org
		WHERE a.kind = ? AND a.created_at >= ? AND a.created_at < ? GROUP BY o.kind, a.severity`,
		string(vigil.AlertVulnerability), dbTime(from), dbTime(to))
	tallies, err = collect(rows, err, "tally vulnerability alerts", func(rows *sql.Rows) (t VulnAlertTally, err error) {
		return t, rows.Scan(&t.OrgKind, &t.Severity, &t.Count)
	})
	if err != nil {
		return nil, 0, err
	}
	err = s.rdb().row(ctx, `SELECT count(DISTINCT indicator) FROM alerts WHERE kind = ? AND created_at >= ? AND created_at < ?`,
		string(vigil.AlertVulnerability), dbTime(from), dbTime(to)).Scan(&vulns)
	return tallies, vulns, err
}

// OrgsSentVulnAlerts tallies, by region and kind, the organisations sent at least one
// vulnerability alert raised at or after from and before to.
func (s *Store) OrgsSentVulnAlerts(ctx context.Context, from, to time.Time) ([]OrgTally, error) {
	rows, err := s.rdb().query(ctx, `SELECT o.region, o.kind, count(*) FROM
		(SELECT DISTINCT org FROM alerts WHERE kind = ? AND created_at >= ? AND created_at < ?) AS t
		JOIN orgs o ON o.ods_code = t.org GROUP BY o.region, o.kind`, string(vigil.AlertVulnerability), dbTime(from), dbTime(to))
	return collect(rows, err, "tally organisations sent vulnerability alerts", scanOrgTally)
}
