package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// mailer hands one message to whatever takes e-mail: a relay, or a directory.
type mailer interface {
	// send delivers m, identified by name (unique per message and recipient), and
	// returns the file it wrote, if it wrote one.
	send(ctx context.Context, m *mail.Msg, name string) (file string, err error)
}

var (
	_ mailer = (*relay)(nil)
	_ mailer = (*fileDrop)(nil)
)

// newMailer is the relay m names, or the .eml directory.
func newMailer(m Mail) mailer {
	if m.Files || m.Host == "" {
		return &fileDrop{dir: m.Dir}
	}
	return &relay{cfg: m}
}

// relay sends through an SMTP server, one connection per message: messages are few,
// and a failure then concerns one recipient only.
type relay struct{ cfg Mail }

// Ports by TLS mode, when none is set.
func defaultPort(mode string) int {
	switch mode {
	case "tls":
		return 465
	case "none":
		return 25
	}
	return 587
}

func (r *relay) send(ctx context.Context, m *mail.Msg, _ string) (string, error) {
	c, err := r.client()
	if err != nil {
		return "", err
	}
	return "", c.DialAndSendWithContext(ctx, m)
}

// client builds a go-mail client for the relay: TLS as configured (STARTTLS required,
// not merely tried), authentication when a user is set.
func (r *relay) client() (*mail.Client, error) {
	cfg := r.cfg
	port := cfg.Port
	if port == 0 {
		port = defaultPort(cfg.TLS)
	}
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = cfg.Host
		}
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(30 * time.Second), mail.WithTLSConfig(tc)}
	switch cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if cfg.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(cfg.User),
			mail.WithPassword(cfg.Password))
	}
	c, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP relay %s: %w", cfg.Host, err)
	}
	return c, nil
}

// fileDrop writes each message as an RFC 5322 .eml file, for a server without a relay
// and for demo mode: an operator reads them, or a local tool picks them up.
type fileDrop struct{ dir string }

// send writes m to dir/name.eml through a temporary file and a rename, so that a
// reader never sees half a message and a repeat replaces the file whole.
func (f *fileDrop) send(_ context.Context, m *mail.Msg, name string) (string, error) {
	if f.dir == "" {
		return "", errors.New("no directory for the .eml files")
	}
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return "", fmt.Errorf("outbox directory: %w", err)
	}
	tmp, err := os.CreateTemp(f.dir, ".tmp-*.eml")
	if err != nil {
		return "", fmt.Errorf("write .eml: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	_, err = m.WriteTo(tmp)
	if err = errors.Join(err, tmp.Sync(), tmp.Close()); err != nil {
		return "", fmt.Errorf("write .eml: %w", err)
	}
	file := name + ".eml"
	if err := os.Rename(tmp.Name(), filepath.Join(f.dir, file)); err != nil {
		return "", fmt.Errorf("write .eml: %w", err)
	}
	return file, nil
}

// emlName is the file name of message id to recipient: the outbox id first, then the
// address with anything but letters, digits and . _ - @ replaced.
func emlName(outboxID int64, recipient string) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-', r == '@':
			return r
		}
		return '_'
	}, strings.ToLower(recipient))
	if len(safe) > 100 {
		safe = safe[:100]
	}
	return "outbox-" + strconv.FormatInt(outboxID, 10) + "-" + safe
}

// permanent reports whether a send failed for good: the relay refused the recipient
// with a permanent (5xx) answer. Anything else (the relay down, a 4xx, a timeout) may
// pass on a later try.
func permanent(err error) bool {
	var se *mail.SendError
	return errors.As(err, &se) && se.Reason == mail.ErrSMTPRcptTo && !se.IsTemp()
}
