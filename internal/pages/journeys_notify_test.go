package pages_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// The care home of the demo, whose manager is its administrator, and the address the
// demo gives it (198.51.100.24/30).
const (
	careHomeODS     = demo.CareHomeODS
	careHomeContact = "security@oakleigh-house-care-home.example"
	careHomeAddress = "198.51.100.25"
)

// TestBrowserMailAndWebhookReachCareHome: the care home's administrator registers a
// webhook; a partner reports that one of the care home's addresses talks to a botnet, a
// high alert; the care home's contact gets an e-mail through a real SMTP server, marked
// with its TLP and linking to the alert, and the webhook gets the signed message; the
// manager opens the link from the e-mail in a browser, signs in and acknowledges it.
//
// There is no webhooks page yet, so the webhook is registered through the notify use
// case, as the page will.
func TestBrowserMailAndWebhookReachCareHome(t *testing.T) {
	relay := startRelay(t)
	hooks := startReceiver(t)
	s := notifySite(t, relay.port)
	ctx := context.Background()
	s.deliverAll(t) // the demo's own alerts, so that only the new one is left to look at
	relay.forget()

	manager := vigil.Principal{Email: careManager, Role: vigil.RoleOrgAdmin, Org: careHomeODS}
	hook, err := s.app.Notify.CreateWebhook(ctx, manager, notify.NewWebhook{Kind: vigil.WebhookJSON, URL: hooks.url,
		Description: "The care home's on-call system"})
	if err != nil {
		t.Fatal(err)
	}

	event := `{"type":"compromise","observable":"` + careHomeAddress + `","time":"` + time.Now().UTC().Add(-30*time.Minute).Format(time.RFC3339) +
		`","source":"Demo Sinkhole Project","severity":"high","description":"Connections to a sinkholed botnet server from this address."}` + "\n"
	res, err := s.app.EarlyWarning.IngestEvents(ctx, analystP, strings.NewReader(event))
	if err != nil || res.Alerts != 1 {
		t.Fatalf("the partner's event: %+v, %v; want one alert", res, err)
	}
	s.deliverAll(t)

	msg := relay.only(t, careHomeContact)
	subject := msg.Header.Get("Subject")
	m := regexp.MustCompile(`^\[TLP:([A-Z+]+)\] (.+)$`).FindStringSubmatch(subject)
	if m == nil || !strings.Contains(subject, careHomeAddress) {
		t.Fatalf("subject %q: want the TLP marking first and the address", subject)
	}
	tlp := m[1]
	for name, want := range map[string]string{
		"To": "<" + careHomeContact + ">", "From": "<alerts@vigil.test>", "X-Vigil-TLP": "TLP:" + tlp, "Auto-Submitted": "auto-generated",
	} {
		if got := msg.Header.Get(name); !strings.HasSuffix(got, want) && got != strings.Trim(want, "<>") {
			t.Errorf("header %s: %q, want %q", name, got, want)
		}
	}
	if !regexp.MustCompile(`^<vigil-outbox-\d+@vigil\.test>$`).MatchString(msg.Header.Get("Message-Id")) {
		t.Errorf("Message-ID %q: want one that stays the same on every try", msg.Header.Get("Message-Id"))
	}
	text := plainText(t, msg)
	link := regexp.MustCompile(regexp.QuoteMeta(s.url) + `/alerts/(\d+)`).FindStringSubmatch(text)
	if link == nil || !strings.Contains(text, "TLP:"+tlp) {
		t.Fatalf("the e-mail's text has no link to the alert on %s, or no marking:\n%s", s.url, text)
	}
	alertID, _ := strconv.ParseInt(link[1], 10, 64)
	al, err := s.app.Alerts.Get(ctx, manager, alertID)
	if err != nil || al.Org != careHomeODS || al.Severity != vigil.SeverityHigh || string(al.TLP) != tlp {
		t.Fatalf("the linked alert %d: %+v, %v; want the care home's high alert marked %s", alertID, al, err, tlp)
	}

	posts := hooks.received()
	if len(posts) != 1 {
		t.Fatalf("the webhook received %d requests, want 1", len(posts))
	}
	post := posts[0]
	saveArtefact(t, "webhook.json", post.body)
	if !validSignature(hook.Secret, post.header.Get("X-Vigil-Signature"), post.body, time.Now()) {
		t.Errorf("X-Vigil-Signature %q does not verify with the webhook's secret", post.header.Get("X-Vigil-Signature"))
	}
	var payload struct {
		Event, Org, Link, TLP, Severity string
		AlertID                         int64 `json:"alert_id"`
	}
	if err := json.Unmarshal(post.body, &payload); err != nil {
		t.Fatalf("webhook body: %v\n%s", err, post.body)
	}
	if payload.Event != "message" || payload.Org != careHomeODS || payload.AlertID != alertID || payload.Link != link[0] ||
		payload.TLP != tlp || payload.Severity != "high" || post.header.Get("X-Vigil-Event") != "message" {
		t.Errorf("webhook payload %+v (event header %q): want the message about alert %d", payload, post.header.Get("X-Vigil-Event"), alertID)
	}

	tb := s.openTab(t, "care home manager", phone)
	path := strings.TrimPrefix(link[0], s.url)
	tb.visit(path) // signed out: the sign-in page, which comes back to the alert
	tb.see("Sign in")
	tb.fill("#email", careManager)
	tb.fill("#password", demoPassword)
	tb.click("signed in from the e-mail's link", `form[action="/sign-in"] button[type="submit"]`)
	tb.see(careHomeAddress, "Needs action", "Acknowledge")
	if got := tb.eval(`location.pathname`); got != path {
		t.Errorf("signing in from the e-mail's link led to %s, want %s", got, path)
	}
	tb.click("acknowledged", `form[action$="/acknowledge"] button`)
	tb.see("Alert acknowledged", "Being dealt with", "by "+careManager)
}

// notifySite is a demo site whose app e-mails through the SMTP server on
// 127.0.0.1:mailPort (no TLS on loopback) and may post to webhooks on loopback, as
// serve would with smtp_host, smtp_tls none and webhook_allow_private set. Its
// messages link back to the site. Nothing delivers the outbox on its own: the test
// calls deliverAll.
func notifySite(t *testing.T, mailPort int) *site {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	st := storetest.Open(t)
	a, err := app.Open(ctx, app.Deps{Store: st, Logger: log, Flows: app.Flows{Secret: []byte("0123456789abcdef0123456789abcdef"),
		BaseURL: base, WebhookAllowPrivate: loopback,
		Mail: notify.Mail{Host: "127.0.0.1", Port: mailPort, TLS: "none", From: "alerts@vigil.test"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, st, a, demo.Options{Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Deps{App: a, Logger: log})
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &site{t: t, url: base, store: st, app: a}
}

// deliverAll runs delivery rounds, as the server's loop would, until a round finds
// nothing due: everything written so far has been sent or has failed.
func (s *site) deliverAll(t *testing.T) {
	t.Helper()
	for range 50 {
		r, err := s.app.Notify.DeliverDue(context.Background())
		if err != nil {
			t.Fatalf("deliver the outbox: %v", err)
		}
		if r.Planned == 0 && r.Delivered == 0 && r.Failed == 0 {
			return
		}
		if r.Failed > 0 {
			t.Fatalf("a delivery failed: %+v", r)
		}
	}
	t.Fatalf("the outbox still has messages due after 50 rounds")
}

// validSignature checks an X-Vigil-Signature ("t=<unix>,v1=<hex>") as a receiver
// would: the HMAC-SHA256 keyed with the secret over "<unix>.<body>", sent within five
// minutes of now.
func validSignature(secret, header string, body []byte, now time.Time) bool {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(unix, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	got, err := hex.DecodeString(sig)
	return err == nil && hmac.Equal(got, mac.Sum(nil))
}

// plainText is the text/plain part of msg, decoded.
func plainText(t *testing.T, msg *mail.Message) string {
	t.Helper()
	var find func(header map[string][]string, body io.Reader) string
	find = func(header map[string][]string, body io.Reader) string {
		h := mail.Header(header)
		mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return ""
				}
				if s := find(p.Header, p); s != "" {
					return s
				}
			}
		}
		if mt != "text/plain" {
			return ""
		}
		if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	text := find(msg.Header, msg.Body)
	if text == "" {
		t.Fatalf("the e-mail has no plain-text part")
	}
	return text
}

// relayServer is a real SMTP server on 127.0.0.1 (github.com/emersion/go-smtp) that
// keeps the messages it accepts.
type relayServer struct {
	port int
	mu   sync.Mutex
	got  []relayed
}

// relayed is one message the relay accepted, for each of its recipients.
type relayed struct {
	to  []string
	msg *mail.Message
	raw []byte
}

func startRelay(t *testing.T) *relayServer {
	t.Helper()
	r := &relayServer{}
	srv := smtp.NewServer(r)
	srv.Domain = "relay.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return r
}

// NewSession implements smtp.Backend.
func (r *relayServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &relaySession{relay: r}, nil
}

// forget drops what the relay received so far.
func (r *relayServer) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = nil
}

// only is the one message the relay received for to, also saved as mail.eml among the
// test's artefacts for a person to read; the test fails unless there is exactly one.
func (r *relayServer) only(t *testing.T, to string) *mail.Message {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []relayed
	for _, m := range r.got {
		if slices.Contains(m.to, to) {
			out = append(out, m)
		}
	}
	if len(out) != 1 {
		t.Fatalf("the relay received %d messages for %s, want 1 (it received %d in all)", len(out), to, len(r.got))
	}
	saveArtefact(t, "mail.eml", out[0].raw)
	return out[0].msg
}

// saveArtefact writes b as name in the test's artefacts folder.
func saveArtefact(t *testing.T, name string, b []byte) {
	t.Helper()
	dir := filepath.Join(artefacts(), fileName(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", filepath.Join(dir, name))
}

// relaySession is one SMTP conversation with the relay.
type relaySession struct {
	relay *relayServer
	cur   relayed
}

func (s *relaySession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	s.cur.msg, s.cur.raw = m, raw
	s.relay.mu.Lock()
	s.relay.got = append(s.relay.got, s.cur)
	s.relay.mu.Unlock()
	return nil
}

func (s *relaySession) Reset()        { s.cur = relayed{} }
func (s *relaySession) Logout() error { return nil }
