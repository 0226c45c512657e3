package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type webhookDeliveryListIn struct {
	Status  vigil.DeliveryStatus `query:"status" enum:"pending,delivered,dead" doc:"Only deliveries in this state: dead ones are the dead-letter list."`
	Webhook int64                `query:"webhook" minimum:"0" doc:"Only this webhook's deliveries."`
	Org     string               `query:"org" maxLength:"20" doc:"Only the deliveries of this organisation's webhooks."`
	Sort    vigil.DeliverySort   `query:"sort" enum:"newest,oldest,status,attempts" doc:"The order: newest planned first (the default), oldest, status (dead, delivered, pending) or attempts (tried most often first); ties newest first. A cursor continues only the order it came from."`
	PageParams
}

// webhookDeliveryList lists webhook deliveries, in the order asked for: every one for sector
// roles, an organisation admin's own webhooks'.
func (a *API) webhookDeliveryList(ctx context.Context, in *webhookDeliveryListIn) (*pageOut[Delivery], error) {
	ds, next, err := a.app.Notify.Deliveries(ctx, principal(ctx), vigil.DeliveryFilter{Status: in.Status,
		WebhookID: in.Webhook, Org: in.Org, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(ds, deliveryOut), next), nil
}
