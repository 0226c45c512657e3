package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/notify"
)

// notifyMatrix is who may call the notification operations: an organisation admin its
// own organisation's webhooks, a sector admin anyone's and the centre's, sector
// analysts read; other roles nothing.
var notifyMatrix = []matrixRow{
	{"POST /webhooks", "own", newWebhookBody(ownOrg), statuses{created, forbid, created, forbid, forbid, forbid, unauth}},
	{"POST /webhooks", "other", newWebhookBody(otherOrg), statuses{created, forbid, notFound, forbid, forbid, forbid, unauth}},
	{"POST /webhooks", "", newWebhookBody(""), statuses{created, forbid, created, forbid, forbid, forbid, unauth}},
	{"GET /webhooks", "", at("/webhooks"), statuses{ok, ok, ok, forbid, forbid, forbid, unauth}},
	{"GET /webhooks", "other", at("/webhooks?org=" + otherOrg), statuses{ok, ok, notFound, forbid, forbid, forbid, unauth}},
	{"DELETE /webhooks/{id}", "own", onWebhook(ownOrg, ""), statuses{noBody, forbid, noBody, forbid, forbid, forbid, unauth}},
	{"DELETE /webhooks/{id}", "other", onWebhook(otherOrg, ""), statuses{noBody, forbid, notFound, forbid, forbid, forbid, unauth}},
	{"POST /webhooks/{id}/test", "own", onWebhook(ownOrg, "/test"), statuses{ok, forbid, ok, forbid, forbid, forbid, unauth}},
	{"POST /webhooks/{id}/test", "other", onWebhook(otherOrg, "/test"), statuses{ok, forbid, notFound, forbid, forbid, forbid, unauth}},
	{"GET /webhook-deliveries", "", at("/webhook-deliveries?status=dead"), statuses{ok, ok, ok, forbid, forbid, forbid, unauth}},
	{"GET /webhook-deliveries", "other", at("/webhook-deliveries?org=" + otherOrg), statuses{ok, ok, notFound, forbid, forbid, forbid, unauth}},
	{"POST /webhook-deliveries/{id}/retry", "own", onDeadDelivery(ownOrg), statuses{ok, forbid, ok, forbid, forbid, forbid, unauth}},
	{"POST /webhook-deliveries/{id}/retry", "other", onDeadDelivery(otherOrg), statuses{ok, forbid, notFound, forbid, forbid, forbid, unauth}},
	{"GET /emails", "", at("/emails"), statuses{ok, ok, ok, forbid, forbid, forbid, unauth}},
	{"GET /emails", "other", at("/emails?org=" + otherOrg), statuses{ok, ok, notFound, forbid, forbid, forbid, unauth}},
}

// newWebhookBody is a request to register a JSON webhook for org.
func newWebhookBody(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		return "/webhooks", map[string]any{"org": org, "kind": "json", "url": "https://hooks.example/" + f.unique("h")}
	}
}

// onWebhook is a request about a fresh webhook of org posting to a local server that
// answers 204.
func onWebhook(org, verb string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/webhooks/%d%s", f.webhook(org, http.StatusNoContent).ID, verb), nil
	}
}

// onDeadDelivery is a retry of a fresh dead delivery: a test of a webhook of org whose
// server answers 500.
func onDeadDelivery(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		w := f.webhook(org, http.StatusInternalServerError)
		d, err := f.app.Notify.TestWebhook(context.Background(), vigil.CommandLine, w.ID)
		if err != nil || d.Status != vigil.DeliveryDead {
			f.t.Fatalf("test of a failing webhook: %+v, %v", d, err)
		}
		return fmt.Sprintf("/webhook-deliveries/%d/retry", d.ID), nil
	}
}

// webhook registers a webhook of org posting to a local server that answers status.
func (f *fixture) webhook(org string, status int) vigil.Webhook {
	f.t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	f.t.Cleanup(srv.Close)
	w, err := f.app.Notify.CreateWebhook(context.Background(), vigil.CommandLine,
		notify.NewWebhook{Org: org, Kind: vigil.WebhookJSON, URL: srv.URL + "/hook"})
	if err != nil {
		f.t.Fatal(err)
	}
	return w
}
