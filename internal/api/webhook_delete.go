package api

import "context"

// webhookDelete removes a webhook and its deliveries.
func (a *API) webhookDelete(ctx context.Context, in *webhookIDIn) (*struct{}, error) {
	if err := a.app.Notify.DeleteWebhook(ctx, principal(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
