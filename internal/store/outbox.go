package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	to, _ := json.Marshal(nonNil(e.Recipients))
	rows, err := s.wdb().query(ctx, `INSERT INTO outbox (org, kind, subject, body, recipients, alert_id, tlp, dedup_key, created_at, due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org, dedup_key) DO NOTHING RETURNING id`,
		e.Org, string(e.Kind), e.Subject, e.Body, string(to), nullID(e.AlertID), string(e.TLP), e.DedupKey, dbTime(e.CreatedAt), dbTime(e.DueAt))
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
	switch {
	case e.Kind != vigil.OutboxImmediate && e.Kind != vigil.OutboxDigest && e.Kind != vigil.OutboxEscalation && e.Kind != vigil.OutboxReminder:
		return e, vigil.Errorf(vigil.EINVALID, "outbox kind %q is not one of immediate, digest, escalation, reminder", e.Kind)
	case e.Kind == vigil.OutboxEscalation && len(e.Recipients) == 0:
		// No recipients means every contact of the organisation: never for an escalation.
		return e, vigil.Errorf(vigil.EINVALID, "an escalation needs its recipients")
	}
	if e.TLP != "" && e.TLP.Rank() == 0 {
		return e, vigil.Errorf(vigil.EINVALID, "outbox marking %q is not a TLP 2.0 marking", e.TLP)
	}
	if e.Subject, err = vigil.Text("subject", e.Subject, 300, true); err != nil {
		return e, err
	}
	if strings.TrimSpace(e.Body) == "" {
		return e, vigil.Errorf(vigil.EINVALID, "a message needs a body")
	}
	for i, r := range e.Recipients {
		if r = strings.ToLower(strings.TrimSpace(r)); r == "" || len(r) > 254 || strings.ContainsAny(r, "\"\\") {
			return e, vigil.Errorf(vigil.EINVALID, "recipient %q is not an email address", e.Recipients[i])
		}
		e.Recipients[i] = r
	}
	if e.DedupKey == "" || len(e.DedupKey) > 512 {
		return e, vigil.Errorf(vigil.EINVALID, "a message needs a dedup key of at most 512 bytes")
	}
	e.CreatedAt = s.now()
	e.DueAt = timeOr(e.DueAt, e.CreatedAt)
	return e, nil
}

const outboxColumns = `id, org, kind, subject, body, recipients, alert_id, tlp, dedup_key, created_at, due_at, sent_at`

func scanOutbox(sc scanner) (vigil.OutboxEntry, error) {
	var e vigil.OutboxEntry
	var alert sql.NullInt64
	var to string
	err := sc.Scan(&e.ID, &e.Org, &e.Kind, &e.Subject, &e.Body, &to, &alert, &e.TLP, &e.DedupKey, scanTime(&e.CreatedAt),
		scanTime(&e.DueAt), scanTime(&e.SentAt))
	if err != nil {
		return e, err
	}
	e.AlertID = alert.Int64
	if err := json.Unmarshal([]byte(to), &e.Recipients); err != nil {
		return e, fmt.Errorf("message %d recipients: %w", e.ID, err)
	}
	if len(e.Recipients) == 0 {
		e.Recipients = nil
	}
	return e, nil
}

// RewritePending replaces the subject, body, recipients and marking of the immediate
// message about alert e.AlertID while it waits to be sent, and reports whether there
// was one: a repeat that made the alert TLP:RED narrows a message not yet sent to
// everyone. A message whose deliveries are planned is being sent as it was planned, and
// is left alone.
func (s *Store) RewritePending(ctx context.Context, e vigil.OutboxEntry) (bool, error) {
	to, _ := json.Marshal(nonNil(e.Recipients))
	res, err := s.wdb().exec(ctx, `UPDATE outbox SET subject = ?, body = ?, recipients = ?, tlp = ?
		WHERE alert_id = ? AND kind = ? AND sent_at IS NULL AND planned_at IS NULL`,
		e.Subject, e.Body, string(to), string(e.TLP), e.AlertID, string(vigil.OutboxImmediate))
	if err != nil {
		return false, fmt.Errorf("rewrite message about alert %d: %w", e.AlertID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// NamedRecipients are the addresses of org's named recipients, for what is marked
// TLP:RED or TLP:AMBER+STRICT (vigil.NamedOnly): its administrators' (enabled accounts)
// and its contacts' that have one, lower-case, sorted, without repeats.
func (s *Store) NamedRecipients(ctx context.Context, org string) ([]string, error) {
	var out []string
	rows, err := s.rdb().query(ctx, `SELECT email, disabled FROM users WHERE org = ? AND role = ?`, org, string(vigil.RoleOrgAdmin))
	if err != nil {
		return nil, fmt.Errorf("named recipients of %s: %w", org, err)
	}
	defer rows.Close()
	for rows.Next() {
		var email string
		var disabled bool
		if err := rows.Scan(&email, &disabled); err != nil {
			return nil, fmt.Errorf("named recipients of %s: %w", org, err)
		}
		if !disabled {
			out = append(out, strings.ToLower(email))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("named recipients of %s: %w", org, err)
	}
	contacts, err := s.namedContacts(ctx, org)
	if err != nil {
		return nil, err
	}
	out = append(out, contacts...)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// IsNamedContact reports whether email is the address of one of org's contacts.
func (s *Store) IsNamedContact(ctx context.Context, org, email string) (bool, error) {
	contacts, err := s.namedContacts(ctx, org)
	return slices.Contains(contacts, strings.ToLower(strings.TrimSpace(email))), err
}

// namedContacts are the lower-case addresses of org's contacts that have one.
func (s *Store) namedContacts(ctx context.Context, org string) ([]string, error) {
	var raw string
	err := s.rdb().row(ctx, `SELECT contacts FROM orgs WHERE ods_code = ?`, org).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", org, err)
	}
	var cs []vigil.Contact
	if err := json.Unmarshal([]byte(raw), &cs); err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", org, err)
	}
	var out []string
	for _, c := range cs {
		if e := strings.ToLower(strings.TrimSpace(c.Email)); e != "" {
			out = append(out, e)
		}
	}
	return out, nil
}

// outboxOrders are the orders of the outbox (vigil.OutboxSort).
var outboxOrders = sortedList[vigil.OutboxSort, vigil.OutboxEntry]{kind: "outbox", tie: "id", tieArg: idArg, tieKey: outboxID,
	orders: map[vigil.OutboxSort]keyOrder[vigil.OutboxEntry]{
		vigil.OutboxByNewest: {col: "id", key: outboxID, arg: idArg},
		vigil.OutboxByOldest: {col: "id", keyAsc: true, tieAsc: true, key: outboxID, arg: idArg},
		vigil.OutboxByOrg:    {col: "org", keyAsc: true, key: func(e vigil.OutboxEntry) string { return e.Org }, arg: textArg},
		vigil.OutboxByKind:   {col: "kind", keyAsc: true, key: func(e vigil.OutboxEntry) string { return string(e.Kind) }, arg: textArg},
	}}

func outboxID(e vigil.OutboxEntry) string { return idText(e.ID) }

// ListOutbox returns the entries f selects in f.Sort's order (newest first unless
// asked), and the cursor of the next page ("" on the last page).
func (s *Store) ListOutbox(ctx context.Context, f vigil.OutboxFilter) ([]vigil.OutboxEntry, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	var w where
	if err := outboxOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Kind != "", "kind = ?", string(f.Kind))
	w.add(f.Pending, "sent_at IS NULL")
	if f.Recipient != "" {
		w.add(true, `(recipients = '[]' OR recipients LIKE ? ESCAPE '\')`, `%`+likeEscape(strconv.Quote(strings.ToLower(f.Recipient)))+`%`)
	}
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+outboxColumns+` FROM outbox`+w.String()+outboxOrders.orderBy(sort)+` LIMIT ?`,
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
	out, next := outboxOrders.page(sort, out, limit)
	return out, next, nil
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

// AddOutboxes queues many messages, as AddOutbox does each (an entry whose organisation
// and dedup key are taken is not written again), multi-row.
func (s *Store) AddOutboxes(ctx context.Context, es []vigil.OutboxEntry) error {
	if s.isPG() {
		return s.addOutboxesChecked(ctx, es)
	}
	for part := range slices.Chunk(es, writeRows) {
		args := make([]any, 0, 10*len(part))
		for _, e := range part {
			e, err := s.newOutbox(e)
			if err != nil {
				return err
			}
			to, _ := json.Marshal(nonNil(e.Recipients))
			args = append(args, e.Org, string(e.Kind), e.Subject, e.Body, string(to), nullID(e.AlertID), string(e.TLP),
				e.DedupKey, dbTime(e.CreatedAt), dbTime(e.DueAt))
		}
		_, err := s.wdb().exec(ctx, `INSERT INTO outbox (org, kind, subject, body, recipients, alert_id, tlp, dedup_key,
			created_at, due_at) VALUES `+valuesList(len(part), 10)+` ON CONFLICT (org, dedup_key) DO NOTHING`, args...)
		if isForeignKeyViolation(err) {
			return vigil.Errorf(vigil.EINVALID, "an organisation or alert of a queued message is not registered")
		}
		if err != nil {
			return fmt.Errorf("queue messages: %w", err)
		}
	}
	return nil
}

// addOutboxesChecked is AddOutboxes on PostgreSQL: every message checked, then one
// statement for them all.
func (s *Store) addOutboxesChecked(ctx context.Context, es []vigil.OutboxEntry) error {
	if len(es) == 0 {
		return nil
	}
	checked := make([]vigil.OutboxEntry, len(es))
	for i, e := range es {
		var err error
		if checked[i], err = s.newOutbox(e); err != nil {
			return err
		}
	}
	return s.addOutboxesPG(ctx, s.wdb(), checked)
}
