package api

import (
	"time"

	"github.com/vigil-health/vigil"
)

// Webhook is a webhook as the API shows it: its address redacted to the scheme and
// host (chat services keep their credential in the rest), its secret never.
type Webhook struct {
	// ID is the webhook's number.
	ID int64 `json:"id"`
	// Org is the ODS code of its organisation; absent for the sector centre's.
	Org string `json:"org,omitempty" doc:"The organisation it belongs to; absent for the sector centre's, which receives every high and critical alert."`
	// Kind is the shape of what it is sent.
	Kind vigil.WebhookKind `json:"kind" enum:"json,teams,slack"`
	// URL is where it posts, redacted.
	URL string `json:"url" example:"https://example.webhook.office.com/…" doc:"The address's scheme and host; the rest is kept sealed."`
	// Description says what it is for.
	Description string `json:"description,omitempty"`
	// CreatedBy is who created it.
	CreatedBy string `json:"created_by"`
	// CreatedAt is when.
	CreatedAt time.Time `json:"created_at"`
}

func webhookOut(w vigil.Webhook) Webhook {
	return Webhook{ID: w.ID, Org: w.Org, Kind: w.Kind, URL: vigil.RedactWebhookURL(w.URL), Description: w.Description,
		CreatedBy: w.CreatedBy, CreatedAt: w.CreatedAt}
}

// Delivery is one delivery of a message: to one e-mail recipient, or to one webhook.
type Delivery struct {
	// ID is the delivery's number; a webhook receives it as X-Vigil-Delivery.
	ID int64 `json:"id"`
	// OutboxID is the message delivered (GET /outbox); absent for a webhook test.
	OutboxID int64 `json:"outbox_id,omitempty"`
	// Org is the organisation: the message's for an e-mail, the webhook's for a post.
	Org string `json:"org,omitempty"`
	// Status is where it is.
	Status vigil.DeliveryStatus `json:"status" enum:"pending,delivered,dead"`
	// Attempts is how many times it was tried.
	Attempts int `json:"attempts"`
	// MaxAttempts is how many tries it gets before it is dead; absent for e-mail, which
	// is tried until the relay takes it.
	MaxAttempts int `json:"max_attempts,omitempty"`
	// NextAttemptAt is when it is tried next, while pending.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	// LastError says why the last attempt failed.
	LastError string `json:"last_error,omitempty"`
	// CreatedAt is when it was planned.
	CreatedAt time.Time `json:"created_at"`
	// DeliveredAt is when the receiver took it.
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	// Recipient is the e-mail address.
	Recipient string `json:"recipient,omitempty"`
	// File is the .eml file the message was written to under <data-dir>/outbox, when
	// the server writes files rather than sending (no relay, or demo mode).
	File string `json:"file,omitempty"`
	// WebhookID is the webhook posted to.
	WebhookID int64 `json:"webhook_id,omitempty"`
	// Event is message or ping.
	Event vigil.WebhookEvent `json:"event,omitempty" enum:"message,ping"`
	// LastStatus is the HTTP status the webhook last answered.
	LastStatus int `json:"last_status,omitempty"`
}

func deliveryOut(d vigil.Delivery) Delivery {
	out := Delivery{ID: d.ID, OutboxID: d.OutboxID, Org: d.Org, Status: d.Status, Attempts: d.Attempts,
		MaxAttempts: d.MaxAttempts, LastError: d.LastError, CreatedAt: d.CreatedAt, DeliveredAt: timePtr(d.DeliveredAt),
		Recipient: d.Recipient, File: d.File, WebhookID: d.WebhookID, Event: d.Event, LastStatus: d.LastStatus}
	if d.Status == vigil.DeliveryPending {
		out.NextAttemptAt = timePtr(d.NextAttemptAt)
	}
	return out
}

type webhookIDIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The webhook's id."`
}

type deliveryResult struct {
	Body Delivery
}
