package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigil-health/vigil"
)

// maxIncidentParts bounds the entries, links and files one read returns: an incident
// has tens of each, and a runaway script cannot make a page unreadable.
const maxIncidentParts = 2000

// AddIncidentEntry writes an entry of an incident's timeline; call it on the transaction
// of the change it records.
func (s *Store) AddIncidentEntry(ctx context.Context, e vigil.IncidentEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	_, err := s.wdb().exec(ctx, `INSERT INTO incident_entries (incident_id, at, kind, actor, note) VALUES (?, ?, ?, ?, ?)`,
		e.Incident, dbTime(e.At), string(e.Kind), e.By, e.Note)
	if err != nil {
		return fmt.Errorf("timeline of incident %d: %w", e.Incident, err)
	}
	return nil
}

// IncidentEntries returns incident id's timeline, oldest first.
func (s *Store) IncidentEntries(ctx context.Context, id int64) ([]vigil.IncidentEntry, error) {
	return queryList(ctx, s, "timeline of incident", `SELECT id, incident_id, at, kind, actor, note FROM incident_entries
		WHERE incident_id = ? ORDER BY id LIMIT ?`, []any{id, maxIncidentParts}, func(sc scanner) (vigil.IncidentEntry, error) {
		var e vigil.IncidentEntry
		err := sc.Scan(&e.ID, &e.Incident, scanTime(&e.At), &e.Kind, &e.By, &e.Note)
		return e, err
	})
}

// AddIncidentLink links an incident to an alert, indicator or organisation; linking the
// same thing twice is a conflict.
func (s *Store) AddIncidentLink(ctx context.Context, l vigil.IncidentLink) (vigil.IncidentLink, error) {
	l.AddedAt = s.now()
	rows, err := s.wdb().query(ctx, `INSERT INTO incident_links (incident_id, kind, ref, tlp, note, added_by, added_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, kind, ref) DO NOTHING RETURNING id`,
		l.Incident, string(l.Kind), l.Ref, string(l.TLP), l.Note, l.AddedBy, dbTime(l.AddedAt))
	if err == nil {
		l.ID, err = scanOptionalID(rows)
	}
	if err != nil {
		return vigil.IncidentLink{}, fmt.Errorf("link incident %d: %w", l.Incident, err)
	}
	if l.ID == 0 {
		return vigil.IncidentLink{}, vigil.Errorf(vigil.ECONFLICT, "incident %d is already linked to %s %s", l.Incident, l.Kind, l.Ref)
	}
	return l, nil
}

// IncidentLinks returns incident id's links, oldest first.
func (s *Store) IncidentLinks(ctx context.Context, id int64) ([]vigil.IncidentLink, error) {
	return queryList(ctx, s, "links of incident", `SELECT id, incident_id, kind, ref, tlp, note, added_by, added_at
		FROM incident_links WHERE incident_id = ? ORDER BY id LIMIT ?`, []any{id, maxIncidentParts}, func(sc scanner) (vigil.IncidentLink, error) {
		var l vigil.IncidentLink
		err := sc.Scan(&l.ID, &l.Incident, &l.Kind, &l.Ref, &l.TLP, &l.Note, &l.AddedBy, scanTime(&l.AddedAt))
		return l, err
	})
}

// AddEvidence stores a file of an incident with its metadata.
func (s *Store) AddEvidence(ctx context.Context, e vigil.Evidence, content []byte) (vigil.Evidence, error) {
	e.UploadedAt = s.now()
	rows, err := s.wdb().query(ctx, `INSERT INTO incident_evidence (incident_id, name, content_type, size, sha256, content,
		added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.Incident, e.Name, e.ContentType, e.Size,
		e.SHA256, content, e.UploadedBy, dbTime(e.UploadedAt))
	if err == nil {
		e.ID, err = scanOptionalID(rows)
	}
	if err != nil {
		return vigil.Evidence{}, fmt.Errorf("evidence of incident %d: %w", e.Incident, err)
	}
	return e, nil
}

const evidenceColumns = `id, incident_id, name, content_type, size, sha256, added_by, added_at`

func scanEvidence(sc scanner, extra ...any) (vigil.Evidence, error) {
	var e vigil.Evidence
	err := sc.Scan(append([]any{&e.ID, &e.Incident, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.UploadedBy,
		scanTime(&e.UploadedAt)}, extra...)...)
	return e, err
}

// IncidentEvidence lists incident id's files, without their content, oldest first.
func (s *Store) IncidentEvidence(ctx context.Context, id int64) ([]vigil.Evidence, error) {
	return queryList(ctx, s, "evidence of incident", `SELECT `+evidenceColumns+` FROM incident_evidence
		WHERE incident_id = ? ORDER BY id LIMIT ?`, []any{id, maxIncidentParts}, func(sc scanner) (vigil.Evidence, error) {
		return scanEvidence(sc)
	})
}

// GetEvidence returns one file of incident incident with its content.
func (s *Store) GetEvidence(ctx context.Context, incident, id int64) (vigil.Evidence, []byte, error) {
	var content []byte
	e, err := scanEvidence(s.rdb().row(ctx, `SELECT `+evidenceColumns+`, content FROM incident_evidence
		WHERE incident_id = ? AND id = ?`, incident, id), &content)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Evidence{}, nil, vigil.Errorf(vigil.ENOTFOUND, "incident %d has no file %d", incident, id)
	}
	if err != nil {
		return vigil.Evidence{}, nil, fmt.Errorf("evidence %d of incident %d: %w", id, incident, err)
	}
	return e, content, nil
}

// queryList runs a query and scans each row with scan; what names the list in errors.
func queryList[T any](ctx context.Context, s *Store, what, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := s.rdb().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// queryOne scans the one row query finds with scan: notFound is the answer when there
// is none, and what names the row in any other error.
func queryOne[T any](ctx context.Context, s *Store, what string, notFound error, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(s.rdb().row(ctx, query, args...))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return v, notFound
	case err != nil:
		return v, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}
