package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type emailListIn struct {
	Status vigil.DeliveryStatus `query:"status" enum:"pending,delivered,dead" doc:"Only e-mails in this state."`
	Org    string               `query:"org" maxLength:"20" doc:"Only this organisation's e-mails."`
	Outbox int64                `query:"outbox" minimum:"0" doc:"Only the e-mails of this message (GET /outbox)."`
	Sort   vigil.DeliverySort   `query:"sort" enum:"newest,oldest,status,attempts" doc:"The order: newest planned first (the default), oldest, status (dead, delivered, pending) or attempts (tried most often first); ties newest first. A cursor continues only the order it came from."`
	PageParams
}

// emailList lists the e-mails sent or waiting, one per message and recipient, in the
// order asked for, with the .eml file each was written to when the server writes files.
func (a *API) emailList(ctx context.Context, in *emailListIn) (*pageOut[Delivery], error) {
	ds, next, err := a.app.Notify.Emails(ctx, principal(ctx), vigil.DeliveryFilter{Status: in.Status, Org: in.Org,
		OutboxID: in.Outbox, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(ds, deliveryOut), next), nil
}
