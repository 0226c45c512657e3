package vigil

import (
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// WebhookKind is the shape of the requests a webhook receives.
type WebhookKind string

// Webhook kinds.
const (
	WebhookJSON  WebhookKind = "json"  // vigil's own JSON payload, for tools that read it
	WebhookTeams WebhookKind = "teams" // a Microsoft Teams incoming webhook (message card)
	WebhookSlack WebhookKind = "slack" // a Slack incoming webhook (text and blocks)
)

// Valid reports whether k is a known webhook kind.
func (k WebhookKind) Valid() bool {
	return k == WebhookJSON || k == WebhookTeams || k == WebhookSlack
}

// Webhook is an address vigil posts an organisation's messages to, besides e-mail:
// a chat channel or a ticketing tool. An organisation's webhook receives its messages,
// a supplier's also the alerts of its customers that a supplier may see, and the
// centre's (Org empty) every high or critical alert.
type Webhook struct {
	// ID is the webhook's number.
	ID int64
	// Org is the ODS code of the organisation it belongs to; empty for the sector centre.
	Org string
	// Kind is the shape of what it is sent.
	Kind WebhookKind
	// URL is where requests go. Chat services put their credential in it, so it is
	// kept sealed and shown only as RedactWebhookURL has it.
	URL string
	// Description says what it is for ("the IT team's Teams channel").
	Description string
	// Secret keys the X-Vigil-Signature of every request. It is shown once, when the
	// webhook is created, and otherwise empty.
	Secret string
	// CreatedBy is who created it.
	CreatedBy string
	// CreatedAt is when.
	CreatedAt time.Time
}

// WebhookSort is an order a list of webhooks can come in; webhooks that tie follow
// the order they were added in.
type WebhookSort string

// The orders of a list of webhooks.
const (
	WebhookByOrg    WebhookSort = "org"    // the centre's first, then by ODS code (the default)
	WebhookByNewest WebhookSort = "newest" // most recently added first
	WebhookByKind   WebhookSort = "kind"   // by kind (json, slack, teams)
)

// WebhookSorts are the orders of a list of webhooks, the default first.
var WebhookSorts = []WebhookSort{WebhookByOrg, WebhookByNewest, WebhookByKind}

// Or returns s, or WebhookByOrg when s is empty.
func (s WebhookSort) Or() WebhookSort { return sortOr(s, WebhookSorts) }

// Check returns an EINVALID error naming the choices when s is not one of WebhookSorts.
func (s WebhookSort) Check() error { return checkSort(s, WebhookSorts) }

// WebhookFilter selects webhooks; zero fields match everything.
type WebhookFilter struct {
	// Org matches the webhooks of the organisation with this ODS code.
	Org string
	// Centre matches the sector centre's webhooks only.
	Centre bool
	// Orgs, when not nil, keeps the list to these organisations' webhooks (an
	// organisation administrator's own); an empty list matches nothing.
	Orgs []string
	// Sort is the order of the list (WebhookByOrg when empty).
	Sort WebhookSort
}

// DeliveryStatus is where one delivery of a message is.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"   // not delivered yet; tried again at NextAttemptAt
	DeliveryDelivered DeliveryStatus = "delivered" // the receiver took it
	DeliveryDead      DeliveryStatus = "dead"      // given up after its attempts; retrying puts it back
)

// Valid reports whether s is a known delivery status.
func (s DeliveryStatus) Valid() bool {
	return s == DeliveryPending || s == DeliveryDelivered || s == DeliveryDead
}

// WebhookEvent says what a webhook delivery carries.
type WebhookEvent string

// Webhook events.
const (
	WebhookMessage WebhookEvent = "message" // an outbox message
	WebhookPing    WebhookEvent = "ping"    // a test someone sent to check the webhook
)

// Delivery is the state of one delivery: one message to one e-mail recipient or one
// webhook. Each is tried on its own, so that a failure for one receiver does not send
// the message again to those already served.
type Delivery struct {
	// ID is the delivery's number; webhooks receive it as X-Vigil-Delivery.
	ID int64
	// OutboxID is the message delivered; 0 for a webhook test ping.
	OutboxID int64
	// Org is the ODS code of the organisation the message is for; for a webhook
	// delivery, the organisation the webhook belongs to ("" for the centre).
	Org string
	// Status is where it is.
	Status DeliveryStatus
	// Attempts is how many times it was tried.
	Attempts int
	// MaxAttempts is how many tries it gets before it is dead; 0 means it is tried
	// until it is delivered.
	MaxAttempts int
	// NextAttemptAt is when it is tried next, while pending.
	NextAttemptAt time.Time
	// LastError says why the last attempt failed; empty after a success.
	LastError string
	// CreatedAt is when it was planned.
	CreatedAt time.Time
	// DeliveredAt is when the receiver took it.
	DeliveredAt time.Time

	// Recipient is the e-mail address, for an e-mail delivery.
	Recipient string
	// File is the name of the .eml file written under <data-dir>/outbox when mail goes
	// to files (no SMTP relay, or demo mode).
	File string

	// WebhookID is the webhook, for a webhook delivery.
	WebhookID int64
	// Event is what a webhook delivery carries.
	Event WebhookEvent
	// Payload is the request body, fixed when the delivery is planned.
	Payload string
	// LastStatus is the HTTP status of the last attempt; 0 when none came back.
	LastStatus int
}

// DeliverySort is an order a list of deliveries can come in; deliveries that tie
// follow the order they were planned in, newest first.
type DeliverySort string

// The orders of a list of deliveries.
const (
	DeliveryByNewest   DeliverySort = "newest"   // most recently planned first (the default)
	DeliveryByOldest   DeliverySort = "oldest"   // first planned first
	DeliveryByStatus   DeliverySort = "status"   // by status (dead, delivered, pending)
	DeliveryByAttempts DeliverySort = "attempts" // tried most often first
)

// DeliverySorts are the orders of a list of deliveries, the default first.
var DeliverySorts = []DeliverySort{DeliveryByNewest, DeliveryByOldest, DeliveryByStatus, DeliveryByAttempts}

// Or returns s, or DeliveryByNewest when s is empty.
func (s DeliverySort) Or() DeliverySort { return sortOr(s, DeliverySorts) }

// Check returns an EINVALID error naming the choices when s is not one of DeliverySorts.
func (s DeliverySort) Check() error { return checkSort(s, DeliverySorts) }

// DeliveryFilter selects deliveries; zero fields match everything.
type DeliveryFilter struct {
	// Status matches deliveries in that state.
	Status DeliveryStatus
	// Org matches deliveries of that organisation (for webhooks, the webhook's).
	Org string
	// Orgs, when not nil, keeps the list to these organisations; empty matches nothing.
	Orgs []string
	// WebhookID matches one webhook's deliveries.
	WebhookID int64
	// OutboxID matches one message's deliveries.
	OutboxID int64
	// Sort is the order of the list (DeliveryByNewest when empty).
	Sort DeliverySort
	// Cursor continues a previous page; it belongs to one Sort.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// CheckWebhookURL checks the shape of a webhook's address and returns it parsed: an
// absolute https:// URL (http:// only when allowHTTP says its host may have it) with a
// host and no user name or password in it. Whether the address may be reached at all is
// the caller's check (a private address is refused when requests are made).
func CheckWebhookURL(raw string, allowHTTP func(host string) bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	switch {
	case raw == "" || err != nil || len(raw) > 2000:
		return nil, Errorf(EINVALID, "the webhook address is not a URL of at most 2000 characters: give the https:// address the service gave you")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, Errorf(EINVALID, "the webhook address must start with https://")
	case u.Host == "" || u.Hostname() == "":
		return nil, Errorf(EINVALID, "the webhook address names no host")
	case u.User != nil:
		return nil, Errorf(EINVALID, "the webhook address must not hold a user name or password: vigil signs every request instead")
	case u.Fragment != "":
		return nil, Errorf(EINVALID, "the webhook address must not have a #fragment")
	case u.Scheme == "http" && (allowHTTP == nil || !allowHTTP(u.Hostname())):
		return nil, Errorf(EINVALID, "the webhook address must start with https://: plain http:// is only for addresses in webhook_allow_private")
	}
	return u, nil
}

// WebhookHostAddr is the IP address a webhook URL names literally, if it names one.
func WebhookHostAddr(u *url.URL) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]"))
	return a, err == nil
}

// RedactWebhookURL is a webhook address fit to show and log: its scheme and host only,
// since Slack and Teams put the credential in the path and query.
func RedactWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(webhook address)"
	}
	out := u.Scheme + "://" + u.Host + "/"
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		out += "…"
	}
	return out
}
