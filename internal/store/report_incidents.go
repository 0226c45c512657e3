package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vigil-health/vigil"
)

// IncidentTally is how many incidents reported in a period share an organisation
// kind and region, an NCSC category, whether they are closed now, and a breach
// assessment's grid scores.
type IncidentTally struct {
	// OrgKind and Region describe the organisations the incidents happened to.
	OrgKind vigil.OrgKind
	Region  string
	// Category is the NCSC category; 0 while not yet categorised.
	Category vigil.NCSCCategory
	// Closed is true for incidents closed by the time of asking.
	Closed bool
	// Likelihood and Severity are the breach assessment's scores; 0 when none was made.
	// They come back as scores, not as "reportable", so that the rule stays in
	// vigil.BreachAssessment.
	Likelihood, Severity int
	// Count is how many incidents.
	Count int
}

// ReportIncidents tallies the incidents reported at or after from and before to.
func (s *Store) ReportIncidents(ctx context.Context, from, to time.Time) ([]IncidentTally, error) {
	// Tally by organisation first, then join the few tallies to their organisations.
	rows, err := s.rdb().query(ctx, `SELECT o.kind, o.region, t.category, t.closed, t.l, t.s, sum(t.n) FROM
		(SELECT org, category, CASE WHEN status = 'closed' THEN 1 ELSE 0 END AS closed,
			COALESCE(breach_likelihood, 0) AS l, COALESCE(breach_severity, 0) AS s, count(*) AS n
		 FROM incidents WHERE created_at >= ? AND created_at < ?
		 GROUP BY org, category, CASE WHEN status = 'closed' THEN 1 ELSE 0 END,
			COALESCE(breach_likelihood, 0), COALESCE(breach_severity, 0)) AS t
		JOIN orgs o ON o.ods_code = t.org GROUP BY o.kind, o.region, t.category, t.closed, t.l, t.s`,
		dbTime(from), dbTime(to))
	return collect(rows, err, "tally incidents for the report", func(rows *sql.Rows) (t IncidentTally, err error) {
		var closed int
		err = rows.Scan(&t.OrgKind, &t.Region, &t.Category, &closed, &t.Likelihood, &t.Severity, &t.Count)
		t.Closed = closed == 1
		return t, err
	})
}

// PostureTally is how many organisations of one kind stood at one status on one
// framework.
type PostureTally struct {
	// Framework is the framework's id.
	Framework string
	// Status is the organisations' latest status on it.
	Status vigil.PostureStatus
	// OrgKind is the organisations' kind.
	OrgKind vigil.OrgKind
	// Count is how many organisations.
	Count int
}

// ReportPosture tallies, per framework, organisations by kind and the status of their
// latest score taken before to: each organisation counts once per framework it has
// scored on.
func (s *Store) ReportPosture(ctx context.Context, to time.Time) ([]PostureTally, error) {
	rows, err := s.rdb().query(ctx, `SELECT p.framework, p.status, o.kind, count(*) FROM posture_scores p
		JOIN orgs o ON o.ods_code = p.org
		WHERE p.id = (SELECT q.id FROM posture_scores q WHERE q.org = p.org AND q.framework = p.framework
			AND q.at < ? ORDER BY q.at DESC, q.id DESC LIMIT 1)
		GROUP BY p.framework, p.status, o.kind`, dbTime(to))
	return collect(rows, err, "tally posture for the report", func(rows *sql.Rows) (t PostureTally, err error) {
		return t, rows.Scan(&t.Framework, &t.Status, &t.OrgKind, &t.Count)
	})
}
