package notify_test

import (
	"crypto/tls"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// relayMail is the Mail setting for a test relay.
func relayMail(ms *mailServer, mode string) notify.Mail {
	return notify.Mail{Host: "127.0.0.1", Port: ms.port, TLS: mode, From: "vigil <vigil@centre.example>"}
}

// deliver runs one round and fails the test on an error.
func deliver(t testing.TB, svc *notify.Service) notify.Round {
	t.Helper()
	r, err := svc.DeliverDue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// parts reads a multipart/alternative message's parts by content type.
func parts(t testing.TB, m *mail.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v): want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	out := map[string]string{}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(b)
	}
}

// A high alert reaches, through a real SMTP server, the contacts who chose immediate
// messages: marked, in plain text and HTML, linked to the alert, with a Message-ID of
// its outbox entry. The day's digest then reaches every contact with an address, the
// one who chose the digest alone included, and lists the high alert.
func TestEmailThroughSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		ms := startMailServer(t, "none", nil)
		svc := newService(t, s, newClock(), relayMail(ms, "none"))
		id := raise(t, s, alert(trust, "A device at 192.0.2.7 talks to a botnet", vigil.SeverityHigh, vigil.TLPAmber))

		if r := deliver(t, svc); r.Planned != 1 || r.Delivered != 1 || r.Failed != 0 {
			t.Fatalf("round %+v, want one message planned and delivered", r)
		}
		got := ms.messages()
		if len(got) != 1 {
			t.Fatalf("the relay got %d messages, want 1 (to ann; bob chose the digest, cat has no address)", len(got))
		}
		m := got[0]
		if !slices.Equal(m.to, []string{"ann@rxa.example"}) || m.from != "vigil@centre.example" {
			t.Errorf("envelope from %q to %v", m.from, m.to)
		}
		h := m.msg.Header
		subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
		outbox := entryOf(t, s, id)
		for name, want := range map[string]string{
			"Subject":        "[TLP:AMBER] High alert: A device at 192.0.2.7 talks to a botnet",
			"Message-Id":     "<vigil-outbox-" + strconv.FormatInt(outbox.ID, 10) + "@centre.example>",
			"To":             "<ann@rxa.example>",
			"Auto-Submitted": "auto-generated",
			"X-Vigil-Tlp":    "TLP:AMBER",
		} {
			v := h.Get(name)
			if name == "Subject" {
				v = subject
			}
			if v != want {
				t.Errorf("%s: %q, want %q", name, v, want)
			}
		}
		link := "https://vigil.example.org/alerts/" + strconv.FormatInt(id, 10)
		ps := parts(t, m.msg)
		if text := ps["text/plain"]; !strings.HasPrefix(text, "TLP:AMBER\r\n") && !strings.HasPrefix(text, "TLP:AMBER\n") ||
			!strings.Contains(text, "What to do: check the device.") || !strings.Contains(text, link) {
			t.Errorf("plain part lacks the marking first, the words or the link:\n%s", text)
		}
		if html := ps["text/html"]; !strings.Contains(html, ">TLP:AMBER<") || !strings.Contains(html, `href="`+link+`"`) ||
			!strings.Contains(html, "What to do: check the device.") {
			t.Errorf("HTML part lacks the marking, the words or the link:\n%s", html)
		}
		if outbox = entryOf(t, s, id); outbox.SentAt.IsZero() || outbox.TLP != vigil.TLPAmber {
			t.Errorf("outbox entry after delivery: sent %v, TLP %q", outbox.SentAt, outbox.TLP)
		}

		// The daily digest: both contacts with an address, the high alert listed.
		if _, err := alerts.New(alerts.Deps{Store: s}).WriteDigests(t.Context(), time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		deliver(t, svc)
		got = ms.messages()[1:]
		var to []string
		for _, m := range got {
			to = append(to, m.to...)
			if text := parts(t, m.msg)["text/plain"]; !strings.Contains(text, "- [High] A device at 192.0.2.7 talks to a botnet") {
				t.Errorf("the digest to %v does not list the high alert:\n%s", m.to, text)
			}
		}
		slices.Sort(to)
		if !slices.Equal(to, []string{"ann@rxa.example", "bob@rxa.example"}) {
			t.Errorf("the digest went to %v, want ann and bob", to)
		}
	})
}

// entryOf is the immediate outbox entry about alert id.
func entryOf(t testing.TB, s *store.Store, alertID int64) vigil.OutboxEntry {
	t.Helper()
	es, _, err := s.ListOutbox(t.Context(), vigil.OutboxFilter{Kind: vigil.OutboxImmediate, Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.AlertID == alertID {
			return e
		}
	}
	t.Fatalf("no immediate message about alert %d", alertID)
	return vigil.OutboxEntry{}
}

// A relay reached over STARTTLS or implicit TLS with a certificate the server is told
// to trust, signing in with a user and password, takes the message.
func TestEmailOverTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			s := storetest.Open(t)
			seed(t, s)
			ms := startMailServer(t, mode, &cert)
			m := relayMail(ms, mode)
			m.User, m.Password, m.TLSConfig = "relay-user", "relay-pass", &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
			svc := newService(t, s, newClock(), m)
			raise(t, s, alert(trust, "Ransomware beacon from 192.0.2.9", vigil.SeverityCritical, vigil.TLPGreen))
			if r := deliver(t, svc); r.Delivered != 1 {
				t.Fatalf("round %+v, want one delivered", r)
			}
			if got := ms.messages(); len(got) != 1 || got[0].user != "relay-user" {
				t.Fatalf("the relay got %+v, want one message from relay-user", got)
			}
		})
	}
	t.Run("an untrusted certificate is refused", func(t *testing.T) {
		s := storetest.Open(t)
		seed(t, s)
		ms := startMailServer(t, "tls", &cert)
		svc := newService(t, s, newClock(), relayMail(ms, "tls"))
		raise(t, s, alert(trust, "Ransomware beacon from 192.0.2.9", vigil.SeverityCritical, vigil.TLPGreen))
		if r := deliver(t, svc); r.Failed != 1 || len(ms.messages()) != 0 {
			t.Fatalf("round %+v with %d messages: a relay whose certificate is not trusted must not get mail", r, len(ms.messages()))
		}
	})
}

// A relay that is down fails the attempt, which is tried again after a wait, not at
// once and not lost; once the relay is back the message goes, once. A new Service
// over the same database (a restart) sends nothing again; one that stopped in the
// middle of an attempt tries it again once its lease ends.
func TestRelayDownIsRetriedAndRestartsSendOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		ms := startMailServer(t, "none", nil)
		clk := newClock()
		svc := newService(t, s, clk, relayMail(ms, "none"))
		ms.setDown(true)
		raise(t, s, alert(trust, "A device at 192.0.2.7 talks to a botnet", vigil.SeverityHigh, vigil.TLPAmber))
		if r := deliver(t, svc); r.Failed != 1 {
			t.Fatalf("round %+v, want one failure", r)
		}
		ds := emails(t, svc, vigil.DeliveryFilter{})
		if len(ds) != 1 || ds[0].Status != vigil.DeliveryPending || ds[0].Attempts != 1 || ds[0].LastError == "" ||
			!ds[0].NextAttemptAt.Equal(clk.now().Add(time.Minute)) {
			t.Fatalf("after a failure: %+v; want pending, 1 attempt, the error, next try in a minute", ds)
		}
		if r := deliver(t, svc); r.Failed+r.Delivered != 0 {
			t.Errorf("round %+v before the wait: a failed delivery must wait, not loop", r)
		}
		ms.setDown(false)
		clk.advance(time.Minute)
		if r := deliver(t, svc); r.Delivered != 1 {
			t.Fatalf("round %+v after the wait, want the message delivered", r)
		}
		restarted := newService(t, s, clk, relayMail(ms, "none"))
		clk.advance(time.Hour)
		deliver(t, restarted)
		if n := len(ms.messages()); n != 1 {
			t.Errorf("the relay got %d messages after a restart, want 1", n)
		}

		// A server that claimed a delivery and stopped before recording it: the next
		// tries it again when the lease ends (at least once).
		ms.setDown(true)
		raise(t, s, alert(trust, "Ransomware beacon from 192.0.2.9", vigil.SeverityCritical, vigil.TLPAmber))
		deliver(t, restarted) // fails: due again in a minute
		ms.setDown(false)
		claimed, err := s.ClaimDeliveries(t.Context(), store.EmailDeliveries, clk.now().Add(time.Minute), 3*time.Minute, 10)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %v, %v", claimed, err)
		}
		clk.advance(time.Minute)
		if r := deliver(t, restarted); r.Delivered+r.Failed != 0 {
			t.Errorf("round %+v during another server's lease: want nothing tried", r)
		}
		clk.advance(3 * time.Minute)
		if r := deliver(t, restarted); r.Delivered != 1 {
			t.Errorf("round %+v after the lease: want the claimed message sent", r)
		}
		if n := len(ms.messages()); n != 2 {
			t.Errorf("the relay got %d messages, want 2", n)
		}
	})
}

// emails lists e-mail deliveries as the sector centre sees them.
func emails(t testing.TB, svc *notify.Service, f vigil.DeliveryFilter) []vigil.Delivery {
	t.Helper()
	ds, _, err := svc.Emails(t.Context(), vigil.CommandLine, f)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// A recipient the relay refuses for good is given up at once (dead); an entry that
// names its recipients goes to exactly those, and nobody else.
func TestPermanentRefusalAndNamedRecipients(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	ms := startMailServer(t, "none", nil)
	svc := newService(t, s, newClock(), relayMail(ms, "none"))
	if _, _, err := s.AddOutbox(t.Context(), vigil.OutboxEntry{Org: trust, Kind: vigil.OutboxDigest, Subject: "Escalation",
		Body: "Nobody acknowledged alert 7.", Recipients: []string{"nobody@rxa.example", "admin@rxa.example"},
		DedupKey: "escalation|7"}); err != nil {
		t.Fatal(err)
	}
	if r := deliver(t, svc); r.Delivered != 1 || r.Failed != 1 {
		t.Fatalf("round %+v, want one delivered and one refused", r)
	}
	if got := ms.messages(); len(got) != 1 || !slices.Equal(got[0].to, []string{"admin@rxa.example"}) {
		t.Errorf("the relay got %+v, want one message to admin@rxa.example", got)
	}
	dead := emails(t, svc, vigil.DeliveryFilter{Status: vigil.DeliveryDead})
	if len(dead) != 1 || dead[0].Recipient != "nobody@rxa.example" || !strings.Contains(dead[0].LastError, "550") {
		t.Errorf("dead e-mails %+v, want the one to nobody@ with the relay's 550", dead)
	}
}

// Who gets an e-mail: contacts with an address, less those who chose the digest alone
// for immediate messages; the named recipients of a TLP:RED alert, likewise.
func TestRecipients(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	svc := newService(t, s, newClock(), notify.Mail{})
	tests := []struct {
		name string
		a    vigil.Alert
		want []string
	}{
		{"an immediate message skips digest-only contacts", alert(trust, "High one", vigil.SeverityHigh, vigil.TLPAmber),
			[]string{"ann@rxa.example"}},
		{"a RED one goes to the named recipients who want it at once", alert(trust, "Red one", vigil.SeverityCritical, vigil.TLPRed),
			[]string{"admin@rxa.example", "ann@rxa.example"}},
		{"another organisation's contacts", alert(other, "Other one", vigil.SeverityHigh, vigil.TLPClear),
			[]string{"dee@rxb.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := entryOf(t, s, raise(t, s, tt.a))
			deliver(t, svc)
			var got []string
			for _, d := range emails(t, svc, vigil.DeliveryFilter{OutboxID: e.ID}) {
				got = append(got, d.Recipient)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("e-mailed %v, want %v", got, tt.want)
			}
		})
	}
}

// Without a relay, and always in demo mode, each message is an RFC 5322 .eml file in
// the outbox directory, named after its outbox entry, listed with its delivery.
func TestFileOutbox(t *testing.T) {
	for _, tc := range []struct {
		name string
		mail notify.Mail
	}{
		{"no relay", notify.Mail{}},
		{"demo mode with a relay set", notify.Mail{Host: "smtp.invalid", From: "vigil@centre.example", Files: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.Open(t)
			seed(t, s)
			tc.mail.Dir = filepath.Join(t.TempDir(), "outbox")
			svc := newService(t, s, newClock(), tc.mail)
			if !svc.FileMode() {
				t.Fatal("FileMode() = false")
			}
			e := entryOf(t, s, raise(t, s, alert(trust, "A device at 192.0.2.7 talks to a botnet", vigil.SeverityHigh, vigil.TLPRed)))
			if r := deliver(t, svc); r.Delivered != 2 {
				t.Fatalf("round %+v, want two files (admin and ann)", r)
			}
			ds := emails(t, svc, vigil.DeliveryFilter{OutboxID: e.ID})
			for _, d := range ds {
				if !strings.Contains(d.File, "outbox-"+strconv.FormatInt(e.ID, 10)+"-") || d.Status != vigil.DeliveryDelivered {
					t.Errorf("delivery %+v: want a delivered .eml named after the outbox entry", d)
				}
				f, err := os.Open(filepath.Join(tc.mail.Dir, d.File))
				if err != nil {
					t.Fatal(err)
				}
				m, err := mail.ReadMessage(f)
				f.Close()
				if err != nil {
					t.Fatalf("%s is not an RFC 5322 message: %v", d.File, err)
				}
				if m.Header.Get("X-Vigil-Tlp") != "TLP:RED" || !strings.Contains(m.Header.Get("To"), d.Recipient) {
					t.Errorf("%s: headers %v", d.File, m.Header)
				}
			}
			left, _ := filepath.Glob(filepath.Join(tc.mail.Dir, ".tmp-*"))
			if len(ds) != 2 || len(left) != 0 {
				t.Errorf("%d deliveries, temporary files left: %v", len(ds), left)
			}
		})
	}
}

// An alert title that carries a line break (outside intel is quoted in titles) cannot
// add headers to the e-mail: the subject stays one line.
func TestSubjectCannotAddHeaders(t *testing.T) {
	got := relayed(t, vigil.OutboxEntry{Org: trust, Kind: vigil.OutboxDigest,
		Subject: "Evil\r\nBcc: thief@evil.example\r\nX-Injected: yes", Body: "Body.", DedupKey: "evil"})
	if len(got) != 2 {
		t.Fatalf("the relay got %d messages, want 2 (ann and bob)", len(got))
	}
	for _, m := range got {
		if len(m.to) != 1 || strings.Contains(m.to[0], "evil") || m.msg.Header.Get("X-Injected") != "" || m.msg.Header.Get("Bcc") != "" {
			t.Errorf("injected headers or recipients: to %v, headers %v", m.to, m.msg.Header)
		}
		if subject := m.msg.Header.Get("Subject"); subject != "[TLP:AMBER] Evil Bcc: thief@evil.example X-Injected: yes" {
			t.Errorf("subject %q, want the line breaks folded into spaces", subject)
		}
	}
}

// TestEmailDefangsIndicators: the web address an alert quotes reaches the reader's mail
// program unclickable, in the subject and in both parts, while the link to vigil itself
// stays a link.
func TestEmailDefangsIndicators(t *testing.T) {
	got := relayed(t, vigil.OutboxEntry{Org: trust, Kind: vigil.OutboxDigest,
		Subject: "Phishing page at http://www.care.example/pay.php", DedupKey: "defang",
		Body: "What was seen: http://www.care.example/pay.php appears in threat intelligence.\n\nAsk whoever runs care.example to look."})
	if len(got) == 0 {
		t.Fatal("the relay got no message")
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(got[0].msg.Header.Get("Subject"))
	if err != nil || subject != "[TLP:AMBER] Phishing page at hxxp://www[.]care[.]example/pay[.]php" {
		t.Errorf("subject %q (%v), want the address defanged", subject, err)
	}
	_, params, err := mime.ParseMediaType(got[0].msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	parts := multipart.NewReader(got[0].msg.Body, params["boundary"])
	for n := 0; ; n++ {
		p, err := parts.NextPart()
		if err == io.EOF {
			if n != 2 {
				t.Errorf("%d parts, want text and HTML", n)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		text := string(body)
		if strings.Contains(text, "http://www.care.example") || !strings.Contains(text, "hxxp://www[.]care[.]example/pay[.]php") ||
			!strings.Contains(text, "runs care[.]example to") || !strings.Contains(text, "https://vigil.example.org/alerts") {
			t.Errorf("%s part: want the indicator defanged and the link to vigil kept:\n%s", p.Header.Get("Content-Type"), text)
		}
	}
}

// relayed puts e in a seeded store's outbox, delivers it through a relay and returns
// what the relay received.
func relayed(t *testing.T, e vigil.OutboxEntry) []received {
	t.Helper()
	s := storetest.Open(t)
	seed(t, s)
	ms := startMailServer(t, "none", nil)
	svc := newService(t, s, newClock(), relayMail(ms, "none"))
	if _, _, err := s.AddOutbox(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	deliver(t, svc)
	return ms.messages()
}
