package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type webhookListIn struct {
	Org    string            `query:"org" maxLength:"20" doc:"Only this organisation's webhooks."`
	Centre bool              `query:"centre" doc:"Only the sector centre's webhooks (sector roles)."`
	Sort   vigil.WebhookSort `query:"sort" enum:"org,newest,kind" doc:"The order: org (the centre's first, then by ODS code; the default), newest added first, or kind; ties in the order they were added."`
}

type webhookListOut struct {
	Body struct {
		// Items are the webhooks, in the order asked for.
		Items []Webhook `json:"items" nullable:"false"`
	}
}

// webhookList lists the webhooks the caller may see: every one for sector roles, an
// organisation admin's own organisation's.
func (a *API) webhookList(ctx context.Context, in *webhookListIn) (*webhookListOut, error) {
	ws, err := a.app.Notify.Webhooks(ctx, principal(ctx), vigil.WebhookFilter{Org: in.Org, Centre: in.Centre, Sort: in.Sort})
	if err != nil {
		return nil, err
	}
	out := &webhookListOut{}
	out.Body.Items = mapSlice(ws, webhookOut)
	return out, nil
}
