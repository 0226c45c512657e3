package notify

import (
	"context"

	"github.com/vigil-health/vigil"
)

// WebhookState is a webhook as its owners see it: its address redacted and no secret,
// with how its deliveries stand.
type WebhookState struct {
	vigil.Webhook
	// Last is its newest delivery (a message or a test); zero (ID 0) before the first.
	Last vigil.Delivery
	// Dead counts its deliveries given up on: the dead letters people may retry.
	Dead int
}

// WebhookStates lists the webhooks f selects that p may see, as Webhooks does, each with
// how its deliveries stand.
func (s *Service) WebhookStates(ctx context.Context, p vigil.Principal, f vigil.WebhookFilter) ([]WebhookState, error) {
	ws, err := s.Webhooks(ctx, p, f)
	if err != nil {
		return nil, err
	}
	return s.withActivity(ctx, ws)
}

// Webhook returns one webhook p may see, with how its deliveries stand: a sector role
// any, an organisation's admin its own organisation's; any other is not found.
func (s *Service) Webhook(ctx context.Context, p vigil.Principal, id int64) (WebhookState, error) {
	if err := p.Need(webhookReaders...); err != nil {
		return WebhookState{}, err
	}
	w, err := s.store.GetWebhook(ctx, id)
	if err != nil {
		return WebhookState{}, err
	}
	if !p.Role.Sector() && (w.Org == "" || w.Org != p.Org) {
		return WebhookState{}, vigil.Errorf(vigil.ENOTFOUND, "no webhook %d", id)
	}
	out, err := s.withActivity(ctx, []vigil.Webhook{shown(w)})
	if err != nil {
		return WebhookState{}, err
	}
	return out[0], nil
}

// withActivity adds to each webhook how its deliveries stand.
func (s *Service) withActivity(ctx context.Context, ws []vigil.Webhook) ([]WebhookState, error) {
	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	act, err := s.store.WebhookActivities(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]WebhookState, len(ws))
	for i, w := range ws {
		a := act[w.ID]
		out[i] = WebhookState{Webhook: w, Last: a.Last, Dead: a.Dead}
	}
	return out, nil
}
