package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// SMTP TLS modes.
const (
	SMTPStartTLS = "starttls" // STARTTLS on the submission port, required
	SMTPTLS      = "tls"      // TLS from the first byte (port 465)
	SMTPNoTLS    = "none"     // plain SMTP, only to a relay on this machine
)

// loopback is where a relay may be spoken to without TLS.
var loopback = netip.MustParsePrefix("127.0.0.0/8")

// validateMail checks the SMTP and webhook settings.
func (c *Config) validateMail() []error {
	var errs []error
	switch c.SMTPTLS {
	case "", SMTPStartTLS, SMTPTLS:
	case SMTPNoTLS:
		if a, err := netip.ParseAddr(c.SMTPHost); c.SMTPHost != "" && (err != nil || !loopback.Contains(a.Unmap())) {
			errs = append(errs, fmt.Errorf("smtp_tls none sends mail and passwords in the clear, so it is only for a relay on 127.0.0.0/8 (smtp_host 127.0.0.1): use starttls or tls for %q", c.SMTPHost))
		}
	default:
		errs = append(errs, fmt.Errorf("smtp_tls %q must be starttls, tls or none", c.SMTPTLS))
	}
	if strings.ContainsAny(c.SMTPHost, "/@ ") || strings.Contains(c.SMTPHost, "://") {
		errs = append(errs, fmt.Errorf("smtp_host %q must be a host name or address alone, e.g. smtp.example.org (the port goes in smtp_port)", c.SMTPHost))
	}
	if c.SMTPPort < 0 || c.SMTPPort > 65535 {
		errs = append(errs, fmt.Errorf("smtp_port %d must be between 1 and 65535 (0 picks it from smtp_tls)", c.SMTPPort))
	}
	if c.SMTPHost != "" && strings.TrimSpace(c.SMTPFrom) == "" {
		errs = append(errs, errors.New("smtp_from must name the sender, e.g. \"vigil <vigil@centre.example>\", when smtp_host is set"))
	}
	if c.SMTPFrom != "" {
		if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
			errs = append(errs, fmt.Errorf("smtp_from %q is not an e-mail address, e.g. vigil@centre.example", c.SMTPFrom))
		}
	}
	if c.SMTPPassword != "" && c.SMTPPasswordFile != "" {
		errs = append(errs, errors.New("give the SMTP password in VIGIL_SMTP_PASSWORD or in smtp_password_file, not both"))
	}
	if _, err := c.SMTPPasswordValue(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.WebhookAllowPrefixes(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// SMTPPasswordValue is the relay password: VIGIL_SMTP_PASSWORD, or the first line of
// smtp_password_file.
func (c *Config) SMTPPasswordValue() (string, error) {
	if c.SMTPPasswordFile == "" {
		return c.SMTPPassword, nil
	}
	b, err := os.ReadFile(c.SMTPPasswordFile)
	if err != nil {
		return "", fmt.Errorf("smtp_password_file %q cannot be read: %v", c.SMTPPasswordFile, errors.Unwrap(err))
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(line, "\r"), nil
}

// WebhookAllowPrefixes is WebhookAllowPrivate parsed: the networks webhooks may post to
// although private.
func (c *Config) WebhookAllowPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range c.WebhookAllowPrivate {
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("webhook_allow_private: %q must be a CIDR prefix, e.g. 10.20.0.0/16 for your ticketing system's network", p)
		}
		out = append(out, pr.Masked())
	}
	return out, nil
}

// OutboxDir is where messages are written as .eml files when they are not sent.
func (c *Config) OutboxDir() string { return filepath.Join(c.DataDir, "outbox") }
