// Package notify delivers the outbox: each message by e-mail to its organisation's
// contacts (or its named recipients) through an SMTP relay, or as .eml files when there
// is none, and as posts to the webhooks of the organisation, of its suppliers where they
// may see it, and of the sector centre for high and critical alerts. It also holds the
// use cases of webhooks: creating, listing and deleting them, testing one, and reading
// and retrying their deliveries.
//
// Delivery is at least once and survives restarts: every entry due is planned once into
// deliveries (one per recipient and per webhook) stored with their attempts, next
// attempt and last error; a round claims the due ones for a lease, tries each, and
// records how it went. A failure is tried again after a wait that doubles; a webhook's
// delivery is dead after MaxWebhookAttempts, and a person may put it back. The e-mail's
// Message-ID and the webhook's X-Vigil-Delivery stay the same on every try, so that
// receivers can drop a repeat.
//
// Every use case takes the acting vigil.Principal, checks what it may do first, runs in
// one store transaction and writes its audit entry inside it. Secrets (webhook secrets,
// their addresses, the SMTP password) appear in no audit entry and no log line.
package notify

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/store"
)

// Defaults for the zero values of Deps.
const (
	DefaultPollInterval = 5 * time.Second // how often the loop looks for due work
	WebhookTimeout      = 10 * time.Second
	MaxWebhookAttempts  = 8 // a webhook's delivery is dead after this many failures
)

// Retry waits: a webhook waits 30 s after its first failure and twice as long after
// each next one (about an hour before the last of 8 tries); an e-mail 1 min, doubling
// up to an hour, and it is tried until the relay takes it.
const (
	webhookFirstRetry = 30 * time.Second
	mailFirstRetry    = time.Minute
	mailMaxRetry      = time.Hour
)

// lease is how long a claimed delivery is left to its round before another round may
// try it again: longer than any one attempt (a webhook's timeout, an SMTP exchange).
const lease = 3 * time.Minute

// batch bounds the entries planned and the deliveries tried in one round.
const batch = 100

// Deps is what the Service needs.
type Deps struct {
	// Store is the database; its credential key (SetCredentialKey) seals webhook
	// secrets and addresses.
	Store *store.Store
	// Logger receives delivery failures and progress; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Mail says how e-mail leaves.
	Mail Mail
	// BaseURL is how people reach the server; messages link to <BaseURL>/alerts/{id}.
	// Empty leaves the link out.
	BaseURL string
	// HTTPClient is the base of the webhook client; nil means one with WebhookTimeout.
	// Its transport must be an *http.Transport (feeds.NewClient checks every address).
	HTTPClient *http.Client
	// WebhookAllowPrivate are the networks webhooks may post to although they are
	// loopback, private, link-local or the like (webhook_allow_private); plain http://
	// is allowed to them only.
	WebhookAllowPrivate []netip.Prefix
	// PollInterval is how often the loop looks for due work (DefaultPollInterval when 0).
	PollInterval time.Duration
}

// Mail says how e-mail leaves: through an SMTP relay when Host is set, and otherwise,
// or always when Files is set (demo mode), as .eml files in Dir.
type Mail struct {
	// Host and Port are the relay's; Port defaults by TLS (587, 465, 25).
	Host string
	// Port is the relay's port.
	Port int
	// TLS is "starttls" (the default), "tls" (implicit, port 465) or "none".
	TLS string
	// User and Password authenticate to the relay when User is set.
	User string
	// Password is the relay password; never logged.
	Password string
	// From is the sender address.
	From string
	// TLSConfig overrides how the relay's certificate is checked (tests trust their
	// own); nil checks it against the system's roots.
	TLSConfig *tls.Config
	// Dir is where .eml files go (<data-dir>/outbox).
	Dir string
	// Files writes .eml files even when Host is set: demo mode never sends mail.
	Files bool
}

// Service delivers the outbox and holds the webhook use cases; it is safe for
// concurrent use.
type Service struct {
	store   *store.Store
	log     *slog.Logger
	now     func() time.Time
	mail    Mail
	mailer  mailer
	baseURL string
	client  *http.Client
	allow   []netip.Prefix
	poll    time.Duration
	wake    chan struct{}
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, mail: d.Mail, baseURL: d.BaseURL,
		allow: d.WebhookAllowPrivate, poll: d.PollInterval, wake: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.poll <= 0 {
		s.poll = DefaultPollInterval
	}
	base := d.HTTPClient
	if base == nil {
		base = &http.Client{}
	}
	cp := *base
	cp.Timeout = WebhookTimeout
	// A redirect is an answer that is not 2xx: following it would post the message
	// somewhere the webhook's owner did not name.
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.client = feeds.NewClient(&cp, d.WebhookAllowPrivate)
	s.mailer = newMailer(d.Mail)
	return s
}

// FileMode reports whether e-mail is written to .eml files rather than sent.
func (s *Service) FileMode() bool { return s.mail.Files || s.mail.Host == "" }

// Run delivers due messages until ctx ends: every PollInterval, and at once after a
// retry or a test.
func (s *Service) Run(ctx context.Context) error {
	if s.FileMode() {
		s.log.InfoContext(ctx, "e-mail is written to .eml files, not sent", slog.String("dir", s.mail.Dir))
	} else {
		s.log.InfoContext(ctx, "e-mail goes through the SMTP relay", slog.String("host", s.mail.Host), slog.String("tls", s.mail.TLS))
	}
	for {
		if _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "delivery round", slog.Any("error", err))
		}
		t := time.NewTimer(s.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// poke wakes the loop for work that is due now.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
