package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// The delivery of the outbox: each entry is planned once into deliveries (one per
// e-mail recipient, one per webhook), which are claimed, tried and recorded one by one.
// Times that decide what is due are the caller's clock, passed in, so that the delivery
// loop and its tests agree on "now".

// DueOutbox returns up to limit pending entries whose DueAt is at or before now and
// whose deliveries are not planned yet, oldest first. Call it in the transaction that
// plans them: on PostgreSQL the rows stay locked until it ends, and another server
// skips them.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]vigil.OutboxEntry, error) {
	rows, err := s.wdb().query(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE planned_at IS NULL AND sent_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`+s.skipLocked(),
		dbTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due outbox: %w", err)
	}
	defer rows.Close()
	var out []vigil.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, fmt.Errorf("due outbox: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// skipLocked returns " FOR UPDATE SKIP LOCKED" on PostgreSQL, so that servers sharing a
// database each take rows the others are not working on; SQLite's single writer already
// serialises them.
func (s *Store) skipLocked() string {
	if s.isPG() {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// GetOutbox returns one outbox entry.
func (s *Store) GetOutbox(ctx context.Context, id int64) (vigil.OutboxEntry, error) {
	return queryOne(ctx, s, fmt.Sprintf("get message %d", id), vigil.Errorf(vigil.ENOTFOUND, "no message %d in the outbox", id), scanOutbox, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id)
}

// MarkOutboxPlanned records that entry id's deliveries are planned, with the marking
// they carry; when it has no e-mail to send (sent is true) it is sent at once.
func (s *Store) MarkOutboxPlanned(ctx context.Context, id int64, tlp vigil.TLP, now time.Time, sent bool) error {
	var sentAt any
	if sent {
		sentAt = dbTime(now)
	}
	_, err := s.wdb().exec(ctx, `UPDATE outbox SET planned_at = ?, tlp = ?, sent_at = COALESCE(sent_at, ?) WHERE id = ?`,
		dbTime(now), string(tlp), sentAt, id)
	if err != nil {
		return fmt.Errorf("plan message %d: %w", id, err)
	}
	return nil
}

// AddEmailDelivery plans the e-mail of message d.OutboxID to d.Recipient, due at
// d.NextAttemptAt; planning the same pair twice keeps the first.
func (s *Store) AddEmailDelivery(ctx context.Context, d vigil.Delivery) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO email_deliveries (outbox_id, recipient, status, max_attempts, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (outbox_id, recipient) DO NOTHING`,
		d.OutboxID, strings.ToLower(d.Recipient), string(vigil.DeliveryPending), d.MaxAttempts, dbTime(d.NextAttemptAt), dbTime(d.NextAttemptAt))
	if err != nil {
		return fmt.Errorf("plan e-mail of message %d: %w", d.OutboxID, err)
	}
	return nil
}

// AddWebhookDelivery plans a post to webhook d.WebhookID, due at d.NextAttemptAt, and
// returns its id; planning the same message for the same webhook twice keeps the first
// (and returns 0). A test ping has no OutboxID. CreatedAt defaults to NextAttemptAt.
func (s *Store) AddWebhookDelivery(ctx context.Context, d vigil.Delivery) (int64, error) {
	rows, err := s.wdb().query(ctx, `INSERT INTO webhook_deliveries (webhook_id, outbox_id, event, payload, status, max_attempts,
		next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (webhook_id, outbox_id) DO NOTHING RETURNING id`,
		d.WebhookID, nullID(d.OutboxID), string(d.Event), d.Payload, string(vigil.DeliveryPending), d.MaxAttempts,
		dbTime(d.NextAttemptAt), dbTime(timeOr(d.CreatedAt, d.NextAttemptAt)))
	var id int64
	if err == nil {
		id, err = scanOptionalID(rows)
	}
	if isForeignKeyViolation(err) {
		return 0, vigil.Errorf(vigil.ENOTFOUND, "no webhook %d", d.WebhookID)
	}
	if err != nil {
		return 0, fmt.Errorf("plan post to webhook %d: %w", d.WebhookID, err)
	}
	return id, nil
}

// The two kinds of delivery, by table.
const (
	EmailDeliveries   = "email_deliveries"
	WebhookDeliveries = "webhook_deliveries"
)

func checkTable(table string) {
	if table != EmailDeliveries && table != WebhookDeliveries {
		panic("store: no delivery table " + table)
	}
}

// ClaimDeliveries takes up to limit pending deliveries of table (EmailDeliveries or
// WebhookDeliveries) due at or before now, oldest first, and moves their next attempt
// to now+lease, so that neither this server's next round nor another server tries them
// while they are being tried. One whose outcome is never recorded (the server stopped)
// is tried again when the lease ends: delivery is at least once.
func (s *Store) ClaimDeliveries(ctx context.Context, table string, now time.Time, lease time.Duration, limit int) ([]vigil.Delivery, error) {
	checkTable(table)
	var out []vigil.Delivery
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		rows, err := c.query(ctx, `SELECT id FROM `+table+` WHERE status = ? AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?`+tx.skipLocked(), string(vigil.DeliveryPending), dbTime(now), limit)
		if err != nil {
			return err
		}
		ids, err := scanIDs(rows)
		if err != nil || len(ids) == 0 {
			return err
		}
		args := append([]any{dbTime(now.Add(lease))}, ids...)
		if _, err := c.exec(ctx, `UPDATE `+table+` SET next_attempt_at = ? WHERE id IN (`+placeholders(len(ids))+`)`, args...); err != nil {
			return err
		}
		out, err = tx.deliveriesWhere(ctx, c, table, "d.id IN ("+placeholders(len(ids))+")", ids, "d.next_attempt_at, d.id")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", table, err)
	}
	return out, nil
}

func scanIDs(rows *sql.Rows) ([]any, error) {
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Outcome is how one attempt at a delivery went.
type Outcome struct {
	// At is when the attempt ended.
	At time.Time
	// Err is why it failed, shown to people; empty when it was delivered.
	Err string
	// Status is the HTTP status a webhook answered; 0 when none.
	Status int
	// Retry is when to try again after a failure; zero gives up (dead).
	Retry time.Time
	// File is the .eml file an e-mail was written to, in file mode.
	File string
}

// RecordAttempt records the outcome of an attempt at delivery id of table: delivered,
// pending again at o.Retry, or dead. For an e-mail it then marks its message sent once
// none of its e-mails is pending.
func (s *Store) RecordAttempt(ctx context.Context, table string, id int64, o Outcome) error {
	checkTable(table)
	status, next, delivered := vigil.DeliveryDelivered, o.At, o.At
	switch {
	case o.Err != "" && !o.Retry.IsZero():
		status, next, delivered = vigil.DeliveryPending, o.Retry, time.Time{}
	case o.Err != "":
		status, delivered = vigil.DeliveryDead, time.Time{}
	}
	msg := o.Err
	if len(msg) > 1000 {
		msg = msg[:1000] + "…"
	}
	return s.inTx(ctx, func(tx *Store, c conn) error {
		set, args := `status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?, delivered_at = ?`,
			[]any{string(status), dbTime(next), msg, dbTime(delivered)}
		if table == WebhookDeliveries {
			set, args = set+`, last_status = ?`, append(args, o.Status)
		} else if o.File != "" {
			set, args = set+`, file = ?`, append(args, o.File)
		}
		if _, err := c.exec(ctx, `UPDATE `+table+` SET `+set+` WHERE id = ? AND status = ?`,
			append(args, id, string(vigil.DeliveryPending))...); err != nil {
			return fmt.Errorf("record delivery %d: %w", id, err)
		}
		if table == EmailDeliveries && status != vigil.DeliveryPending {
			return tx.finishOutbox(ctx, c, id, o.At)
		}
		return nil
	})
}

// finishOutbox marks the message of e-mail delivery id sent when none of its e-mails is
// pending any more.
func (s *Store) finishOutbox(ctx context.Context, c conn, id int64, at time.Time) error {
	_, err := c.exec(ctx, `UPDATE outbox SET sent_at = COALESCE(sent_at, ?)
		WHERE id = (SELECT outbox_id FROM email_deliveries WHERE id = ?)
		AND NOT EXISTS (SELECT 1 FROM email_deliveries WHERE outbox_id = outbox.id AND status = ?)`,
		dbTime(at), id, string(vigil.DeliveryPending))
	if err != nil {
		return fmt.Errorf("mark message of delivery %d sent: %w", id, err)
	}
	return nil
}

// RetryDelivery puts a dead delivery of table back, due at now, with its attempts
// counted afresh. A delivery that is not dead is a conflict.
func (s *Store) RetryDelivery(ctx context.Context, table string, id int64, now time.Time) (vigil.Delivery, error) {
	checkTable(table)
	res, err := s.wdb().exec(ctx, `UPDATE `+table+` SET status = ?, attempts = 0, next_attempt_at = ? WHERE id = ? AND status = ?`,
		string(vigil.DeliveryPending), dbTime(now), id, string(vigil.DeliveryDead))
	if err != nil {
		return vigil.Delivery{}, fmt.Errorf("retry delivery %d: %w", id, err)
	}
	d, err := s.GetDelivery(ctx, table, id)
	if err != nil {
		return d, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return d, vigil.Errorf(vigil.ECONFLICT, "delivery %d is %s, not dead: only a dead delivery can be retried", id, d.Status)
	}
	return d, nil
}

// GetDelivery returns one delivery of table.
func (s *Store) GetDelivery(ctx context.Context, table string, id int64) (vigil.Delivery, error) {
	checkTable(table)
	ds, err := s.deliveriesWhere(ctx, s.rdb(), table, "d.id = ?", []any{id}, "d.id")
	if err != nil {
		return vigil.Delivery{}, fmt.Errorf("get delivery %d: %w", id, err)
	}
	if len(ds) == 0 {
		return vigil.Delivery{}, vigil.Errorf(vigil.ENOTFOUND, "no delivery %d", id)
	}
	return ds[0], nil
}

// deliveryOrders are the orders of a list of deliveries (vigil.DeliverySort), of either
// table: the cursor's kind is the table's name.
var deliveryOrders = sortedList[vigil.DeliverySort, vigil.Delivery]{tie: "d.id", tieArg: idArg, tieKey: deliveryID,
	orders: map[vigil.DeliverySort]keyOrder[vigil.Delivery]{
		vigil.DeliveryByNewest: {col: "d.id", key: deliveryID, arg: idArg},
		vigil.DeliveryByOldest: {col: "d.id", keyAsc: true, tieAsc: true, key: deliveryID, arg: idArg},
		vigil.DeliveryByStatus: {col: "d.status", keyAsc: true, key: func(d vigil.Delivery) string { return string(d.Status) },
			arg: textArg},
		vigil.DeliveryByAttempts: {col: "d.attempts", key: func(d vigil.Delivery) string { return strconv.Itoa(d.Attempts) },
			arg: intArg},
	}}

func deliveryID(d vigil.Delivery) string { return idText(d.ID) }

// ListDeliveries returns the deliveries of table that f selects in f.Sort's order
// (newest first unless asked), and the cursor of the next page ("" on the last).
func (s *Store) ListDeliveries(ctx context.Context, table string, f vigil.DeliveryFilter) ([]vigil.Delivery, string, error) {
	checkTable(table)
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	orders := deliveryOrders
	orders.kind = table
	orgCol := "o.org"
	if table == WebhookDeliveries {
		orgCol = "w.org"
	}
	var w where
	if err := orders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Status != "", "d.status = ?", string(f.Status))
	w.add(f.Org != "", orgCol+" = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.in(orgCol, f.Orgs)
	w.add(f.WebhookID != 0 && table == WebhookDeliveries, "d.webhook_id = ?", f.WebhookID)
	w.add(f.OutboxID != 0, "d.outbox_id = ?", f.OutboxID)
	limit := vigil.PageLimit(f.Limit)
	cond := "1 = 1"
	if len(w.conds) > 0 {
		cond = strings.Join(w.conds, " AND ")
	}
	out, err := s.deliveriesWhere(ctx, s.rdb(), table, cond+orders.orderBy(sort)+" LIMIT ?", append(w.args, limit+1), "")
	if err != nil {
		return nil, "", fmt.Errorf("list %s: %w", table, err)
	}
	out, next := orders.page(sort, out, limit)
	return out, next, nil
}

// deliveriesWhere reads the deliveries of table matching cond, ordered by order (or by
// what cond itself says when order is empty).
func (s *Store) deliveriesWhere(ctx context.Context, c conn, table, cond string, args []any, order string) ([]vigil.Delivery, error) {
	q := `SELECT d.id, d.outbox_id, o.org, d.recipient, d.file, 0, '', '', 0, ` + deliveryCommon + `
		FROM email_deliveries d JOIN outbox o ON o.id = d.outbox_id`
	if table == WebhookDeliveries {
		q = `SELECT d.id, COALESCE(d.outbox_id, 0), COALESCE(w.org, ''), '', '', d.webhook_id, d.event, d.payload, d.last_status, ` +
			deliveryCommon + ` FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id`
	}
	q += ` WHERE ` + cond
	if order != "" {
		q += ` ORDER BY ` + order
	}
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vigil.Delivery
	for rows.Next() {
		var d vigil.Delivery
		if err := rows.Scan(&d.ID, &d.OutboxID, &d.Org, &d.Recipient, &d.File, &d.WebhookID, &d.Event, &d.Payload, &d.LastStatus,
			&d.Status, &d.Attempts, &d.MaxAttempts, scanTime(&d.NextAttemptAt), &d.LastError, scanTime(&d.CreatedAt),
			scanTime(&d.DeliveredAt)); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const deliveryCommon = `d.status, d.attempts, d.max_attempts, d.next_attempt_at, d.last_error, d.created_at, d.delivered_at`
