package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// PostureAnswers returns an organisation's answers to one framework, by item.
func (s *Store) PostureAnswers(ctx context.Context, org, framework string) ([]vigil.PostureAnswer, error) {
	rows, err := s.rdb().query(ctx, `SELECT `+answerColumns+`, e.name, e.content_type, e.size, e.sha256, e.uploaded_by, e.uploaded_at
		FROM posture_answers a LEFT JOIN posture_evidence e USING (org, framework, item)
		WHERE a.org = ? AND a.framework = ? ORDER BY a.item`, org, framework)
	if err != nil {
		return nil, fmt.Errorf("posture answers of %s: %w", org, err)
	}
	return scanAnswerRows(rows, true)
}

const answerColumns = `org, framework, item, grade, evidence, owner, review_date, updated_by, updated_at`

func scanAnswers(rows *sql.Rows) ([]vigil.PostureAnswer, error) {
	return scanAnswerRows(rows, false)
}

// scanAnswerRows reads answers, with their evidence file's columns after them when
// withFile says so.
func scanAnswerRows(rows *sql.Rows, withFile bool) ([]vigil.PostureAnswer, error) {
	defer rows.Close()
	var out []vigil.PostureAnswer
	for rows.Next() {
		var a vigil.PostureAnswer
		var f vigil.EvidenceFile
		var name, kind, sum, by sql.NullString
		var size sql.NullInt64
		dest := []any{&a.Org, &a.Framework, &a.Item, &a.Grade, &a.Evidence, &a.Owner, scanTime(&a.ReviewDate),
			&a.UpdatedBy, scanTime(&a.UpdatedAt)}
		if withFile {
			dest = append(dest, &name, &kind, &size, &sum, &by, scanTime(&f.UploadedAt))
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan posture answer: %w", err)
		}
		if name.Valid {
			f.Name, f.ContentType, f.Size, f.SHA256, f.UploadedBy = name.String, kind.String, size.Int64, sum.String, by.String
			a.File = &f
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetPostureAnswer records an answer, replacing the item's last one. A changed review
// date is reminded afresh when it passes.
func (s *Store) SetPostureAnswer(ctx context.Context, a vigil.PostureAnswer) error {
	a.UpdatedAt = s.now()
	_, err := s.wdb().exec(ctx, `INSERT INTO posture_answers (org, framework, item, grade, evidence, owner, review_date, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, framework, item) DO UPDATE SET grade = excluded.grade, evidence = excluded.evidence,
			owner = excluded.owner, review_date = excluded.review_date, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at,
			reminded_for = CASE WHEN posture_answers.review_date = excluded.review_date THEN posture_answers.reminded_for END`,
		a.Org, a.Framework, a.Item, string(a.Grade), a.Evidence, a.Owner, dbTime(a.ReviewDate), a.UpdatedBy, dbTime(a.UpdatedAt))
	if isForeignKeyViolation(err) {
		return vigil.OrgNotFound(a.Org)
	}
	if err != nil {
		return fmt.Errorf("set posture answer: %w", err)
	}
	return nil
}

// AddPostureScore records a score in the organisation's history.
func (s *Store) AddPostureScore(ctx context.Context, org string, sc vigil.PostureScore) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO posture_scores (org, framework, version, percent, status, met, planned, open, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, org, sc.Framework, sc.Version, sc.Percent, string(sc.Status),
		sc.Met, sc.Planned, sc.Open, dbTime(timeOr(sc.At, s.now())))
	if err != nil {
		return fmt.Errorf("add posture score: %w", err)
	}
	return nil
}

// PostureScores returns an organisation's scores on a framework, newest first, at most
// limit of them.
func (s *Store) PostureScores(ctx context.Context, org, framework string, limit int) ([]vigil.PostureScore, error) {
	rows, err := s.rdb().query(ctx, `SELECT framework, version, percent, status, met, planned, open, at FROM posture_scores
		WHERE org = ? AND framework = ? ORDER BY at DESC, id DESC LIMIT ?`, org, framework, vigil.PageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("posture scores of %s: %w", org, err)
	}
	defer rows.Close()
	var out []vigil.PostureScore
	for rows.Next() {
		var sc vigil.PostureScore
		if err := rows.Scan(&sc.Framework, &sc.Version, &sc.Percent, &sc.Status, &sc.Met, &sc.Planned, &sc.Open, scanTime(&sc.At)); err != nil {
			return nil, fmt.Errorf("scan posture score: %w", err)
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// ReviewsDue returns answers whose review date is before today and has not been
// reminded yet, oldest first, at most limit.
func (s *Store) ReviewsDue(ctx context.Context, today time.Time, limit int) ([]vigil.PostureAnswer, error) {
	rows, err := s.rdb().query(ctx, `SELECT `+answerColumns+` FROM posture_answers
		WHERE review_date IS NOT NULL AND review_date < ? AND (reminded_for IS NULL OR reminded_for <> review_date)
		ORDER BY review_date, org, framework, item LIMIT ?`, dbTime(today), limit)
	if err != nil {
		return nil, fmt.Errorf("posture reviews due: %w", err)
	}
	return scanAnswers(rows)
}

// MarkReminded records that the reminder for an answer's review date went out; false
// when the answer changed or was reminded meanwhile (another server got there first).
func (s *Store) MarkReminded(ctx context.Context, a vigil.PostureAnswer) (bool, error) {
	res, err := s.wdb().exec(ctx, `UPDATE posture_answers SET reminded_for = review_date
		WHERE org = ? AND framework = ? AND item = ? AND review_date = ? AND (reminded_for IS NULL OR reminded_for <> review_date)`,
		a.Org, a.Framework, a.Item, dbTime(a.ReviewDate))
	if err != nil {
		return false, fmt.Errorf("mark posture review reminded: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OverdueCriticalAlerts counts an organisation's critical alerts that are past a
// deadline: escalated while still open, or unresolved past their remediation deadline.
func (s *Store) OverdueCriticalAlerts(ctx context.Context, org string) (int, error) {
	var n int
	err := s.rdb().row(ctx, `SELECT COUNT(*) FROM alerts WHERE org = ? AND severity = ? AND status <> 'resolved'
		AND ((status = 'open' AND ack_escalated_at IS NOT NULL) OR fix_overdue_at IS NOT NULL)`,
		org, string(vigil.SeverityCritical)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("overdue critical alerts of %s: %w", org, err)
	}
	return n, nil
}
