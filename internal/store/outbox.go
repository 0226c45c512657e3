package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// AddOutbox queues a message. An entry with the same organisation and DedupKey as a
// stored one is not written again: it returns the stored entry's id and created false.
// CreatedAt is the store's clock; DueAt defaults to it.
func (s *Store) AddOutbox(ctx context.Context, e vigil.OutboxEntry) (id int64, created bool, err error) {
	if e, err = s.newOutbox(e); err != nil {
		return 0, false, err
	}
	rows, err := s.wdb().query(ctx, `INSERT INTO outbox (org, kind, subject, body, alert_id, dedup_key, created_at, due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org, dedup_key) DO NOTHING RETURNING id`,
		e.Org, string(e.Kind), e.Subject, e.Body, nullID(e.AlertID), e.DedupKey, dbTime(e.CreatedAt), dbTime(e.DueAt))
	if err == nil {
		id, err = scanOptionalID(rows)
	}
	if isForeignKeyViolation(err) {
		return 0, false, vigil.Errorf(vigil.EINVALID, "organisation %s or alert %d is not registered", e.Org, e.AlertID)
	}
	if err != nil {
		return 0, false, fmt.Errorf("queue message for %s: %w", e.Org, err)
	}
	if id != 0 {
		return id, true, nil
	}
	err = s.wdb().row(ctx, `SELECT id FROM outbox WHERE org = ? AND dedup_key = ?`, e.Org, e.DedupKey).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("queue message for %s: %w", e.Org, err)
	}
	return id, false, nil
}

// newOutbox validates e and fills in the times.
func (s *Store) newOutbox(e vigil.OutboxEntry) (vigil.OutboxEntry, error) {
	var err error
	if e.Org, err = vigil.NormalizeODS(e.Org); err != nil {
		return e, err
	}
	if e.Kind != vigil.OutboxImmediate && e.Kind != vigil.OutboxDigest {
		return e, vigil.Errorf(vigil.EINVALID, "outbox kind %q is not one of immediate, digest", e.Kind)
	}
	if e.Subject, err = vigil.Text("subject", e.Subject, 300, true); err != nil {
		return e, err
	}
	if strings.TrimSpace(e.Body) == "" {
		return e, vigil.Errorf(vigil.EINVALID, "a message needs a body")
	}
	if e.DedupKey == "" || len(e.DedupKey) > 512 {
		return e, vigil.Errorf(vigil.EINVALID, "a message needs a dedup key of at most 512 bytes")
	}
	e.CreatedAt = s.now()
	e.DueAt = timeOr(e.DueAt, e.CreatedAt)
	return e, nil
}

const outboxColumns = `id, org, kind, subject, body, alert_id, dedup_key, created_at, due_at, sent_at`

func scanOutbox(sc scanner) (vigil.OutboxEntry, error) {
	var e vigil.OutboxEntry
	var alert sql.NullInt64
	err := sc.Scan(&e.ID, &e.Org, &e.Kind, &e.Subject, &e.Body, &alert, &e.DedupKey, scanTime(&e.CreatedAt),
		scanTime(&e.DueAt), scanTime(&e.SentAt))
	e.AlertID = alert.Int64
	return e, err
}

// ListOutbox returns the entries f selects, newest first, and the cursor of the next
// page ("" on the last page).
func (s *Store) ListOutbox(ctx context.Context, f vigil.OutboxFilter) ([]vigil.OutboxEntry, string, error) {
	before, err := decodeIDCursor("outbox", f.Cursor)
	if err != nil {
		return nil, "", err
	}
	var w where
	w.add(before > 0, "id < ?", before)
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Kind != "", "kind = ?", string(f.Kind))
	w.add(f.Pending, "sent_at IS NULL")
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+outboxColumns+` FROM outbox`+w.String()+` ORDER BY id DESC LIMIT ?`,
		append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []vigil.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list outbox: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list outbox: %w", err)
	}
	out, next := page(out, limit, func(e vigil.OutboxEntry) string { return strconv.FormatInt(e.ID, 10) })
	return out, cursorOf("outbox", next), nil
}

// MarkOutboxSent records that an entry was delivered. Marking a sent entry again keeps
// the first time.
func (s *Store) MarkOutboxSent(ctx context.Context, id int64) error {
	res, err := s.wdb().exec(ctx, `UPDATE outbox SET sent_at = COALESCE(sent_at, ?) WHERE id = ?`, dbTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no message %d in the outbox", id)
	}
	return nil
}
