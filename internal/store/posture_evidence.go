package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// SetEvidenceFile keeps data as the evidence file of an item, replacing any earlier one,
// and returns f as stored (with its upload time); an item not answered yet gets an empty
// answer to hold it.
func (s *Store) SetEvidenceFile(ctx context.Context, org, framework, item string, f vigil.EvidenceFile, data []byte) (vigil.EvidenceFile, error) {
	f.UploadedAt = s.now().UTC().Truncate(time.Microsecond) // as dbTime stores it
	_, err := s.wdb().exec(ctx, `INSERT INTO posture_answers (org, framework, item, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org, framework, item) DO NOTHING`, org, framework, item, f.UploadedBy, dbTime(f.UploadedAt))
	if err == nil {
		_, err = s.wdb().exec(ctx, `INSERT INTO posture_evidence (org, framework, item, name, content_type, size, sha256, data, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (org, framework, item) DO UPDATE SET name = excluded.name, content_type = excluded.content_type,
				size = excluded.size, sha256 = excluded.sha256, data = excluded.data, uploaded_by = excluded.uploaded_by,
				uploaded_at = excluded.uploaded_at`,
			org, framework, item, f.Name, f.ContentType, f.Size, f.SHA256, data, f.UploadedBy, dbTime(f.UploadedAt))
	}
	if isForeignKeyViolation(err) {
		return f, vigil.OrgNotFound(org)
	}
	if err != nil {
		return f, fmt.Errorf("set evidence file: %w", err)
	}
	return f, nil
}

// EvidenceFile returns an item's evidence file and its bytes.
func (s *Store) EvidenceFile(ctx context.Context, org, framework, item string) (vigil.EvidenceFile, []byte, error) {
	var f vigil.EvidenceFile
	var data []byte
	err := s.rdb().row(ctx, `SELECT name, content_type, size, sha256, data, uploaded_by, uploaded_at FROM posture_evidence
		WHERE org = ? AND framework = ? AND item = ?`, org, framework, item).
		Scan(&f.Name, &f.ContentType, &f.Size, &f.SHA256, &data, &f.UploadedBy, scanTime(&f.UploadedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil, vigil.Errorf(vigil.ENOTFOUND, "no evidence file is kept for item %s", item)
	}
	if err != nil {
		return f, nil, fmt.Errorf("evidence file: %w", err)
	}
	return f, data, nil
}
