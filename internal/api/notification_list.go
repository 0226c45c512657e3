package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type notificationListIn struct {
	Org     string           `query:"org" maxLength:"20" doc:"Only this organisation's messages."`
	Kind    vigil.OutboxKind `query:"kind" enum:"immediate,digest,escalation,reminder" doc:"Only immediate alerts, only daily digests, only escalations of missed deadlines, or only reminders of passed posture review dates."`
	Pending bool             `query:"pending" doc:"Only messages not yet sent."`
	Sort    vigil.OutboxSort `query:"sort" enum:"newest,oldest,org,kind" doc:"The order: newest written first (the default), oldest, org (by ODS code) or kind; ties newest first. A cursor continues only the order it came from."`
	PageParams
}

// Notification is a message to an organisation: an immediate alert or a daily digest,
// waiting in the outbox for delivery or already sent.
type Notification struct {
	// ID is the message's number.
	ID int64 `json:"id"`
	// Org is the ODS code of the organisation it is for.
	Org string `json:"org"`
	// Kind is immediate (one high or critical alert), digest (the daily summary) or
	// escalation (a missed acknowledge deadline, to administrators and analysts).
	Kind vigil.OutboxKind `json:"kind" enum:"immediate,digest,escalation,reminder"`
	// Subject is its one-line subject.
	Subject string `json:"subject"`
	// Body is the message as plain text.
	Body string `json:"body"`
	// Recipients, when present, are the only addresses it goes to: an immediate message
	// about a TLP:RED or TLP:AMBER+STRICT alert is for the organisation's administrators
	// and named contacts. Absent means every contact of the organisation.
	Recipients []string `json:"recipients,omitempty"`
	// AlertID is the alert an immediate message is about.
	AlertID int64 `json:"alert_id,omitempty"`
	// TLP is the marking it is sent under, once its delivery is planned.
	TLP vigil.TLP `json:"tlp,omitempty"`
	// CreatedAt is when it was written.
	CreatedAt time.Time `json:"created_at"`
	// DueAt is when it is to be sent.
	DueAt time.Time `json:"due_at"`
	// SentAt is when it was sent; absent while it waits.
	SentAt *time.Time `json:"sent_at,omitempty"`
}

// notificationList lists the outbox, in the order asked for: sector roles every organisation's,
// organisation roles their own. GET /emails and GET /webhook-deliveries say how each
// message's delivery went.
func (a *API) notificationList(ctx context.Context, in *notificationListIn) (*pageOut[Notification], error) {
	es, next, err := a.app.Alerts.Notifications(ctx, principal(ctx),
		vigil.OutboxFilter{Org: in.Org, Kind: in.Kind, Pending: in.Pending, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(es, notificationOut), next), nil
}

func notificationOut(e vigil.OutboxEntry) Notification {
	return Notification{ID: e.ID, Org: e.Org, Kind: e.Kind, Subject: e.Subject, Body: e.Body, Recipients: e.Recipients, AlertID: e.AlertID,
		TLP: e.TLP, CreatedAt: e.CreatedAt, DueAt: e.DueAt, SentAt: timePtr(e.SentAt)}
}
