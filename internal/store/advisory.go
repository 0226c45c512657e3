package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// ScopeAdvisories counts changes to the advisory data (OSV records, KEV, EPSS): every
// server rebuilds its vulnerability matcher when it rises.
const ScopeAdvisories = "advisories"

const advisorySourceColumns = `id, name, kind, url, path, schedule_seconds, enabled, state, status, last_error, counts,
	last_pull_at, last_success_at, created_at`

func scanAdvisorySource(sc scanner) (vigil.AdvisorySource, error) {
	var a vigil.AdvisorySource
	var secs int64
	var state, counts string
	err := sc.Scan(&a.ID, &a.Name, &a.Kind, &a.URL, &a.Path, &secs, &a.Enabled, &state, &a.Status, &a.LastError, &counts,
		scanTime(&a.LastPullAt), scanTime(&a.LastSuccessAt), scanTime(&a.CreatedAt))
	a.Schedule = time.Duration(secs) * time.Second
	a.State, a.Counts = json.RawMessage(state), json.RawMessage(counts)
	return a, err
}

// CreateAdvisorySource registers a source of advisory data; a second of the same name
// is a conflict.
func (s *Store) CreateAdvisorySource(ctx context.Context, a vigil.AdvisorySource) (vigil.AdvisorySource, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	rows, err := s.wdb().query(ctx, `INSERT INTO advisory_sources (name, kind, url, path, schedule_seconds, enabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.Name, a.Kind, a.URL, a.Path, int64(a.Schedule/time.Second), a.Enabled,
		dbTime(s.now()))
	if err != nil {
		return a, advisoryWriteError(a.Name, err)
	}
	id, err := scanOptionalID(rows)
	if err != nil {
		return a, advisoryWriteError(a.Name, err)
	}
	return s.GetAdvisorySource(ctx, id)
}

func advisoryWriteError(name string, err error) error {
	if isUniqueViolation(err) {
		return vigil.Errorf(vigil.ECONFLICT, "an advisory source named %q is already registered: pick another name", name)
	}
	return fmt.Errorf("write advisory source %q: %w", name, err)
}

// GetAdvisorySource returns the source with the given id.
func (s *Store) GetAdvisorySource(ctx context.Context, id int64) (vigil.AdvisorySource, error) {
	return queryOne(ctx, s, fmt.Sprintf("get advisory source %d", id), vigil.Errorf(vigil.ENOTFOUND, "no advisory source %d: list them with GET /api/v1/advisory-sources", id), scanAdvisorySource, `SELECT `+advisorySourceColumns+` FROM advisory_sources WHERE id = ?`, id)
}

// ListAdvisorySources returns every registered source, by name.
func (s *Store) ListAdvisorySources(ctx context.Context) ([]vigil.AdvisorySource, error) {
	rows, err := s.rdb().query(ctx, `SELECT `+advisorySourceColumns+` FROM advisory_sources ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list advisory sources: %w", err)
	}
	defer rows.Close()
	var out []vigil.AdvisorySource
	for rows.Next() {
		a, err := scanAdvisorySource(rows)
		if err != nil {
			return nil, fmt.Errorf("list advisory sources: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAdvisorySource applies p to source id and returns it. A source moved to another
// URL or path forgets its last pull's ETag and Last-Modified, so that the next pull
// reads the new place whole; the data it holds stays until that pull replaces it.
func (s *Store) UpdateAdvisorySource(ctx context.Context, id int64, p vigil.AdvisorySourcePatch) (vigil.AdvisorySource, error) {
	var out vigil.AdvisorySource
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		cur, err := tx.GetAdvisorySource(ctx, id)
		if err != nil {
			return err
		}
		a, moved := cur.Patched(p)
		if err := a.Validate(); err != nil {
			return err
		}
		state := string(cur.State)
		if moved || state == "" {
			state = "{}"
		}
		_, err = c.exec(ctx, `UPDATE advisory_sources SET name = ?, url = ?, path = ?, schedule_seconds = ?, enabled = ?, state = ?
			WHERE id = ?`, a.Name, a.URL, a.Path, int64(a.Schedule/time.Second), a.Enabled, state, id)
		if err != nil {
			return advisoryWriteError(a.Name, err)
		}
		out, err = tx.GetAdvisorySource(ctx, id)
		return err
	})
	return out, err
}

// DeleteAdvisorySource removes a source and the data it held, and counts the change so
// that every server rebuilds its matcher without it.
func (s *Store) DeleteAdvisorySource(ctx context.Context, id int64) (vigil.AdvisorySource, error) {
	var a vigil.AdvisorySource
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		var err error
		if a, err = tx.GetAdvisorySource(ctx, id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM advisories WHERE source_id = ?`, `DELETE FROM advisory_files WHERE source_id = ?`,
			`DELETE FROM advisory_sources WHERE id = ?`} {
			if _, err := c.exec(ctx, q, id); err != nil {
				return fmt.Errorf("delete advisory source %d: %w", id, err)
			}
		}
		return tx.bumpVersion(ctx, c, ScopeAdvisories)
	})
	return a, err
}

// RecordAdvisoryPull records the outcome of a pull of source id, as RecordPull does for
// a feed: a failure keeps the state and the last success time and shows the error.
func (s *Store) RecordAdvisoryPull(ctx context.Context, id int64, p vigil.FeedPull) error {
	status, msg, success := vigil.FeedOK, "", dbTime(p.At)
	if p.Err != nil {
		status, msg, success = vigil.FeedError, pullMessage(p.Err), nil
	}
	_, err := s.wdb().exec(ctx, `UPDATE advisory_sources SET status = ?, last_error = ?, last_pull_at = ?,
		last_success_at = COALESCE(?, last_success_at), state = COALESCE(?, state), counts = COALESCE(?, counts)
		WHERE id = ?`, status, msg, dbTime(p.At), success, rawOrNil(p.State), rawOrNil(p.Counts), id)
	if err != nil {
		return fmt.Errorf("record pull of advisory source %d: %w", id, err)
	}
	return nil
}

// AdvisoryRecord is one OSV record as a source holds it.
type AdvisoryRecord struct {
	// ID and Modified are the record's id and modified time, as it writes them.
	ID, Modified string
	// Withdrawn says the record is withdrawn.
	Withdrawn bool
	// Packages are the package keys of what it affects.
	Packages []string
	// Record is the record's JSON as pulled.
	Record []byte
}

// AdvisoryStamp is what the store knows of a record without reading it: when it was
// modified and whether it is withdrawn, and the packages it affects.
type AdvisoryStamp struct {
	Modified  string
	Withdrawn bool
	Packages  []string
}

// AdvisoryStamps returns the stamps of the records source id holds, by record id, so
// that a pull writes only the records that changed.
func (s *Store) AdvisoryStamps(ctx context.Context, id int64) (map[string]AdvisoryStamp, error) {
	rows, err := s.rdb().query(ctx, `SELECT id, modified, withdrawn, packages FROM advisories WHERE source_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("advisory stamps: %w", err)
	}
	defer rows.Close()
	out := map[string]AdvisoryStamp{}
	for rows.Next() {
		var rid, pkgs string
		var st AdvisoryStamp
		if err := rows.Scan(&rid, &st.Modified, &st.Withdrawn, &pkgs); err != nil {
			return nil, fmt.Errorf("advisory stamps: %w", err)
		}
		_ = json.Unmarshal([]byte(pkgs), &st.Packages)
		out[rid] = st
	}
	return out, rows.Err()
}

// ApplyAdvisories writes the records of source id that are new or changed, removes
// those gone from it, and counts the change, in one transaction.
func (s *Store) ApplyAdvisories(ctx context.Context, id int64, put []AdvisoryRecord, remove []string) error {
	if len(put) == 0 && len(remove) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *Store, c conn) error {
		for _, r := range put {
			pkgs, _ := json.Marshal(nonNil(r.Packages))
			_, err := c.exec(ctx, `INSERT INTO advisories (source_id, id, modified, withdrawn, packages, record)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_id, id) DO UPDATE SET modified = excluded.modified,
				withdrawn = excluded.withdrawn, packages = excluded.packages, record = excluded.record`,
				id, r.ID, r.Modified, r.Withdrawn, string(pkgs), r.Record)
			if err != nil {
				return fmt.Errorf("write advisory %s: %w", r.ID, err)
			}
		}
		for _, rid := range remove {
			if _, err := c.exec(ctx, `DELETE FROM advisories WHERE source_id = ? AND id = ?`, id, rid); err != nil {
				return fmt.Errorf("remove advisory %s: %w", rid, err)
			}
		}
		return tx.bumpVersion(ctx, c, ScopeAdvisories)
	})
}

// EachAdvisory calls fn with every stored record's JSON, in no set order, stopping at
// fn's first error.
func (s *Store) EachAdvisory(ctx context.Context, fn func(record []byte) error) error {
	rows, err := s.rdb().query(ctx, `SELECT record FROM advisories`)
	if err != nil {
		return fmt.Errorf("read advisories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rec []byte
		if err := rows.Scan(&rec); err != nil {
			return fmt.Errorf("read advisories: %w", err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AdvisoryFile is a KEV or EPSS source's file as last pulled.
type AdvisoryFile struct {
	// Source is the source's id; Kind is vigil.AdvisoryKEV or vigil.AdvisoryEPSS.
	Source int64
	Kind   string
	// Body is the file, as the source's reader stored it.
	Body []byte
	// Entries counts what it holds.
	Entries int
}

// PutAdvisoryFile replaces source f.Source's file and counts the change.
func (s *Store) PutAdvisoryFile(ctx context.Context, f AdvisoryFile) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		_, err := c.exec(ctx, `INSERT INTO advisory_files (source_id, kind, body, entries) VALUES (?, ?, ?, ?)
			ON CONFLICT (source_id) DO UPDATE SET kind = excluded.kind, body = excluded.body, entries = excluded.entries`,
			f.Source, f.Kind, f.Body, f.Entries)
		if err != nil {
			return fmt.Errorf("write advisory file of source %d: %w", f.Source, err)
		}
		return tx.bumpVersion(ctx, c, ScopeAdvisories)
	})
}

// AdvisoryFiles returns the stored KEV and EPSS files, by source id; source 0 reads all.
func (s *Store) AdvisoryFiles(ctx context.Context, source int64) ([]AdvisoryFile, error) {
	rows, err := s.rdb().query(ctx, `SELECT source_id, kind, body, entries FROM advisory_files
		WHERE ? = 0 OR source_id = ? ORDER BY source_id`, source, source)
	if err != nil {
		return nil, fmt.Errorf("read advisory files: %w", err)
	}
	defer rows.Close()
	var out []AdvisoryFile
	for rows.Next() {
		var f AdvisoryFile
		if err := rows.Scan(&f.Source, &f.Kind, &f.Body, &f.Entries); err != nil {
			return nil, fmt.Errorf("read advisory files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
