package api

import (
	"net/http"

	"github.com/vigil-health/vigil"
)

// Who may call the notification operations: organisation admins their own
// organisation's webhooks, sector admins anyone's, sector analysts read them all. The
// use cases keep each to its organisation.
var (
	webhookManagers = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleOrgAdmin}}
	webhookReaders  = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin}}
)

// notifyRoutes registers the webhooks, their deliveries and the e-mails sent.
func (a *API) notifyRoutes() {
	const (
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
	)
	create := op("create-webhook", http.MethodPost, "/webhooks", "Register a webhook", "notifications", e404)
	create.DefaultStatus = http.StatusCreated
	create.Description = "Registers an address that receives an organisation's messages as they are sent (its suppliers' " +
		"webhooks receive the alerts they may see; the centre's every high and critical alert). Every request carries " +
		"X-Vigil-Signature (t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">) keyed with the secret this answer shows once, " +
		"and X-Vigil-Delivery, the same on every retry."
	Register(a, create, webhookManagers, a.webhookCreate)
	Register(a, op("list-webhooks", http.MethodGet, "/webhooks", "List webhooks", "notifications", e404), webhookReaders, a.webhookList)
	Register(a, op("delete-webhook", http.MethodDelete, "/webhooks/{id}", "Delete a webhook", "notifications", e404),
		webhookManagers, a.webhookDelete)
	Register(a, op("test-webhook", http.MethodPost, "/webhooks/{id}/test", "Send a webhook a test", "notifications", e404),
		webhookManagers, a.webhookPing)
	Register(a, op("list-webhook-deliveries", http.MethodGet, "/webhook-deliveries", "List webhook deliveries", "notifications", e404),
		webhookReaders, a.webhookDeliveryList)
	Register(a, op("retry-webhook-delivery", http.MethodPost, "/webhook-deliveries/{id}/retry", "Retry a dead webhook delivery",
		"notifications", e404, e409), webhookManagers, a.webhookDeliveryRetry)
	Register(a, op("list-emails", http.MethodGet, "/emails", "List e-mails sent and waiting", "notifications", e404),
		webhookReaders, a.emailList)
}
