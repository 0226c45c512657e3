package notify_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// hook registers a webhook as the sector centre's command line does.
func hook(t testing.TB, svc *notify.Service, org string, kind vigil.WebhookKind, url string) vigil.Webhook {
	t.Helper()
	w, err := svc.CreateWebhook(t.Context(), vigil.CommandLine, notify.NewWebhook{Org: org, Kind: kind, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// verify checks a request's X-Vigil-Signature as a receiver would: recompute the
// HMAC-SHA256 of "<t>.<body>" with the secret and compare.
func verify(t testing.TB, secret string, r hookRequest) {
	t.Helper()
	ts, mac, ok := strings.Cut(r.header.Get("X-Vigil-Signature"), ",")
	ts, ok1 := strings.CutPrefix(ts, "t=")
	mac, ok2 := strings.CutPrefix(mac, "v1=")
	if !ok || !ok1 || !ok2 {
		t.Fatalf("X-Vigil-Signature %q is not t=…,v1=…", r.header.Get("X-Vigil-Signature"))
	}
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts + "." + string(r.body)))
	want := hex.EncodeToString(h.Sum(nil))
	if !hmac.Equal([]byte(mac), []byte(want)) {
		t.Errorf("signature %s does not verify (want %s)", mac, want)
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		t.Errorf("signature time %q is not a Unix time", ts)
	}
}

// Each kind of webhook gets the message in its own shape, signed with its own secret:
// vigil's JSON payload, a Teams message card, a Slack message with text and blocks; the
// chat messages quote indicators defanged, the JSON payload as they are.
func TestWebhookShapesAndSignature(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		svc := newService(t, s, newClock(), notify.Mail{})
		servers := map[vigil.WebhookKind]*hookServer{}
		secrets := map[vigil.WebhookKind]string{}
		for _, k := range []vigil.WebhookKind{vigil.WebhookJSON, vigil.WebhookTeams, vigil.WebhookSlack} {
			servers[k] = startHookServer(t, http.StatusOK)
			w := hook(t, svc, trust, k, servers[k].url)
			if !strings.HasPrefix(w.Secret, "whsec_") {
				t.Fatalf("secret %q", w.Secret)
			}
			secrets[k] = w.Secret
		}
		id := raise(t, s, alert(trust, "A device at 192.0.2.7 talks to a botnet <C2> at c2.badcorp.example", vigil.SeverityHigh, vigil.TLPAmber))
		if r := deliver(t, svc); r.Delivered != 4 { // ann's e-mail and three posts
			t.Fatalf("round %+v, want 4 delivered", r)
		}
		link := "https://vigil.example.org/alerts/" + strconv.FormatInt(id, 10)
		for k, srv := range servers {
			got := srv.requests()
			if len(got) != 1 {
				t.Fatalf("%s webhook got %d requests, want 1", k, len(got))
			}
			r := got[0]
			verify(t, secrets[k], r)
			if r.header.Get("X-Vigil-Delivery") == "" || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: headers %v", k, r.header)
			}
			var body map[string]any
			if err := json.Unmarshal(r.body, &body); err != nil {
				t.Fatalf("%s: body %s: %v", k, r.body, err)
			}
			switch k {
			case vigil.WebhookJSON:
				for field, want := range map[string]any{"event": "message", "org": trust, "kind": "immediate",
					"alert_id": float64(id), "link": link, "tlp": "AMBER", "severity": "high",
					"subject": "High alert: A device at 192.0.2.7 talks to a botnet <C2> at c2.badcorp.example"} {
					if body[field] != want {
						t.Errorf("json payload %s = %v, want %v", field, body[field], want)
					}
				}
				if body["id"] == nil || !strings.Contains(body["body"].(string), "What to do") {
					t.Errorf("json payload without id or body: %s", r.body)
				}
			case vigil.WebhookTeams:
				if body["@type"] != "MessageCard" || body["@context"] != "https://schema.org/extensions" ||
					!strings.HasPrefix(body["title"].(string), "[TLP:AMBER] High alert") || body["summary"] == "" ||
					!strings.HasSuffix(body["title"].(string), "at c2[.]badcorp[.]example") ||
					!strings.Contains(body["text"].(string), "What to do") || !strings.Contains(string(r.body), link) {
					t.Errorf("Teams card is not a message card with a title, text and link: %s", r.body)
				}
			case vigil.WebhookSlack:
				var msg struct {
					Text   string `json:"text"`
					Blocks []struct {
						Type     string         `json:"type"`
						Text     map[string]any `json:"text"`
						Elements []map[string]any
					} `json:"blocks"`
				}
				if err := json.Unmarshal(r.body, &msg); err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(msg.Text, "[TLP:AMBER] High alert") || !strings.Contains(msg.Text, "&lt;C2&gt; at c2[.]badcorp[.]example") ||
					len(msg.Blocks) != 3 || msg.Blocks[0].Type != "header" || msg.Blocks[0].Text["type"] != "plain_text" ||
					msg.Blocks[1].Type != "section" || msg.Blocks[1].Text["type"] != "mrkdwn" ||
					msg.Blocks[2].Type != "context" || !strings.Contains(msg.Blocks[2].Elements[0]["text"].(string), "<"+link+"|Open in vigil>") {
					t.Errorf("Slack message lacks its text or blocks: %s", r.body)
				}
			}
		}
	})
}

// A failing webhook is tried again after 30 s, then 60 s, 120 s…, never before; after
// 8 attempts its delivery is dead. Retrying it puts it back, and it goes.
func TestWebhookBackoffAndDeadLetter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		clk := newClock()
		svc := newService(t, s, clk, notify.Mail{})
		srv := startHookServer(t, http.StatusInternalServerError)
		w := hook(t, svc, trust, vigil.WebhookJSON, srv.url)
		raise(t, s, alert(trust, "A device at 192.0.2.7 talks to a botnet", vigil.SeverityHigh, vigil.TLPAmber))
		deliver(t, svc)
		wait := 30 * time.Second
		for attempt := 2; attempt <= notify.MaxWebhookAttempts; attempt++ {
			clk.advance(wait - time.Second)
			deliver(t, svc)
			if n := len(srv.requests()); n != attempt-1 {
				t.Fatalf("%d requests a second before attempt %d, want %d", n, attempt, attempt-1)
			}
			clk.advance(time.Second)
			deliver(t, svc)
			if n := len(srv.requests()); n != attempt {
				t.Fatalf("%d requests at attempt %d", n, attempt)
			}
			wait *= 2
		}
		ds, _, err := svc.Deliveries(t.Context(), vigil.CommandLine, vigil.DeliveryFilter{Status: vigil.DeliveryDead})
		if err != nil || len(ds) != 1 || ds[0].Attempts != notify.MaxWebhookAttempts || ds[0].LastStatus != 500 ||
			!strings.Contains(ds[0].LastError, "500") || ds[0].WebhookID != w.ID {
			t.Fatalf("dead letters %+v, %v: want the delivery, 8 attempts, the 500", ds, err)
		}
		clk.advance(24 * time.Hour)
		deliver(t, svc)
		if n := len(srv.requests()); n != notify.MaxWebhookAttempts {
			t.Errorf("a dead delivery was tried again: %d requests", n)
		}

		srv.answer(http.StatusNoContent)
		admin := vigil.Principal{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: trust}
		d, err := svc.RetryDelivery(t.Context(), admin, ds[0].ID)
		if err != nil || d.Status != vigil.DeliveryPending || d.Attempts != 0 {
			t.Fatalf("retry: %+v, %v", d, err)
		}
		if _, err := svc.RetryDelivery(t.Context(), admin, ds[0].ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("retrying a pending delivery: %v, want a conflict", err)
		}
		deliver(t, svc)
		got := srv.requests()
		if len(got) != notify.MaxWebhookAttempts+1 || got[0].header.Get("X-Vigil-Delivery") != got[len(got)-1].header.Get("X-Vigil-Delivery") {
			t.Errorf("%d requests; the retry must carry the same X-Vigil-Delivery", len(got))
		}
		if d, err := s.GetDelivery(t.Context(), store.WebhookDeliveries, ds[0].ID); err != nil || d.Status != vigil.DeliveryDelivered {
			t.Errorf("after the retry: %+v, %v", d, err)
		}
		audits := storetest.Audits(t, s, vigil.AuditFilter{Action: "webhook.retry"})
		if len(audits) != 1 || audits[0].Actor != "admin@rxa.example" || audits[0].Target != "webhook/"+strconv.FormatInt(w.ID, 10) {
			t.Errorf("webhook.retry audit entries %+v", audits)
		}
	})
}

// Which webhooks hear of what: the organisation's every message but TLP:RED; its
// supplier's only alerts a supplier may see (not AMBER+STRICT or RED, nor digests); the
// centre's every high or critical alert. Another organisation's hear nothing.
func TestWebhookAudiences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		svc := newService(t, s, newClock(), notify.Mail{})
		servers := map[string]*hookServer{}
		for _, owner := range []string{trust, supplier, "", other} {
			servers[owner] = startHookServer(t, http.StatusOK)
			hook(t, svc, owner, vigil.WebhookJSON, servers[owner].url)
		}
		amber := raise(t, s, alert(trust, "Amber one", vigil.SeverityHigh, vigil.TLPAmber))
		strict := raise(t, s, alert(trust, "Strict one", vigil.SeverityHigh, vigil.TLPAmberStrict))
		red := raise(t, s, alert(trust, "Red one", vigil.SeverityCritical, vigil.TLPRed))
		raise(t, s, alert(trust, "Medium one", vigil.SeverityMedium, vigil.TLPGreen))
		if _, _, err := s.AddOutbox(t.Context(), vigil.OutboxEntry{Org: trust, Kind: vigil.OutboxDigest, Subject: "Digest",
			Body: "Your alerts today.", TLP: vigil.TLPGreen, DedupKey: "digest|test"}); err != nil {
			t.Fatal(err)
		}
		deliver(t, svc)
		heard := func(owner string) []string {
			var out []string
			for _, r := range servers[owner].requests() {
				var p notify.Payload
				if err := json.Unmarshal(r.body, &p); err != nil {
					t.Fatal(err)
				}
				if p.AlertID == 0 {
					out = append(out, "digest")
					continue
				}
				out = append(out, map[int64]string{amber: "amber", strict: "strict", red: "red"}[p.AlertID])
			}
			slices.Sort(out)
			return out
		}
		for owner, want := range map[string][]string{
			trust:    {"amber", "digest", "strict"},
			supplier: {"amber"},
			"":       {"amber", "red", "strict"},
			other:    nil,
		} {
			if got := heard(owner); !slices.Equal(got, want) {
				t.Errorf("webhook of %q heard %v, want %v", owner, got, want)
			}
		}
	})
}

// Addresses vigil will not post to: literal private and metadata addresses are refused
// when the webhook is created, plain http:// outside the allow-list too; a name that
// resolves to one is refused when the request is made, before anything is sent.
func TestWebhookAddressesRefused(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	strict := notify.New(notify.Deps{Store: s, Now: newClock().now, Mail: notify.Mail{Dir: t.TempDir()}})
	for _, url := range []string{"https://169.254.169.254/latest/meta-data", "https://10.0.0.1/hook", "http://10.0.0.1/hook",
		"https://[fd00:ec2::254]/hook", "http://hooks.example/x", "https://user:pw@hooks.example/x", "ftp://hooks.example/x",
		"https://127.0.0.1/hook", "hooks.example/x", ""} {
		_, err := strict.CreateWebhook(t.Context(), vigil.CommandLine, notify.NewWebhook{Org: trust, Kind: vigil.WebhookJSON, URL: url})
		if vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("webhook to %q: %v, want refused as invalid", url, err)
		}
	}
	if _, err := strict.CreateWebhook(t.Context(), vigil.CommandLine, notify.NewWebhook{Org: trust, Kind: "email",
		URL: "https://hooks.example/x"}); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("kind email: %v, want invalid", err)
	}
	w := hook(t, strict, trust, vigil.WebhookJSON, "https://localhost:9/hook")
	d, err := strict.TestWebhook(t.Context(), vigil.CommandLine, w.ID)
	if err != nil || d.Status != vigil.DeliveryDead || !strings.Contains(d.LastError, "refused as internal") ||
		!strings.Contains(d.LastError, "webhook_allow_private") {
		t.Errorf("a ping to localhost without an allow-list: %+v, %v; want dead, refused as internal, naming webhook_allow_private", d, err)
	}
}

// A webhook that cannot be reached says why in words its owner can act on, and names
// neither the address dialled nor the URL's secret.
func TestWebhookSaysWhyItGotNoAnswer(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	svc := newService(t, s, newClock(), notify.Mail{Dir: t.TempDir()})
	w := hook(t, svc, trust, vigil.WebhookJSON, "https://127.0.0.1:1/services/SEKRIT")
	d, err := svc.TestWebhook(t.Context(), vigil.CommandLine, w.ID)
	if err != nil || d.Status != vigil.DeliveryDead || !strings.Contains(d.LastError, "the connection was refused") {
		t.Errorf("a ping to a port nothing listens on: %+v, %v; want dead, the connection refused", d, err)
	}
	for _, leak := range []string{"127.0.0.1", "SEKRIT", "dial"} {
		if strings.Contains(d.LastError, leak) {
			t.Errorf("the delivery's error %q shows %q", d.LastError, leak)
		}
	}
}

// Who may do what with webhooks, and what the audit log and the logs keep of them:
// never the secret, never the address's path.
func TestWebhookUseCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		var logs syncBuffer
		svc := notify.New(notify.Deps{Store: s, Now: newClock().now, Mail: notify.Mail{Dir: t.TempDir()}, WebhookAllowPrivate: loopback,
			Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		srv := startHookServer(t, http.StatusBadGateway)
		var (
			sectorAdmin = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
			analyst     = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
			orgAdmin    = vigil.Principal{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: trust}
			member      = vigil.Principal{Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: trust}
			supAdmin    = vigil.Principal{Email: "admin@supplier.example", Role: vigil.RoleOrgAdmin, Org: supplier}
			supStaff    = vigil.Principal{Email: "staff@supplier.example", Role: vigil.RoleSupplier, Org: supplier}
		)
		create := []struct {
			name string
			p    vigil.Principal
			org  string
			code string
		}{
			{"an org admin, own organisation", orgAdmin, "", ""},
			{"an org admin, naming it", orgAdmin, "rxa", ""},
			{"an org admin, another organisation", orgAdmin, other, vigil.ENOTFOUND},
			{"a supplier's admin, its supplier organisation", supAdmin, "", ""},
			{"a supplier's staff", supStaff, "", vigil.EFORBIDDEN},
			{"a member", member, "", vigil.EFORBIDDEN},
			{"an analyst", analyst, trust, vigil.EFORBIDDEN},
			{"a sector admin, the centre", sectorAdmin, "", ""},
			{"a sector admin, any organisation", sectorAdmin, other, ""},
			{"a sector admin, no such organisation", sectorAdmin, "RZZ99", vigil.ENOTFOUND},
		}
		made := map[string]vigil.Webhook{}
		for _, tc := range create {
			w, err := svc.CreateWebhook(t.Context(), tc.p, notify.NewWebhook{Org: tc.org, Kind: vigil.WebhookSlack, URL: srv.url})
			if vigil.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.code)
			}
			if err == nil {
				made[tc.name] = w
			}
		}
		if made["an org admin, own organisation"].Org != trust || made["a supplier's admin, its supplier organisation"].Org != supplier ||
			made["a sector admin, the centre"].Org != "" {
			t.Errorf("webhooks made for the wrong owners: %+v", made)
		}
		list := func(p vigil.Principal, f vigil.WebhookFilter) ([]vigil.Webhook, error) {
			return svc.Webhooks(t.Context(), p, f)
		}
		if ws, err := list(orgAdmin, vigil.WebhookFilter{}); err != nil || len(ws) != 2 || ws[0].Org != trust || ws[0].Secret != "" ||
			strings.Contains(ws[0].URL, "secret-path-part") {
			t.Errorf("an org admin lists %+v, %v; want its two, redacted", ws, err)
		}
		if ws, err := list(analyst, vigil.WebhookFilter{}); err != nil || len(ws) != 5 {
			t.Errorf("an analyst lists %d, %v; want all 5", len(ws), err)
		}
		if ws, err := list(analyst, vigil.WebhookFilter{Centre: true}); err != nil || len(ws) != 1 || ws[0].Org != "" {
			t.Errorf("the centre's: %+v, %v", ws, err)
		}
		if _, err := list(orgAdmin, vigil.WebhookFilter{Org: other}); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an org admin listing another organisation's: %v", err)
		}
		if _, err := list(member, vigil.WebhookFilter{}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a member listing webhooks: %v", err)
		}

		theirs := made["a sector admin, any organisation"]
		if err := svc.DeleteWebhook(t.Context(), orgAdmin, theirs.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an org admin deleting another's webhook: %v", err)
		}
		if _, err := svc.TestWebhook(t.Context(), orgAdmin, theirs.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an org admin testing another's webhook: %v", err)
		}
		own := made["an org admin, own organisation"]
		d, err := svc.TestWebhook(t.Context(), orgAdmin, own.ID)
		if err != nil || d.Status != vigil.DeliveryDead || d.LastStatus != http.StatusBadGateway || d.Event != vigil.WebhookPing {
			t.Errorf("a ping answered 502: %+v, %v; want dead with the status", d, err)
		}
		if _, err := svc.RetryDelivery(t.Context(), supAdmin, d.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation retrying the delivery: %v", err)
		}
		if ds, _, err := svc.Deliveries(t.Context(), supAdmin, vigil.DeliveryFilter{}); err != nil || len(ds) != 0 {
			t.Errorf("a supplier's admin sees deliveries %+v, %v; want none of the trust's", ds, err)
		}
		if err := svc.DeleteWebhook(t.Context(), orgAdmin, own.ID); err != nil {
			t.Fatal(err)
		}
		if ds, _, err := svc.Deliveries(t.Context(), orgAdmin, vigil.DeliveryFilter{WebhookID: own.ID}); err != nil || len(ds) != 0 {
			t.Errorf("a deleted webhook's deliveries: %+v, %v", ds, err)
		}

		for _, action := range []string{"webhook.create", "webhook.delete", "webhook.test"} {
			if len(storetest.Audits(t, s, vigil.AuditFilter{Action: action})) == 0 {
				t.Errorf("no %s audit entry", action)
			}
		}
		all := storetest.Audits(t, s, vigil.AuditFilter{})
		for _, w := range made {
			for _, e := range all {
				if strings.Contains(e.Detail, w.Secret) || strings.Contains(e.Detail, "secret-path-part") {
					t.Errorf("audit entry %s %s holds a secret: %s", e.Action, e.Target, e.Detail)
				}
			}
			if strings.Contains(logs.String(), w.Secret) {
				t.Errorf("the logs hold a webhook secret")
			}
		}
		if strings.Contains(logs.String(), "secret-path-part") || !strings.Contains(logs.String(), "webhook not delivered") {
			t.Errorf("the logs should say a webhook failed without its address's path:\n%s", logs.String())
		}
	})
}

// syncBuffer is a log sink for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Run delivers what is raised while it runs, without being asked, and stops with its
// context.
func TestRunDelivers(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	ms := startMailServer(t, "none", nil)
	svc := notify.New(notify.Deps{Store: s, Mail: relayMail(ms, "none"), PollInterval: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	raise(t, s, alert(trust, "A device at 192.0.2.7 talks to a botnet", vigil.SeverityHigh, vigil.TLPAmber))
	deadline := time.Now().Add(30 * time.Second)
	for len(ms.messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if n := len(ms.messages()); n != 1 {
		t.Errorf("the relay got %d messages while Run ran, want 1", n)
	}
}
