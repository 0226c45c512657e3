package api

import "context"

// webhookPing sends a test to a webhook at once and answers how it went: delivered, or
// dead with the reason (retry it with POST /webhook-deliveries/{id}/retry).
func (a *API) webhookPing(ctx context.Context, in *webhookIDIn) (*deliveryResult, error) {
	d, err := a.app.Notify.TestWebhook(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &deliveryResult{Body: deliveryOut(d)}, nil
}
