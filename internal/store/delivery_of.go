package store

import (
	"context"
	"fmt"

	"github.com/vigil-health/vigil"
)

// EmailsOf returns the e-mail deliveries of the outbox entries ids, by entry and then
// in the order they were planned: a page of messages shows how each of its e-mails went
// with one query rather than one per message.
func (s *Store) EmailsOf(ctx context.Context, ids []int64) ([]vigil.Delivery, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	out, err := s.deliveriesWhere(ctx, s.rdb(), EmailDeliveries, "d.outbox_id IN ("+placeholders(len(ids))+")", anys(ids),
		"d.outbox_id, d.id")
	if err != nil {
		return nil, fmt.Errorf("e-mails of %d messages: %w", len(ids), err)
	}
	return out, nil
}

// WebhookActivity is how a webhook's deliveries stand: its latest, and how many are dead.
type WebhookActivity struct {
	// Last is its newest delivery; zero (ID 0) when it has had none.
	Last vigil.Delivery
	// Dead counts its deliveries given up on, which people may retry.
	Dead int
}

// WebhookActivities returns, by webhook id, how the deliveries of the webhooks ids
// stand; a webhook that has had none is absent. Payloads are left out.
func (s *Store) WebhookActivities(ctx context.Context, ids []int64) (map[int64]WebhookActivity, error) {
	out := map[int64]WebhookActivity{}
	if len(ids) == 0 {
		return out, nil
	}
	in := placeholders(len(ids))
	last, err := s.deliveriesWhere(ctx, s.rdb(), WebhookDeliveries,
		"d.id IN (SELECT MAX(id) FROM webhook_deliveries WHERE webhook_id IN ("+in+") GROUP BY webhook_id)", anys(ids), "d.id")
	if err != nil {
		return nil, fmt.Errorf("latest webhook deliveries: %w", err)
	}
	for _, d := range last {
		d.Payload = ""
		out[d.WebhookID] = WebhookActivity{Last: d}
	}
	rows, err := s.rdb().query(ctx, `SELECT webhook_id, COUNT(*) FROM webhook_deliveries
		WHERE status = ? AND webhook_id IN (`+in+`) GROUP BY webhook_id`, append([]any{string(vigil.DeliveryDead)}, anys(ids)...)...)
	if err != nil {
		return nil, fmt.Errorf("dead webhook deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("dead webhook deliveries: %w", err)
		}
		a := out[id]
		a.Dead = n
		out[id] = a
	}
	return out, rows.Err()
}

// anys is xs as query arguments.
func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
