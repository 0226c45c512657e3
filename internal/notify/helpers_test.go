package notify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/store"
)

// The test sector: a trust with contacts who chose differently, a second trust, and a
// supplier serving the first.
const (
	trust    = "RXA"
	other    = "RXB"
	supplier = "YSUP1"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// loopback is the allow-list of the tests' webhook servers.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

func seed(t testing.TB, s *store.Store) {
	t.Helper()
	ctx := t.Context()
	s.SetCredentialKey(testSecret)
	for _, o := range []vigil.Org{
		{ODSCode: trust, Name: "Alder Community NHS Trust", Kind: vigil.OrgTrust, Contacts: []vigil.Contact{
			{Name: "Ann Lead", Role: "IT lead", Email: "ann@rxa.example"},
			{Name: "Bob Manager", Email: "bob@rxa.example", Notify: vigil.NotifyDigest},
			{Name: "Cat Phone", Phone: "0161 000 0000"},
		}},
		{ODSCode: other, Name: "Birch Hospital NHS Trust", Kind: vigil.OrgTrust, Contacts: []vigil.Contact{
			{Name: "Dee", Email: "dee@rxb.example"}}},
		{ODSCode: supplier, Name: "Care Systems Ltd", Kind: vigil.OrgSupplier},
	} {
		if _, _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.LinkSupplier(ctx, supplier, trust); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, vigil.NewUser{Email: "admin@rxa.example", Name: "RXA admin", Role: vigil.RoleOrgAdmin, Org: trust}); err != nil {
		t.Fatal(err)
	}
}

// clock is a test clock that moves only when told. It starts ten minutes after the
// real time, with which the store stamps new outbox entries, so that every entry a
// test writes is due.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Now().UTC().Add(10 * time.Minute).Truncate(time.Second)}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newService is a notify.Service over s with the test clock.
func newService(t testing.TB, s *store.Store, clk *clock, m notify.Mail) *notify.Service {
	t.Helper()
	if m.Dir == "" && m.Host == "" {
		m.Dir = t.TempDir()
	}
	return notify.New(notify.Deps{Store: s, Now: clk.now, Mail: m, BaseURL: "https://vigil.example.org",
		WebhookAllowPrivate: loopback})
}

// raise raises a for its organisation through the alerts use case, as every flow does,
// and returns its id.
func raise(t testing.TB, s *store.Store, a vigil.Alert) int64 {
	t.Helper()
	svc := alerts.New(alerts.Deps{Store: s})
	var id int64
	err := s.Tx(t.Context(), func(tx *store.Store) (err error) {
		id, _, err = svc.Raise(t.Context(), tx, alerts.Raising{Alert: a})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// alert is a fresh alert of org.
func alert(org, title string, sev vigil.Severity, tlp vigil.TLP) vigil.Alert {
	now := time.Now()
	return vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning, Severity: sev, Title: title, TLP: tlp,
		Body: "What was seen: " + title + ".\n\nWhat to do: check the device.", Observable: "192.0.2.10",
		FirstSeen: now, LastSeen: now, DedupKey: title}
}

// received is one message an SMTP test server accepted.
type received struct {
	from string
	to   []string
	msg  *mail.Message
	raw  string
	user string // who authenticated, if anyone
}

// mailServer is a real SMTP server on 127.0.0.1 (github.com/emersion/go-smtp) that keeps
// what it receives, and refuses everything while down is set.
type mailServer struct {
	addr string
	port int

	mu   sync.Mutex
	got  []received
	down bool
}

// startMailServer starts an SMTP server in mode: "none" (plain), "starttls" or "tls"
// (implicit) with cert; users may sign in as "relay-user" with password "relay-pass".
func startMailServer(t testing.TB, mode string, cert *tls.Certificate) *mailServer {
	t.Helper()
	ms := &mailServer{}
	srv := smtp.NewServer(ms)
	srv.Domain = "relay.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case "tls":
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12})
	case "starttls":
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	}
	ms.addr = ln.Addr().String()
	ms.port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close(); ln.Close(); <-done })
	return ms
}

// NewSession implements smtp.Backend.
func (ms *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.down {
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "relay down for the test"}
	}
	return &session{ms: ms}, nil
}

func (ms *mailServer) setDown(down bool) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.down = down
}

func (ms *mailServer) messages() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.got...)
}

type session struct {
	ms   *mailServer
	cur  received
	user string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "relay-user" || pass != "relay-pass" {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	s.cur.raw, s.cur.msg, s.cur.user = string(b), m, s.user
	s.ms.mu.Lock()
	s.ms.got = append(s.ms.got, s.cur)
	s.ms.mu.Unlock()
	return nil
}

// selfSigned is a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"relay.test"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// hookRequest is one request a webhook test server received.
type hookRequest struct {
	header http.Header
	body   []byte
}

// hookServer is a webhook receiver on 127.0.0.1 that answers status.
type hookServer struct {
	url    string
	mu     sync.Mutex
	got    []hookRequest
	status int
}

func startHookServer(t testing.TB, status int) *hookServer {
	t.Helper()
	h := &hookServer{status: status}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, hookRequest{header: r.Header.Clone(), body: b})
		st := h.status
		h.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/hooks/T000/B000/secret-path-part"
	return h
}

func (h *hookServer) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.got...)
}

func (h *hookServer) answer(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status = status
}
