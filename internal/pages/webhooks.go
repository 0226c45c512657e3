package pages

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/notify"
)

func (p *Pages) webhookRoutes() []route {
	return []route{
		{"GET /webhooks", p.webhookList},
		{"GET /webhooks/new", p.webhookNew},
		{"POST /webhooks", p.webhookCreate},
		{"GET /webhooks/deliveries", p.deliveryList},
		{"POST /webhooks/deliveries/{id}/retry", p.deliveryRetry},
		{"GET /webhooks/{id}", p.webhookDetail},
		{"POST /webhooks/{id}/test", p.webhookTest},
		{"GET /webhooks/{id}/delete", p.webhookDeleteConfirm},
		{"POST /webhooks/{id}/delete", p.webhookDelete},
	}
}

// webhookKinds are the kinds of webhook, as the add form offers them.
var webhookKinds = []struct{ Value, Text, Hint string }{
	{string(vigil.WebhookTeams), "Microsoft Teams", "The incoming webhook address Microsoft Teams gives for a channel: each message arrives as a card with a button that opens it in vigil."},
	{string(vigil.WebhookSlack), "Slack", "The incoming webhook address Slack gives for a channel: each message arrives with its marking and a link to it in vigil."},
	{string(vigil.WebhookJSON), "Another system (vigil's signed JSON)", "For a ticketing system or a tool of your own: each message as JSON, signed so that the receiver can check it came from vigil."},
}

func webhookKindText(k vigil.WebhookKind) string {
	for _, c := range webhookKinds {
		if c.Value == string(k) {
			return c.Text
		}
	}
	return string(k)
}

// canManageWebhooks reports whether pr may add, test and delete webhooks and retry their
// deliveries (of its own organisation, or any for a sector admin); analysts only read.
func canManageWebhooks(pr vigil.Principal) bool {
	return pr.Role == vigil.RoleSectorAdmin || pr.Role == vigil.RoleOrgAdmin
}

// webhookRow is a webhook as the pages show it.
type webhookRow struct{ notify.WebhookState }

// KindText is the kind in words.
func (w webhookRow) KindText() string { return webhookKindText(w.Kind) }

// Owner is whose webhook it is.
func (w webhookRow) Owner() string {
	if w.Org == "" {
		return "Sector centre"
	}
	return w.Org
}

// LastState says how its newest delivery went.
func (w webhookRow) LastState() tag {
	if w.Last.ID == 0 {
		return tag{"Nothing sent yet", "nhsuk-tag--grey"}
	}
	return deliveryRow{w.Last}.State()
}

// deliveryRow is one webhook delivery as the pages show it.
type deliveryRow struct{ vigil.Delivery }

// State says where the delivery is.
func (d deliveryRow) State() tag {
	switch {
	case d.Status == vigil.DeliveryDelivered:
		return tag{"Delivered", "nhsuk-tag--green"}
	case d.Status == vigil.DeliveryDead:
		return tag{"Failed", "nhsuk-tag--red"}
	case d.Attempts > 0:
		return tag{"Retrying", "nhsuk-tag--yellow"}
	}
	return tag{"Waiting", "nhsuk-tag--grey"}
}

// What says what the delivery carries.
func (d deliveryRow) What() string {
	if d.Event == vigil.WebhookPing {
		return "Test"
	}
	return "Message " + strconv.FormatInt(d.OutboxID, 10)
}

// webhooksData is the list of webhooks.
type webhooksData struct {
	Webhooks  []webhookRow
	Query     url.Values
	CanManage bool
	// Sector says the viewer sees every organisation's webhooks and the centre's.
	Sector bool
	// Dead counts the failed deliveries of the webhooks listed.
	Dead int
	// Heads are the column headers that sort the list.
	Heads sortHeads
}

// webhookSortCols are the sorting columns of the list of webhooks.
var webhookSortCols = []sortCol[vigil.WebhookSort]{
	{Name: "org", By: vigil.WebhookByOrg, Asc: true},
	{Name: "kind", By: vigil.WebhookByKind, Asc: true},
}

func (p *Pages) webhookList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := vigil.WebhookFilter{Org: strings.TrimSpace(q.Get("org")), Sort: vigil.WebhookSort(q.Get("sort"))}
	if strings.EqualFold(f.Org, "centre") {
		f.Org, f.Centre = "", true
	}
	list, err := p.app.Notify.WebhookStates(r.Context(), pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := webhooksData{Query: q, CanManage: canManageWebhooks(pr), Sector: sectorRole(pr),
		Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.WebhookByOrg, webhookSortCols...)}
	for _, s := range list {
		d.Webhooks = append(d.Webhooks, webhookRow{s})
		d.Dead += s.Dead
	}
	if q.Get("format") == "csv" {
		writeWebhooksCSV(w, d.Webhooks)
		return
	}
	p.render(w, r, http.StatusOK, "webhooks.html", &view{Title: "Webhooks", Data: d})
}

// writeWebhooksCSV writes the webhooks as the list shows them (addresses redacted).
func writeWebhooksCSV(w http.ResponseWriter, list []webhookRow) {
	cw := csvDownload(w, "webhooks.csv", "id", "owner", "kind", "address", "description", "created_by", "created_at",
		"last_delivery", "last_delivery_at", "failed_deliveries")
	for _, h := range list {
		_ = cw.Write([]string{strconv.FormatInt(h.ID, 10), h.Owner(), string(h.Kind), csvSafe(h.URL), csvSafe(h.Description),
			csvSafe(h.CreatedBy), csvTime(h.CreatedAt), h.LastState().Text, csvTime(h.Last.CreatedAt), strconv.Itoa(h.Dead)})
	}
	cw.Flush()
}

// webhookForm is the add form: what the person typed.
type webhookForm struct {
	URL, Kind, Description, Org string
	// Sector says the form offers the owner (a sector admin's).
	Sector bool
	Kinds  []struct{ Value, Text, Hint string }
}

func (p *Pages) webhookNew(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if !canManageWebhooks(pr) {
		p.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "only an organisation's administrators, and the sector centre's, add webhooks"))
		return
	}
	p.render(w, r, http.StatusOK, "webhook_new.html", &view{Title: "Add a webhook",
		Data: webhookForm{Sector: pr.Role == vigil.RoleSectorAdmin, Kinds: webhookKinds}})
}

const chooseKind = "Choose where the messages go: Microsoft Teams, Slack or another system"

// webhookCreatedData is the page that shows a new webhook's secret, the only time it
// is shown.
type webhookCreatedData struct {
	Webhook webhookRow
	Secret  string
}

// webhookCreate adds a webhook and shows its secret once: the page is the answer to the
// form itself, not a redirect, so that the secret is in no address or history entry;
// pages are never cached.
func (p *Pages) webhookCreate(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f := webhookForm{URL: strings.TrimSpace(r.PostFormValue("webhook-url")), Kind: r.PostFormValue("webhook-kind"),
		Description: r.PostFormValue("webhook-description"), Sector: pr.Role == vigil.RoleSectorAdmin, Kinds: webhookKinds}
	if f.Sector {
		f.Org = strings.TrimSpace(r.PostFormValue("webhook-org"))
	}
	var missing []fieldError // said together, before the use case checks what was given
	if f.Kind == "" {
		missing = append(missing, fieldError{"webhook-kind", chooseKind})
	}
	if f.URL == "" {
		missing = append(missing, fieldError{"webhook-url", "Enter the address the chat service or the receiving system gave you"})
	}
	if len(missing) > 0 {
		p.render(w, r, http.StatusUnprocessableEntity, "webhook_new.html", &view{Title: "Add a webhook", Errors: missing, Data: f})
		return
	}
	hook, err := p.app.Notify.CreateWebhook(r.Context(), pr, notify.NewWebhook{Org: f.Org, Kind: vigil.WebhookKind(f.Kind),
		URL: f.URL, Description: f.Description})
	var we *notify.WebhookError
	if errors.As(err, &we) {
		text := capitalise(vigil.ErrorMessage(err))
		if we.Field == "kind" {
			text = chooseKind
		}
		p.render(w, r, http.StatusUnprocessableEntity, "webhook_new.html", &view{Title: "Add a webhook",
			Errors: []fieldError{{"webhook-" + we.Field, text}}, Data: f})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	hook.URL = vigil.RedactWebhookURL(hook.URL)
	p.render(w, r, http.StatusCreated, "webhook_created.html", &view{Title: "Your new webhook",
		Data: webhookCreatedData{Webhook: webhookRow{notify.WebhookState{Webhook: hook}}, Secret: hook.Secret}})
}

// deliveriesData is a page of webhook deliveries: of one webhook, or of every one the
// viewer may see.
type deliveriesData struct {
	// Webhook is the webhook whose page this is; nil on the list of every delivery.
	Webhook    *webhookRow
	Deliveries []deliveryRow
	Query      url.Values
	Next       string
	Statuses   []choice
	CanManage  bool
	Sector     bool
	// TestFailed says the test just sent did not arrive.
	TestFailed bool
	// Heads are the column headers that sort the list of every delivery.
	Heads sortHeads
}

// deliverySortCols are the sorting columns of the list of deliveries.
var deliverySortCols = []sortCol[vigil.DeliverySort]{
	{Name: "delivery", By: vigil.DeliveryByNewest, Back: vigil.DeliveryByOldest},
	{Name: "status", By: vigil.DeliveryByStatus, Asc: true},
	{Name: "tries", By: vigil.DeliveryByAttempts},
}

var deliveryStatuses = []choice{{"", "Any"}, {string(vigil.DeliveryDead), "Failed"}, {string(vigil.DeliveryPending), "Waiting or retrying"},
	{string(vigil.DeliveryDelivered), "Delivered"}}

// deliveryFilter reads a list of deliveries' filters from the query.
func deliveryFilter(q url.Values) vigil.DeliveryFilter {
	f := vigil.DeliveryFilter{Status: vigil.DeliveryStatus(q.Get("status")), Org: q.Get("org"),
		Sort: vigil.DeliverySort(q.Get("sort")), Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	return f
}

// deliveryList lists the webhook deliveries the viewer may see; ?status=dead is the
// dead-letter list, each with "Retry now".
func (p *Pages) deliveryList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := deliveryFilter(q)
	d := deliveriesData{Query: q, Statuses: deliveryStatuses, CanManage: canManageWebhooks(pr), Sector: sectorRole(pr),
		Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.DeliveryByNewest, deliverySortCols...)}
	title := "Webhook deliveries"
	if q.Get("status") == string(vigil.DeliveryDead) {
		title = "Failed webhook deliveries"
	}
	p.showDeliveries(w, r, pr, f, title, "webhook_deliveries.html", d)
}

// showDeliveries lists the deliveries f selects into d and renders them, or downloads
// them as CSV.
func (p *Pages) showDeliveries(w http.ResponseWriter, r *http.Request, pr vigil.Principal, f vigil.DeliveryFilter, title, page string, d deliveriesData) {
	list, next, err := p.app.Notify.Deliveries(r.Context(), pr, f)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.render(w, r, http.StatusBadRequest, page, &view{Title: title,
			Errors: errorOn(filterField(err, "status", "org", "cursor"), err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, x := range list {
		d.Deliveries = append(d.Deliveries, deliveryRow{x})
	}
	if d.Query.Get("format") == "csv" {
		writeDeliveriesCSV(w, d.Deliveries)
		return
	}
	if next != "" {
		d.Next = withQuery(r.URL.Path, d.Query, "cursor", next)
	}
	p.render(w, r, http.StatusOK, page, &view{Title: title, Data: d})
}

// writeDeliveriesCSV writes the deliveries as the page shows them.
func writeDeliveriesCSV(w http.ResponseWriter, list []deliveryRow) {
	cw := csvDownload(w, "webhook-deliveries.csv", "id", "webhook_id", "organisation", "event", "message_id", "status",
		"attempts", "max_attempts", "last_http_status", "last_error", "created_at", "next_attempt_at", "delivered_at")
	for _, d := range list {
		next := ""
		if d.Status == vigil.DeliveryPending {
			next = csvTime(d.NextAttemptAt)
		}
		_ = cw.Write([]string{strconv.FormatInt(d.ID, 10), strconv.FormatInt(d.WebhookID, 10), d.Org, string(d.Event),
			strconv.FormatInt(d.OutboxID, 10), string(d.Status), strconv.Itoa(d.Attempts), strconv.Itoa(d.MaxAttempts),
			strconv.Itoa(d.LastStatus), csvSafe(d.LastError), csvTime(d.CreatedAt), next, csvTime(d.DeliveredAt)})
	}
	cw.Flush()
}

// webhookDetail shows one webhook, how its deliveries went, and what its owners can do.
func (p *Pages) webhookDetail(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "webhook")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	hook, err := p.app.Notify.Webhook(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	row := webhookRow{hook}
	d := deliveriesData{Webhook: &row, Query: q, Statuses: deliveryStatuses, CanManage: canManageWebhooks(pr),
		Sector: sectorRole(pr), TestFailed: q.Get("test") == "failed"}
	f := deliveryFilter(q)
	f.WebhookID, f.Org = id, ""
	p.showDeliveries(w, r, pr, f, "Webhook to "+hook.URL, "webhook.html", d)
}

// webhookTest sends the webhook a test at once and comes back to its page, saying
// whether it arrived.
func (p *Pages) webhookTest(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "webhook")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d, err := p.app.Notify.TestWebhook(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	to := "/webhooks/" + strconv.FormatInt(id, 10)
	if d.Status == vigil.DeliveryDelivered {
		to += "?done=webhook-test-delivered"
	} else {
		to += "?test=failed"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// webhookDeleteConfirm asks whether to delete the webhook.
func (p *Pages) webhookDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "webhook")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if !canManageWebhooks(pr) {
		p.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "only an organisation's administrators, and the sector centre's, delete webhooks"))
		return
	}
	hook, err := p.app.Notify.Webhook(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "webhook_delete.html", &view{Title: "Delete the webhook to " + hook.URL + "?", Data: webhookRow{hook}})
}

func (p *Pages) webhookDelete(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "webhook")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.app.Notify.DeleteWebhook(r.Context(), pr, id); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/webhooks?done=webhook-deleted", http.StatusSeeOther)
}

// deliveryRetry puts a failed delivery back to be tried at once, and goes back to the
// page the button was on: the webhook's, or the list of failed deliveries.
func (p *Pages) deliveryRetry(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "delivery")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d, err := p.app.Notify.RetryDelivery(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	to := "/webhooks/deliveries?status=dead&done=delivery-retried"
	if r.PostFormValue("from") == "webhook" {
		to = "/webhooks/" + strconv.FormatInt(d.WebhookID, 10) + "?done=delivery-retried"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
