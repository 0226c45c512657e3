package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// A page of messages reads the e-mails of all its messages at once, and a list of
// webhooks how each one's deliveries stand.
func TestDeliveriesOfMessagesAndWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		s.SetCredentialKey([]byte("first-secret-0123456789abcdef0123"))
		mustCreate(t, s, vigil.Org{ODSCode: "RXA", Name: "Alder", Kind: vigil.OrgTrust})
		now := time.Now().UTC().Truncate(time.Second)
		var msgs []int64
		for _, key := range []string{"one", "two", "three"} {
			id, _, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: "RXA", Kind: vigil.OutboxDigest, Subject: key, Body: "B", DedupKey: key})
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, id)
		}
		for _, m := range msgs[:2] {
			for _, r := range []string{"b@rxa.example", "a@rxa.example"} {
				if err := s.AddEmailDelivery(ctx, vigil.Delivery{OutboxID: m, Recipient: r, NextAttemptAt: now}); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := s.EmailsOf(ctx, []int64{msgs[1], msgs[2]})
		if err != nil || len(got) != 2 || got[0].OutboxID != msgs[1] || got[0].Recipient != "b@rxa.example" || got[1].Recipient != "a@rxa.example" {
			t.Errorf("e-mails of the second and third messages: %+v, %v; want the second's two, as planned", got, err)
		}
		if got, err := s.EmailsOf(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("e-mails of no messages: %+v, %v", got, err)
		}

		hook := func() int64 {
			w, err := s.CreateWebhook(ctx, vigil.Webhook{Org: "RXA", Kind: vigil.WebhookJSON, URL: "https://hooks.example/x", Secret: "whsec_x"})
			if err != nil {
				t.Fatal(err)
			}
			return w.ID
		}
		busy, quiet := hook(), hook()
		var ids []int64
		for _, m := range msgs {
			id, err := s.AddWebhookDelivery(ctx, vigil.Delivery{WebhookID: busy, OutboxID: m, Event: vigil.WebhookMessage,
				Payload: "{}", MaxAttempts: 1, NextAttemptAt: now})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		for i, id := range ids {
			o := store.Outcome{At: now, Err: "the webhook answered 502", Status: 502}
			if i == len(ids)-1 {
				o = store.Outcome{At: now, Status: 204}
			}
			if err := s.RecordAttempt(ctx, store.WebhookDeliveries, id, o); err != nil {
				t.Fatal(err)
			}
		}
		act, err := s.WebhookActivities(ctx, []int64{busy, quiet})
		if err != nil {
			t.Fatal(err)
		}
		if a := act[busy]; a.Dead != 2 || a.Last.ID != ids[2] || a.Last.Status != vigil.DeliveryDelivered || a.Last.LastStatus != 204 || a.Last.Payload != "" {
			t.Errorf("the busy webhook: %+v; want its newest delivered, two dead, no payload", a)
		}
		if a, ok := act[quiet]; ok {
			t.Errorf("the quiet webhook has activity %+v", a)
		}
	})
}
