package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// A webhook's secret and address are sealed at rest, as feed credentials are: chat
// services keep their credential in the address.
func TestWebhookSecretsAreSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		s.SetCredentialKey([]byte("first-secret-0123456789abcdef0123"))
		mustCreate(t, s, vigil.Org{ODSCode: "RXA", Name: "Alder", Kind: vigil.OrgTrust})
		w, err := s.CreateWebhook(ctx, vigil.Webhook{Org: "RXA", Kind: vigil.WebhookSlack,
			URL: "https://hooks.slack.example/services/T0/B0/xoxb-in-clear", Secret: "whsec_in-clear", CreatedBy: "cli"})
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"xoxb-in-clear", "whsec_in-clear"} {
			if found, err := s.TableContains(ctx, "webhooks", secret); err != nil || found {
				t.Errorf("webhooks table holds %q in clear (err %v)", secret, err)
			}
		}
		got, err := s.GetWebhook(ctx, w.ID)
		if err != nil || got.URL != w.URL || got.Secret != "whsec_in-clear" || got.Org != "RXA" {
			t.Errorf("read back %+v, %v", got, err)
		}
		if _, err := s.CreateWebhook(ctx, vigil.Webhook{Org: "RZZ", Kind: vigil.WebhookJSON, URL: "https://x.example/", Secret: "s"}); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("a webhook of an unknown organisation: %v", err)
		}
	})
}

// Deliveries are planned once per receiver, claimed for a lease, and recorded: a
// failure waits for its retry, a success marks the message sent once no e-mail of it
// waits, and only a dead delivery may be retried.
func TestDeliveryLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, vigil.Org{ODSCode: "RXA", Name: "Alder", Kind: vigil.OrgTrust})
		id, _, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: "RXA", Kind: vigil.OutboxDigest, Subject: "S", Body: "B", DedupKey: "d"})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
		for _, r := range []string{"a@rxa.example", "b@rxa.example", "a@rxa.example"} {
			if err := s.AddEmailDelivery(ctx, vigil.Delivery{OutboxID: id, Recipient: r, NextAttemptAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		claimed, err := s.ClaimDeliveries(ctx, store.EmailDeliveries, now, time.Minute, 10)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claimed %+v, %v; want the two recipients once each", claimed, err)
		}
		if again, _ := s.ClaimDeliveries(ctx, store.EmailDeliveries, now, time.Minute, 10); len(again) != 0 {
			t.Errorf("claimed again during the lease: %+v", again)
		}
		if err := s.RecordAttempt(ctx, store.EmailDeliveries, claimed[0].ID, store.Outcome{At: now, File: "x.eml"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordAttempt(ctx, store.EmailDeliveries, claimed[1].ID, store.Outcome{At: now, Err: "down",
			Retry: now.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.GetOutbox(ctx, id); !e.SentAt.IsZero() {
			t.Errorf("message sent while an e-mail of it waits")
		}
		if _, err := s.RetryDelivery(ctx, store.EmailDeliveries, claimed[1].ID, now); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("retrying a pending delivery: %v, want a conflict", err)
		}
		if err := s.RecordAttempt(ctx, store.EmailDeliveries, claimed[1].ID, store.Outcome{At: now, Err: "gone"}); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.GetOutbox(ctx, id); !e.SentAt.Equal(now) {
			t.Errorf("sent at %v once every e-mail is done, want %v", e.SentAt, now)
		}
		d, err := s.RetryDelivery(ctx, store.EmailDeliveries, claimed[1].ID, now)
		if err != nil || d.Status != vigil.DeliveryPending || d.Attempts != 0 || d.LastError != "gone" {
			t.Errorf("retried: %+v, %v", d, err)
		}
		ds, next, err := s.ListDeliveries(ctx, store.EmailDeliveries, vigil.DeliveryFilter{Limit: 1})
		if err != nil || len(ds) != 1 || next == "" || ds[0].ID != claimed[1].ID {
			t.Fatalf("first page %+v %q %v", ds, next, err)
		}
		ds, next, err = s.ListDeliveries(ctx, store.EmailDeliveries, vigil.DeliveryFilter{Limit: 1, Cursor: next})
		if err != nil || len(ds) != 1 || next != "" || ds[0].File != "x.eml" || ds[0].Status != vigil.DeliveryDelivered {
			t.Errorf("second page %+v %q %v", ds, next, err)
		}
	})
}
