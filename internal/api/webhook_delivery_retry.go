package api

import "context"

type deliveryIDIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The delivery's id."`
}

// webhookDeliveryRetry puts a dead webhook delivery back: it is tried at once, with a
// fresh count of attempts.
func (a *API) webhookDeliveryRetry(ctx context.Context, in *deliveryIDIn) (*deliveryResult, error) {
	d, err := a.app.Notify.RetryDelivery(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &deliveryResult{Body: deliveryOut(d)}, nil
}
