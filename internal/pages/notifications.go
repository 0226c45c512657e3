package pages

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/notify"
)

// notifyRoutes are the pages of notifications: the messages sent, and webhooks
// (webhooks.go).
func (p *Pages) notifyRoutes() []route {
	return append([]route{{"GET /notifications", p.messageList}}, p.webhookRoutes()...)
}

// messagesData is a page of the messages vigil sent or will send, with the filters that
// chose it.
type messagesData struct {
	Messages []messageRow
	Query    url.Values
	Next     string // the next page's address; empty on the last page
	Kinds    []choice
	// Sector says the viewer sees every organisation's messages, and may pick one.
	Sector bool
	// Member says the viewer sees only the e-mails sent to them (an organisation's member).
	Member bool
	// FileMode says the server writes e-mails as .eml files instead of sending them.
	FileMode bool
	// Sorts are the orders the form offers, and Heads the column headers that sort.
	Sorts []choice
	Heads sortHeads
}

// messageSortCols are the sorting columns of the messages sent.
var messageSortCols = []sortCol[vigil.OutboxSort]{
	{Name: "message", By: vigil.OutboxByNewest, Back: vigil.OutboxByOldest},
	{Name: "org", By: vigil.OutboxByOrg, Asc: true},
}

// messageSorts are the orders of the messages sent in words, for the form.
var messageSorts = []choice{{"", "Newest first"}, {string(vigil.OutboxByOldest), "Oldest first"},
	{string(vigil.OutboxByOrg), "Organisation"}, {string(vigil.OutboxByKind), "Kind"}}

// messageKinds are the kinds of message, as people call them.
var messageKinds = []choice{{string(vigil.OutboxImmediate), "Urgent alert"}, {string(vigil.OutboxDigest), "Daily summary"},
	{string(vigil.OutboxEscalation), "Missed deadline"}, {string(vigil.OutboxReminder), "Review reminder"}}

// messageRow is one message as the list shows it.
type messageRow struct{ notify.Message }

// KindText says what sort of message it is.
func (m messageRow) KindText() string {
	for _, c := range messageKinds {
		if c.Value == string(m.Kind) {
			return c.Text
		}
	}
	return string(m.Kind)
}

// State is where the message as a whole is, as far as the viewer can see its e-mails.
func (m messageRow) State() tag {
	dead, retrying := false, false
	for _, d := range m.Emails {
		dead = dead || d.Status == vigil.DeliveryDead
		retrying = retrying || (d.Status == vigil.DeliveryPending && d.Attempts > 0)
	}
	switch {
	case !m.SentAt.IsZero() && dead:
		return tag{"Not all delivered", "nhsuk-tag--orange"}
	case !m.SentAt.IsZero():
		return tag{"Sent", "nhsuk-tag--green"}
	case retrying:
		return tag{"Retrying", "nhsuk-tag--yellow"}
	}
	return tag{"Waiting", "nhsuk-tag--grey"}
}

// Mails are the message's e-mails as the list shows them.
func (m messageRow) Mails() []emailRow {
	out := make([]emailRow, len(m.Emails))
	for i, d := range m.Emails {
		out[i] = emailRow{d}
	}
	return out
}

// emailRow is one e-mail of a message.
type emailRow struct{ vigil.Delivery }

// State says where the e-mail is, in words.
func (e emailRow) State() string {
	d := e.Delivery
	switch {
	case d.Status == vigil.DeliveryDelivered && d.File != "":
		return "Written to a file"
	case d.Status == vigil.DeliveryDelivered:
		return "Sent"
	case d.Status == vigil.DeliveryDead:
		return "Not delivered"
	case d.Attempts > 0:
		return "Retrying"
	}
	return "Waiting"
}

func (p *Pages) messageList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := vigil.OutboxFilter{Org: q.Get("org"), Kind: vigil.OutboxKind(q.Get("kind")), Pending: q.Get("pending") == "yes",
		Sort: vigil.OutboxSort(q.Get("sort")), Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	d := messagesData{Query: q, Kinds: append([]choice{{"", "Any"}}, messageKinds...), Sector: sectorRole(pr),
		Member: pr.Role == vigil.RoleOrgMember, FileMode: p.app.Notify.FileMode(), Sorts: messageSorts,
		Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.OutboxByNewest, messageSortCols...)}
	list, next, err := p.app.Notify.Messages(r.Context(), pr, f)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.render(w, r, http.StatusBadRequest, "notifications.html", &view{Title: "Messages sent",
			Errors: errorOn(filterField(err, "kind", "org", "cursor"), err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeMessagesCSV(w, list)
		return
	}
	for _, m := range list {
		d.Messages = append(d.Messages, messageRow{m})
	}
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "notifications.html", &view{Title: "Messages sent", Data: d})
}

// writeMessagesCSV writes one row per e-mail of each message (one for a message with
// none yet), the columns the page shows.
func writeMessagesCSV(w http.ResponseWriter, list []notify.Message) {
	cw := csvDownload(w, "messages.csv", "message_id", "created_at", "organisation", "kind", "subject", "tlp", "alert_id",
		"recipient", "status", "attempts", "last_error", "file", "sent_at")
	for _, m := range list {
		row := []string{strconv.FormatInt(m.ID, 10), csvTime(m.CreatedAt), m.Org, string(m.Kind), csvSafe(m.Subject), string(m.TLP), ""}
		if m.AlertID != 0 {
			row[6] = strconv.FormatInt(m.AlertID, 10)
		}
		if len(m.Emails) == 0 {
			_ = cw.Write(append(row, "", messageRow{m}.State().Text, "", "", "", csvTime(m.SentAt)))
			continue
		}
		for _, d := range m.Emails {
			_ = cw.Write(append(append([]string(nil), row...), csvSafe(d.Recipient), string(d.Status), strconv.Itoa(d.Attempts),
				csvSafe(d.LastError), d.File, csvTime(d.DeliveredAt)))
		}
	}
	cw.Flush()
}
