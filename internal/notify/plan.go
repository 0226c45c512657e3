package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// plan turns the outbox entries that are due into deliveries, in one transaction, and
// returns how many entries it planned. An entry is planned once: its recipients and
// webhooks are those of that moment, and its words no longer change
// (store.RewritePending leaves a planned entry alone).
func (s *Service) plan(ctx context.Context) (int, error) {
	now := s.now().UTC()
	n := 0
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		n = 0
		due, err := tx.DueOutbox(ctx, now, batch)
		if err != nil {
			return err
		}
		for _, e := range due {
			if err := s.planEntry(ctx, tx, e, now); err != nil {
				return fmt.Errorf("plan message %d: %w", e.ID, err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// planEntry plans one entry's e-mails and webhook posts.
func (s *Service) planEntry(ctx context.Context, tx *store.Store, e vigil.OutboxEntry, now time.Time) error {
	org, err := tx.GetOrg(ctx, e.Org)
	if err != nil {
		return err
	}
	var alert *vigil.Alert
	if e.AlertID != 0 {
		a, err := tx.GetAlert(ctx, e.AlertID)
		if err != nil {
			return err
		}
		alert = &a
		e.TLP = vigil.Stricter(e.TLP, a.TLP) // a repeat may have raised it since
	}
	e.TLP = marking(e.TLP)
	to := recipients(e, org.Contacts)
	for _, r := range to {
		if err := tx.AddEmailDelivery(ctx, vigil.Delivery{OutboxID: e.ID, Recipient: r, NextAttemptAt: now}); err != nil {
			return err
		}
	}
	hooks, err := webhooksFor(ctx, tx, e, alert)
	if err != nil {
		return err
	}
	for _, w := range hooks {
		body, err := s.render(w.Kind, s.payload(e, alert, vigil.WebhookMessage))
		if err != nil {
			return err
		}
		if _, err := tx.AddWebhookDelivery(ctx, vigil.Delivery{WebhookID: w.ID, OutboxID: e.ID, Event: vigil.WebhookMessage,
			Payload: body, MaxAttempts: MaxWebhookAttempts, NextAttemptAt: now}); err != nil {
			return err
		}
	}
	if len(to) == 0 {
		s.log.WarnContext(ctx, "a message has nobody to e-mail: give the organisation contacts with an e-mail address",
			"outbox", e.ID, "org", e.Org, "kind", string(e.Kind))
	}
	return tx.MarkOutboxPlanned(ctx, e.ID, e.TLP, now, len(to) == 0)
}

// recipients are the addresses entry e goes to: its Recipients when it names them,
// and otherwise every contact with an e-mail address. An immediate message skips the
// contacts who chose the daily digest alone, which lists every alert.
func recipients(e vigil.OutboxEntry, contacts []vigil.Contact) []string {
	digestOnly := map[string]bool{}
	var all []string
	for _, c := range contacts {
		addr := strings.ToLower(strings.TrimSpace(c.Email))
		if addr == "" {
			continue
		}
		all = append(all, addr)
		digestOnly[addr] = c.DigestOnly()
	}
	if len(e.Recipients) > 0 {
		all = nil
		for _, r := range e.Recipients {
			all = append(all, strings.ToLower(strings.TrimSpace(r)))
		}
	}
	var out []string
	for _, r := range all {
		if r != "" && (e.Kind != vigil.OutboxImmediate || !digestOnly[r]) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// webhooksFor are the webhooks entry e (marked e.TLP, about alert when it has one) goes
// to. Each is an audience of its own, judged by the one visibility rule:
//   - the organisation's own, as a member who is not a named recipient: not TLP:RED;
//   - its suppliers', as the supplier: only a message about one alert, and not one
//     marked TLP:AMBER+STRICT or RED, which is for the organisation alone;
//   - the sector centre's: every message about a high or critical alert.
func webhooksFor(ctx context.Context, tx *store.Store, e vigil.OutboxEntry, alert *vigil.Alert) ([]vigil.Webhook, error) {
	var out []vigil.Webhook
	if (vigil.Audience{Own: e.Org, NotNamed: true}).Sees(e.Org, e.TLP) {
		own, err := tx.ListWebhooks(ctx, vigil.WebhookFilter{Org: e.Org})
		if err != nil {
			return nil, err
		}
		out = append(out, own...)
	}
	if alert == nil {
		return out, nil
	}
	sups, err := tx.Suppliers(ctx, e.Org)
	if err != nil {
		return nil, err
	}
	for _, sup := range sups {
		seen, err := supplierSees(ctx, tx, sup, e)
		if err != nil {
			return nil, err
		}
		if !seen {
			continue
		}
		hooks, err := tx.ListWebhooks(ctx, vigil.WebhookFilter{Org: sup.ODSCode})
		if err != nil {
			return nil, err
		}
		out = append(out, hooks...)
	}
	if alert.Severity.Rank() >= vigil.SeverityHigh.Rank() {
		centre, err := tx.ListWebhooks(ctx, vigil.WebhookFilter{Centre: true})
		if err != nil {
			return nil, err
		}
		out = append(out, centre...)
	}
	return out, nil
}

// supplierSees reports whether supplier sup may see entry e, as its staff would.
func supplierSees(ctx context.Context, tx *store.Store, sup vigil.Org, e vigil.OutboxEntry) (bool, error) {
	if sup.Kind != vigil.OrgSupplier || sup.ODSCode == e.Org {
		return false, nil // an organisation's own webhooks already have it
	}
	customers, err := tx.Customers(ctx, sup.ODSCode)
	if err != nil {
		return false, err
	}
	codes := make([]string, len(customers))
	for i, c := range customers {
		codes[i] = c.ODSCode
	}
	aud := vigil.AudienceOf(vigil.Principal{Role: vigil.RoleSupplier, Org: sup.ODSCode}, codes)
	return aud.Sees(e.Org, e.TLP), nil
}

// Payload is the JSON body a webhook of kind json receives: the message, what it is
// about and how far it may be shared.
type Payload struct {
	// Event is "message" for an outbox message, "ping" for a test.
	Event vigil.WebhookEvent `json:"event"`
	// ID is the outbox message's id (0 for a ping).
	ID int64 `json:"id"`
	// Org is the ODS code of the organisation the message is for.
	Org string `json:"org,omitempty"`
	// Kind is the message's kind: immediate, digest, or another.
	Kind string `json:"kind,omitempty"`
	// Subject and Body are the message's words, as e-mail has them (without the marking).
	Subject string `json:"subject"`
	// Body is the plain-text message.
	Body string `json:"body"`
	// AlertID is the alert the message is about; 0 for a digest.
	AlertID int64 `json:"alert_id,omitempty"`
	// Link opens the alert (or the alerts) in vigil, when the server knows its address.
	Link string `json:"link,omitempty"`
	// TLP is the marking: share the message no further than it allows.
	TLP vigil.TLP `json:"tlp"`
	// Severity is the alert's, for a message about one.
	Severity vigil.Severity `json:"severity,omitempty"`
	// CreatedAt is when the message was written.
	CreatedAt time.Time `json:"created_at"`
}

// payload is the JSON payload of entry e.
func (s *Service) payload(e vigil.OutboxEntry, alert *vigil.Alert, ev vigil.WebhookEvent) Payload {
	p := Payload{Event: ev, ID: e.ID, Org: e.Org, Kind: string(e.Kind), Subject: e.Subject, Body: e.Body,
		AlertID: e.AlertID, Link: s.link(e), TLP: marking(e.TLP), CreatedAt: e.CreatedAt.UTC()}
	if alert != nil {
		p.Severity = alert.Severity
	}
	return p
}

// render is the request body a webhook of kind k gets for p.
func (s *Service) render(k vigil.WebhookKind, p Payload) (string, error) {
	var v any = p
	switch k {
	case vigil.WebhookTeams:
		v = teamsCard(p)
	case vigil.WebhookSlack:
		v = slackMessage(p)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("render %s payload: %w", k, err)
	}
	return string(b), nil
}
