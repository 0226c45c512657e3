package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// CreateWebhook registers a webhook; w.Org empty is the sector centre's. Its URL and
// secret are sealed with the server's credential key (SetCredentialKey), as feed
// credentials are. The webhook returned has its URL and secret in the clear.
func (s *Store) CreateWebhook(ctx context.Context, w vigil.Webhook) (vigil.Webhook, error) {
	if !w.Kind.Valid() {
		return vigil.Webhook{}, vigil.Errorf(vigil.EINVALID, "webhook kind %q is not one of json, teams, slack", w.Kind)
	}
	if w.URL == "" || w.Secret == "" {
		return vigil.Webhook{}, vigil.Errorf(vigil.EINVALID, "a webhook needs an address and a secret")
	}
	var err error
	if w.Description, err = vigil.Text("description", w.Description, 200, false); err != nil {
		return vigil.Webhook{}, err
	}
	w.CreatedAt = s.now()
	rows, err := s.wdb().query(ctx, `INSERT INTO webhooks (org, kind, url, secret, description, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, nullString(w.Org), string(w.Kind), s.seal(w.URL), s.seal(w.Secret),
		w.Description, w.CreatedBy, dbTime(w.CreatedAt))
	if err == nil {
		w.ID, err = scanOptionalID(rows)
	}
	if isForeignKeyViolation(err) {
		return vigil.Webhook{}, vigil.OrgNotFound(w.Org)
	}
	if err != nil {
		return vigil.Webhook{}, fmt.Errorf("create webhook: %w", err)
	}
	return w, nil
}

const webhookColumns = `id, org, kind, url, secret, description, created_by, created_at`

// scanWebhook reads a webhook with its URL and secret unsealed.
func (s *Store) scanWebhook(sc scanner) (vigil.Webhook, error) {
	var w vigil.Webhook
	var org sql.NullString
	err := sc.Scan(&w.ID, &org, &w.Kind, &w.URL, &w.Secret, &w.Description, &w.CreatedBy, scanTime(&w.CreatedAt))
	w.Org, w.URL, w.Secret = org.String, s.unseal(w.URL), s.unseal(w.Secret)
	return w, err
}

// GetWebhook returns a webhook with its URL and secret in the clear: for delivery, and
// for the use case to check whose it is. Doors show neither.
func (s *Store) GetWebhook(ctx context.Context, id int64) (vigil.Webhook, error) {
	w, err := s.scanWebhook(s.rdb().row(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Webhook{}, vigil.Errorf(vigil.ENOTFOUND, "no webhook %d: list them with GET /api/v1/webhooks", id)
	}
	if err != nil {
		return vigil.Webhook{}, fmt.Errorf("get webhook %d: %w", id, err)
	}
	return w, nil
}

// webhookOrders are the orders of a list of webhooks (vigil.WebhookSort); the list is
// not paged, so it needs no cursor.
var webhookOrders = sortedList[vigil.WebhookSort, vigil.Webhook]{tie: "id", orders: map[vigil.WebhookSort]keyOrder[vigil.Webhook]{
	vigil.WebhookByOrg:    {col: "COALESCE(org, '')", keyAsc: true, tieAsc: true},
	vigil.WebhookByNewest: {col: "id"},
	vigil.WebhookByKind:   {col: "kind", keyAsc: true, tieAsc: true},
}}

// ListWebhooks returns the webhooks f selects in f.Sort's order (the centre's first and
// then by organisation unless asked), with their URLs and secrets in the clear.
func (s *Store) ListWebhooks(ctx context.Context, f vigil.WebhookFilter) ([]vigil.Webhook, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, err
	}
	var w where
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Centre, "org IS NULL")
	w.in("org", f.Orgs)
	rows, err := s.rdb().query(ctx, `SELECT `+webhookColumns+` FROM webhooks`+w.String()+
		webhookOrders.orderBy(f.Sort.Or()), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	defer rows.Close()
	var out []vigil.Webhook
	for rows.Next() {
		wh, err := s.scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("list webhooks: %w", err)
		}
		out = append(out, wh)
	}
	return out, rows.Err()
}

// DeleteWebhook removes a webhook and its deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	res, err := s.wdb().exec(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete webhook %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no webhook %d: list them with GET /api/v1/webhooks", id)
	}
	return nil
}

// in adds "col IN (...)" when list is not nil; an empty list matches nothing.
func (w *where) in(col string, list []string) {
	if list == nil {
		return
	}
	if len(list) == 0 {
		w.add(true, "1 = 0")
		return
	}
	args := make([]any, len(list))
	for i, v := range list {
		args[i] = v
	}
	w.add(true, col+" IN ("+placeholders(len(list))+")", args...)
}
