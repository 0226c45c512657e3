package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

var alertKinds = []vigil.AlertKind{vigil.AlertEarlyWarning, vigil.AlertSighting, vigil.AlertRetroHunt}

// newAlert validates a and fills in what RaiseAlert decides: status open, count at least
// 1, seen times defaulting to now, sources trimmed and without repeats.
func (s *Store) newAlert(a vigil.Alert) (vigil.Alert, error) {
	out := vigil.Alert{Kind: a.Kind, Severity: a.Severity, Status: vigil.AlertOpen, Body: a.Body,
		Observable: a.Observable, Indicator: a.Indicator, TLP: a.TLP, DedupKey: a.DedupKey, Count: max(a.Count, 1)}
	var err error
	if out.Org, err = vigil.NormalizeODS(a.Org); err != nil {
		return out, err
	}
	if !slices.Contains(alertKinds, a.Kind) {
		return out, vigil.Errorf(vigil.EINVALID, "alert kind %q is not one of early_warning, sighting, retro_hunt", a.Kind)
	}
	if a.Severity.Rank() == 0 {
		return out, vigil.Errorf(vigil.EINVALID, "severity %q is not one of low, medium, high, critical", a.Severity)
	}
	if a.TLP != "" && a.TLP.Rank() == 0 {
		return out, vigil.Errorf(vigil.EINVALID, "TLP %q is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED", a.TLP)
	}
	if out.Title, err = text("title", a.Title, 300, true); err != nil {
		return out, err
	}
	if len(a.DedupKey) > 512 {
		return out, vigil.Errorf(vigil.EINVALID, "dedup key is longer than 512 bytes")
	}
	for _, src := range a.Sources {
		if src = strings.TrimSpace(src); src != "" && !slices.Contains(out.Sources, src) {
			out.Sources = append(out.Sources, src)
		}
	}
	now := s.now()
	out.CreatedAt = now
	out.FirstSeen = timeOr(a.FirstSeen, now)
	out.LastSeen = timeOr(a.LastSeen, out.FirstSeen)
	if out.LastSeen.Before(out.FirstSeen) {
		out.FirstSeen, out.LastSeen = out.LastSeen, out.FirstSeen
	}
	return out, nil
}

func timeOr(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t.UTC().Truncate(time.Microsecond)
}

// RaiseAlert stores an alert, or counts a repeat. An alert with the same organisation and
// DedupKey as a stored one is a repeat: the stored alert's count goes up by a.Count (at
// least 1), its seen times widen, its sources gain any new ones, and its severity rises
// if a's is higher; its status, title and body stay as they are (a resolved alert stays
// resolved: reopening is the alert package's decision). An empty DedupKey never repeats.
// RaiseAlert ignores a's ID, Status, CreatedAt and lifecycle fields. It returns the
// alert's id and whether it was new.
func (s *Store) RaiseAlert(ctx context.Context, a vigil.Alert) (id int64, created bool, err error) {
	a, err = s.newAlert(a)
	if err != nil {
		return 0, false, err
	}
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		if id, err = tx.insertAlert(ctx, c, a); err != nil || id != 0 {
			created = id != 0
			return err
		}
		id, err = tx.repeatAlert(ctx, c, a)
		return err
	})
	return id, created, err
}

// insertAlert inserts a new alert and returns its id, or 0 when its dedup key is taken.
func (s *Store) insertAlert(ctx context.Context, c conn, a vigil.Alert) (int64, error) {
	sources, _ := json.Marshal(nonNil(a.Sources))
	rows, err := c.query(ctx, `INSERT INTO alerts (org, kind, severity, status, title, body, observable, indicator,
		sources, tlp, count, first_seen, last_seen, created_at, dedup_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, dedup_key) DO NOTHING RETURNING id`,
		a.Org, string(a.Kind), string(a.Severity), string(a.Status), a.Title, a.Body, a.Observable, a.Indicator,
		string(sources), string(a.TLP), a.Count, dbTime(a.FirstSeen), dbTime(a.LastSeen), dbTime(a.CreatedAt), nullString(a.DedupKey))
	if isForeignKeyViolation(err) {
		return 0, vigil.Errorf(vigil.EINVALID, "organisation %s is not registered", a.Org)
	}
	if err != nil {
		return 0, fmt.Errorf("insert alert: %w", err)
	}
	id, err := scanOptionalID(rows)
	if isForeignKeyViolation(err) {
		return 0, vigil.Errorf(vigil.EINVALID, "organisation %s is not registered", a.Org)
	}
	if err != nil {
		return 0, fmt.Errorf("insert alert: %w", err)
	}
	return id, nil
}

// repeatAlert folds a into the stored alert with the same dedup key.
func (s *Store) repeatAlert(ctx context.Context, c conn, a vigil.Alert) (int64, error) {
	var id int64
	var sev vigil.Severity
	var sourcesJSON string
	var first, last time.Time
	err := c.row(ctx, `SELECT id, severity, sources, first_seen, last_seen FROM alerts WHERE org = ? AND dedup_key = ?`+s.forUpdate(),
		a.Org, a.DedupKey).Scan(&id, &sev, &sourcesJSON, scanTime(&first), scanTime(&last))
	if err != nil {
		return 0, fmt.Errorf("read repeated alert: %w", err)
	}
	var sources []string
	if err := json.Unmarshal([]byte(sourcesJSON), &sources); err != nil {
		return 0, fmt.Errorf("alert %d sources: %w", id, err)
	}
	for _, src := range a.Sources {
		if !slices.Contains(sources, src) {
			sources = append(sources, src)
		}
	}
	if a.Severity.Rank() > sev.Rank() {
		sev = a.Severity
	}
	merged, _ := json.Marshal(nonNil(sources))
	_, err = c.exec(ctx, `UPDATE alerts SET count = count + ?, severity = ?, sources = ?, first_seen = ?, last_seen = ? WHERE id = ?`,
		a.Count, string(sev), string(merged), dbTime(minTime(first, a.FirstSeen)), dbTime(maxTime(last, a.LastSeen)), id)
	if err != nil {
		return 0, fmt.Errorf("update repeated alert %d: %w", id, err)
	}
	return id, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

const alertColumns = `id, org, kind, severity, status, title, body, observable, indicator, sources, tlp, count,
	first_seen, last_seen, created_at, acked_at, acked_by, resolved_at, resolved_by, resolution_note, dedup_key`

func scanAlert(sc scanner) (vigil.Alert, error) {
	var a vigil.Alert
	var sources string
	var dedup sql.NullString
	err := sc.Scan(&a.ID, &a.Org, &a.Kind, &a.Severity, &a.Status, &a.Title, &a.Body, &a.Observable, &a.Indicator,
		&sources, &a.TLP, &a.Count, scanTime(&a.FirstSeen), scanTime(&a.LastSeen), scanTime(&a.CreatedAt),
		scanTime(&a.AckedAt), &a.AckedBy, scanTime(&a.ResolvedAt), &a.ResolvedBy, &a.ResolutionNote, &dedup)
	if err != nil {
		return a, err
	}
	a.DedupKey = dedup.String
	if err := json.Unmarshal([]byte(sources), &a.Sources); err != nil {
		return a, fmt.Errorf("alert %d sources: %w", a.ID, err)
	}
	if len(a.Sources) == 0 {
		a.Sources = nil
	}
	return a, nil
}

// GetAlert returns one alert. Whether the caller may see it is the caller's check.
func (s *Store) GetAlert(ctx context.Context, id int64) (vigil.Alert, error) {
	return s.getAlert(ctx, s.rdb(), id)
}

func (s *Store) getAlert(ctx context.Context, c conn, id int64) (vigil.Alert, error) {
	a, err := scanAlert(c.row(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, vigil.Errorf(vigil.ENOTFOUND, "no alert %d", id)
	}
	if err != nil {
		return a, fmt.Errorf("get alert %d: %w", id, err)
	}
	return a, nil
}

// AckAlert records that someone (by, an email) has seen an open alert. Acknowledging an
// acknowledged alert changes nothing; acknowledging a resolved one is a conflict.
func (s *Store) AckAlert(ctx context.Context, id int64, by string) (vigil.Alert, error) {
	by, err := text("acknowledged by", by, 254, true)
	if err != nil {
		return vigil.Alert{}, err
	}
	return s.moveAlert(ctx, id, []vigil.AlertStatus{vigil.AlertOpen}, vigil.AlertAcknowledged,
		`acked_at = ?, acked_by = ?`, by)
}

// ResolveAlert records that an open or acknowledged alert has been dealt with, by whom
// and how (note, required). Resolving a resolved alert is a conflict.
func (s *Store) ResolveAlert(ctx context.Context, id int64, by, note string) (vigil.Alert, error) {
	by, err := text("resolved by", by, 254, true)
	if err != nil {
		return vigil.Alert{}, err
	}
	if strings.TrimSpace(note) == "" {
		return vigil.Alert{}, vigil.Errorf(vigil.EINVALID, "a resolution note is required: say what was done about the alert")
	}
	if note, err = text("resolution note", note, 4000, true); err != nil {
		return vigil.Alert{}, err
	}
	return s.moveAlert(ctx, id, []vigil.AlertStatus{vigil.AlertOpen, vigil.AlertAcknowledged}, vigil.AlertResolved,
		`resolved_at = ?, resolved_by = ?, resolution_note = ?`, by, note)
}

// moveAlert sets the alert's status to `to`, with set (whose first argument is the
// time), when its status is one of from.
func (s *Store) moveAlert(ctx context.Context, id int64, from []vigil.AlertStatus, to vigil.AlertStatus, set string, args ...any) (vigil.Alert, error) {
	var out vigil.Alert
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		q := `UPDATE alerts SET status = ?, ` + set + ` WHERE id = ? AND status IN (` + placeholders(len(from)) + `)`
		all := append([]any{string(to), dbTime(tx.now())}, args...)
		all = append(all, id)
		for _, f := range from {
			all = append(all, string(f))
		}
		res, err := c.exec(ctx, q, all...)
		if err != nil {
			return fmt.Errorf("alert %d to %s: %w", id, to, err)
		}
		if out, err = tx.getAlert(ctx, c, id); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return transitionError(out, to)
		}
		return nil
	})
	return out, err
}

// transitionError explains why alert a could not move to state `to`, or returns nil when
// it is already there and that is harmless (acknowledging twice).
func transitionError(a vigil.Alert, to vigil.AlertStatus) error {
	switch {
	case a.Status == to && to == vigil.AlertAcknowledged:
		return nil
	case a.Status == vigil.AlertResolved && to == vigil.AlertAcknowledged:
		return vigil.Errorf(vigil.ECONFLICT, "alert %d was resolved by %s on %s, so it cannot be acknowledged",
			a.ID, a.ResolvedBy, a.ResolvedAt.Format("2 January 2006"))
	case a.Status == vigil.AlertResolved:
		return vigil.Errorf(vigil.ECONFLICT, "alert %d was already resolved by %s on %s", a.ID, a.ResolvedBy, a.ResolvedAt.Format("2 January 2006"))
	}
	return vigil.Errorf(vigil.ECONFLICT, "alert %d is %s and cannot become %s", a.ID, a.Status, to)
}
