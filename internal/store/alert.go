package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/vigil-health/vigil"
)

// RaiseAlert stores an alert, or counts a repeat, as RaiseAlertWorded with no words:
// a repeat keeps its title and body whatever it merged.
func (s *Store) RaiseAlert(ctx context.Context, a vigil.Alert) (id int64, created bool, err error) {
	return s.RaiseAlertWorded(ctx, a, nil)
}

// RaiseAlertWorded stores an alert, or counts a repeat, as RaiseAlertMerged does, and
// returns the alert's id and whether it was new.
func (s *Store) RaiseAlertWorded(ctx context.Context, a vigil.Alert, words vigil.AlertWords) (id int64, created bool, err error) {
	r, err := s.RaiseAlertMerged(ctx, a, words)
	return r.Alert.ID, r.Created, err
}

// Raised is what raising an alert did.
type Raised struct {
	// Alert is the alert as it now stands.
	Alert vigil.Alert
	// Was is the stored alert a repeat merged into, as it was before; zero when Created.
	Was vigil.Alert
	// Created reports whether the alert is new.
	Created bool
}

// RaiseAlertMerged stores an alert, or counts a repeat. An alert with the same
// organisation and DedupKey as a stored one is a repeat, merged into it by
// vigil.Alert.Merge: the count goes up by a.Count (at least 1), its seen times widen, its
// sources gain any new ones, its severity rises if a's is higher, its TLP becomes the
// stricter of the two and its deadlines the earlier. When that changed its sources or TLP
// and words is not nil, its title and body are rewritten by words from the merged alert,
// in the same transaction; otherwise they stay. Its status stays (a resolved alert stays
// resolved: reopening is the alert package's decision). An empty DedupKey never repeats.
// It ignores a's ID, Status, CreatedAt and lifecycle fields, and keeps its deadlines
// (AckDueAt, FixDueAt), which the caller sets.
func (s *Store) RaiseAlertMerged(ctx context.Context, a vigil.Alert, words vigil.AlertWords) (Raised, error) {
	a, err := vigil.NewAlert(a, s.now())
	if err != nil {
		return Raised{}, err
	}
	var r Raised
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		r = Raised{}
		id, err := tx.insertAlert(ctx, c, a)
		if err != nil || id != 0 {
			a.ID = id
			r.Alert, r.Created = a, id != 0
			return err
		}
		r.Was, r.Alert, err = tx.repeatAlert(ctx, c, a, words)
		return err
	})
	return r, err
}

// insertAlert inserts a new alert and returns its id, or 0 when its dedup key is taken.
func (s *Store) insertAlert(ctx context.Context, c conn, a vigil.Alert) (int64, error) {
	rows, err := c.query(ctx, `INSERT INTO alerts (org, kind, severity, status, title, body, observable, indicator,
		sources, publishers, tlp, count, first_seen, last_seen, created_at, dedup_key, ack_due_at, fix_due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, dedup_key) DO NOTHING RETURNING id`,
		a.Org, string(a.Kind), string(a.Severity), string(a.Status), a.Title, a.Body, a.Observable, a.Indicator,
		jsonList(a.Sources), jsonList(a.Publishers), string(a.TLP), a.Count, dbTime(a.FirstSeen), dbTime(a.LastSeen),
		dbTime(a.CreatedAt), nullString(a.DedupKey), dbTime(a.AckDueAt), dbTime(a.FixDueAt))
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

// repeatAlert folds a into the stored alert with the same dedup key (vigil.Alert.Merge),
// wording it again with words when its sources or TLP changed, and returns the stored
// alert as it was and as it now is.
func (s *Store) repeatAlert(ctx context.Context, c conn, a vigil.Alert, words vigil.AlertWords) (was, now vigil.Alert, err error) {
	stored, err := scanAlert(c.row(ctx, `SELECT `+alertColumns+` FROM alerts WHERE org = ? AND dedup_key = ?`+s.forUpdate(),
		a.Org, a.DedupKey))
	if err != nil {
		return was, now, fmt.Errorf("read repeated alert: %w", err)
	}
	was = stored
	was.Sources, was.Publishers = slices.Clone(stored.Sources), slices.Clone(stored.Publishers)
	if stored.Merge(a) && words != nil {
		title, body := words(stored)
		if stored.Title, err = vigil.Text("title", title, 300, true); err != nil {
			return was, now, err
		}
		stored.Body = body
	}
	_, err = c.exec(ctx, `UPDATE alerts SET count = ?, severity = ?, sources = ?, publishers = ?, tlp = ?, title = ?,
		body = ?, first_seen = ?, last_seen = ?, ack_due_at = ?, fix_due_at = ? WHERE id = ?`,
		stored.Count, string(stored.Severity), jsonList(stored.Sources), jsonList(stored.Publishers), string(stored.TLP),
		stored.Title, stored.Body,
		dbTime(stored.FirstSeen), dbTime(stored.LastSeen), dbTime(stored.AckDueAt), dbTime(stored.FixDueAt), stored.ID)
	if err != nil {
		return was, now, fmt.Errorf("update repeated alert %d: %w", stored.ID, err)
	}
	return was, stored, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// jsonList is s as the JSON array a list column holds ("[]" when empty).
func jsonList(s []string) string {
	b, _ := json.Marshal(nonNil(s))
	return string(b)
}

// scanList reads a list column's JSON array into *to, nil when empty.
func scanList(text, what string, id int64, to *[]string) error {
	if err := json.Unmarshal([]byte(text), to); err != nil {
		return fmt.Errorf("alert %d %s: %w", id, what, err)
	}
	if len(*to) == 0 {
		*to = nil
	}
	return nil
}

const alertColumns = `id, org, kind, severity, status, title, body, observable, indicator, sources, publishers, tlp, count,
	first_seen, last_seen, created_at, acked_at, acked_by, resolved_at, resolved_by, resolution_note, dedup_key,
	ack_due_at, fix_due_at, ack_escalated_at, fix_overdue_at`

func scanAlert(sc scanner) (vigil.Alert, error) {
	var a vigil.Alert
	var sources, publishers string
	var dedup sql.NullString
	err := sc.Scan(&a.ID, &a.Org, &a.Kind, &a.Severity, &a.Status, &a.Title, &a.Body, &a.Observable, &a.Indicator,
		&sources, &publishers, &a.TLP, &a.Count, scanTime(&a.FirstSeen), scanTime(&a.LastSeen), scanTime(&a.CreatedAt),
		scanTime(&a.AckedAt), &a.AckedBy, scanTime(&a.ResolvedAt), &a.ResolvedBy, &a.ResolutionNote, &dedup,
		scanTime(&a.AckDueAt), scanTime(&a.FixDueAt), scanTime(&a.AckEscalatedAt), scanTime(&a.FixOverdueAt))
	if err != nil {
		return a, err
	}
	a.DedupKey = dedup.String
	if err := scanList(sources, "sources", a.ID, &a.Sources); err != nil {
		return a, err
	}
	return a, scanList(publishers, "publishers", a.ID, &a.Publishers)
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

// AckAlert records that someone (by, an email) has seen an open alert, and reports
// whether it changed: acknowledging an acknowledged alert changes nothing (moved is
// false, so the caller audits nothing); acknowledging a resolved one is a conflict.
func (s *Store) AckAlert(ctx context.Context, id int64, by string) (a vigil.Alert, moved bool, err error) {
	if by, err = vigil.Text("acknowledged by", by, 254, true); err != nil {
		return vigil.Alert{}, false, err
	}
	return s.moveAlert(ctx, id, vigil.AlertAcknowledged, `acked_at = ?, acked_by = ?`, by)
}

// ResolveAlert records that an open or acknowledged alert has been dealt with, by whom
// and how (note, required). Resolving a resolved alert is a conflict.
func (s *Store) ResolveAlert(ctx context.Context, id int64, by, note string) (vigil.Alert, error) {
	by, err := vigil.Text("resolved by", by, 254, true)
	if err != nil {
		return vigil.Alert{}, err
	}
	if note, err = vigil.ResolutionNote(note); err != nil {
		return vigil.Alert{}, err
	}
	a, _, err := s.moveAlert(ctx, id, vigil.AlertResolved, `resolved_at = ?, resolved_by = ?, resolution_note = ?`, by, note)
	return a, err
}

// moveAlert sets the alert's status to `to`, with set (whose first argument is the
// time), when the alert state machine allows it (vigil.Alert.CheckMove). The row is
// read for update, so of two people acknowledging at once exactly one moves it.
func (s *Store) moveAlert(ctx context.Context, id int64, to vigil.AlertStatus, set string, args ...any) (out vigil.Alert, moved bool, err error) {
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		var err error
		if out, err = scanAlert(c.row(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id = ?`+tx.forUpdate(), id)); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return vigil.Errorf(vigil.ENOTFOUND, "no alert %d", id)
			}
			return fmt.Errorf("get alert %d: %w", id, err)
		}
		if moved, err = out.CheckMove(to); !moved {
			return err
		}
		all := append([]any{string(to), dbTime(tx.now())}, args...)
		if _, err := c.exec(ctx, `UPDATE alerts SET status = ?, `+set+` WHERE id = ?`, append(all, id)...); err != nil {
			return fmt.Errorf("alert %d to %s: %w", id, to, err)
		}
		out, err = tx.getAlert(ctx, c, id)
		return err
	})
	return out, moved, err
}

// RedescribeAlert replaces an alert's title, body and observable: a flow whose alert
// lists things that changed since it was raised (an organisation's affected components)
// describes it again. Nobody is told: what the alert is about and how urgent it is stay.
func (s *Store) RedescribeAlert(ctx context.Context, id int64, title, body, observable string) error {
	title, err := vigil.Text("title", title, 300, true)
	if err != nil {
		return err
	}
	_, err = s.wdb().exec(ctx, `UPDATE alerts SET title = ?, body = ?, observable = ? WHERE id = ?`, title, body, observable, id)
	if err != nil {
		return fmt.Errorf("describe alert %d again: %w", id, err)
	}
	return nil
}

// RewordAlert replaces an alert's title and body: a flow whose alert sums up something
// that changed (a supplier's list of affected customers) words it again.
func (s *Store) RewordAlert(ctx context.Context, id int64, title, body string) error {
	title, err := vigil.Text("title", title, 300, true)
	if err != nil {
		return err
	}
	if _, err := s.wdb().exec(ctx, `UPDATE alerts SET title = ?, body = ? WHERE id = ?`, title, body, id); err != nil {
		return fmt.Errorf("reword alert %d: %w", id, err)
	}
	return nil
}
