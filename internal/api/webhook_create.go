package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/notify"
)

type webhookCreateIn struct {
	Body struct {
		Org         string            `json:"org,omitempty" maxLength:"20" doc:"The organisation's ODS code. Empty: your own organisation (org_admin), or the sector centre (sector_admin)."`
		Kind        vigil.WebhookKind `json:"kind" enum:"json,teams,slack" doc:"json: vigil's payload, signed; teams: a Microsoft Teams incoming webhook; slack: a Slack incoming webhook."`
		URL         string            `json:"url" minLength:"1" maxLength:"2000" doc:"The https:// address to post to (http:// only into webhook_allow_private). Kept sealed; shown redacted."`
		Description string            `json:"description,omitempty" maxLength:"200" doc:"What it is for."`
	}
}

type webhookCreateOut struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Secret string `json:"secret" doc:"Keys the X-Vigil-Signature of every request: shown this once (docs/notifications.md says how to check it)."`
		Webhook
	}
}

// webhookCreate registers a webhook and shows its secret once.
func (a *API) webhookCreate(ctx context.Context, in *webhookCreateIn) (*webhookCreateOut, error) {
	b := in.Body
	w, err := a.app.Notify.CreateWebhook(ctx, principal(ctx), notify.NewWebhook{Org: b.Org, Kind: b.Kind, URL: b.URL,
		Description: b.Description})
	if err != nil {
		return nil, err
	}
	out := &webhookCreateOut{CacheControl: "no-store"}
	out.Body.Secret, out.Body.Webhook = w.Secret, webhookOut(w)
	return out, nil
}
