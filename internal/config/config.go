// Package config holds the server's settings: defaults, an optional JSON file, VIGIL_*
// environment variables and command-line flags, applied in that order and validated once.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/telemetry"
)

// Config is everything `vigil serve` needs to run.
type Config struct {
	// Addr is the host:port the server listens on.
	Addr string `json:"addr"`
	// DataDir holds the SQLite database, the server secret and the demo outbox.
	DataDir string `json:"data_dir"`
	// DB is the database: empty for SQLite in DataDir, or a postgres:// URL.
	DB string `json:"db"`
	// BaseURL is how people reach the server, used in links and to decide Secure cookies.
	BaseURL string `json:"base_url"`
	// Demo seeds a believable sector with demo logins on first start.
	Demo bool `json:"demo"`
	// DemoPassword is the demo users' password; random when empty.
	DemoPassword string `json:"demo_password"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `json:"log_level"`
	// MaxTelemetryBytes caps one telemetry upload (after decompression).
	MaxTelemetryBytes int64 `json:"max_telemetry_bytes"`
	// MaxEventBytes caps one events upload.
	MaxEventBytes int64 `json:"max_event_bytes"`
	// MaxIntelBytes caps what one intel upload or one feed pull may unpack (after
	// decompression).
	MaxIntelBytes int64 `json:"max_intel_bytes"`
	// MaxEvidenceBytes caps one evidence file, of an incident or a posture item.
	MaxEvidenceBytes int64 `json:"max_evidence_bytes"`
	// FeedAllowPrivate are the CIDR prefixes feeds may be pulled from although they are
	// loopback, private, link-local, CGNAT or cloud metadata addresses.
	FeedAllowPrivate []string `json:"feed_allow_private"`
	// RetentionDays is how long the keyed observable index and sightings are kept.
	RetentionDays int `json:"retention_days"`
	// Warninglists names the lists of values known to be benign: "builtin" (vigil's
	// curated set, the default), "none", or directories of MISP warninglists (list.json
	// files), comma-separated. Values a list drops are imported but never match, so
	// 8.8.8.8 raises no alert; values a flagging list knows match with lower severity.
	Warninglists string `json:"warninglists"`
	// MaxIPv4Prefix and MaxIPv6Prefix are the widest networks an organisation could own,
	// as prefix lengths: a wider IP range is refused as an asset, whoever adds it.
	MaxIPv4Prefix int `json:"max_ipv4_prefix"`
	// MaxIPv6Prefix is the widest IPv6 network an organisation could own.
	MaxIPv6Prefix int `json:"max_ipv6_prefix"`
	// DigestHour is the UTC hour the daily digest goes out.
	DigestHour int `json:"digest_hour"`
	// SessionTTL is how long a login lasts at most, however active.
	SessionTTL Duration `json:"session_ttl"`
	// SessionIdleTimeout ends a session unused for this long, whatever SessionTTL says.
	SessionIdleTimeout Duration `json:"session_idle_timeout"`
	// PasswordHashConcurrency bounds the password hashes computed at once (about 19 MiB
	// each); 0 means one per usable core. Sign-ins beyond it get 429 with Retry-After.
	PasswordHashConcurrency int `json:"password_hash_concurrency"`
	// TrustedProxies are the addresses or CIDR prefixes of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto headers are believed.
	TrustedProxies []string `json:"trusted_proxies"`
	// TrustedOrigins are further origins (scheme://host[:port]) allowed to make
	// cookie-authenticated changes, e.g. the public address behind a proxy.
	TrustedOrigins []string `json:"trusted_origins"`
	// Deadlines change how long organisations have to acknowledge and remediate alerts,
	// by severity: {"critical": {"acknowledge": "24h", "remediate": "7d"}}. A severity
	// or a part not given keeps vigil.DefaultDeadlines; "none" removes a deadline.
	Deadlines map[string]DeadlineSetting `json:"deadlines"`
	// VulnerabilityDeadline is how long organisations have to acknowledge and fix a high
	// or critical vulnerability in their software, or one known to be exploited (CISA
	// KEV), whatever its score: {"acknowledge": "48h", "remediate": "14d"} unless set.
	VulnerabilityDeadline DeadlineSetting `json:"vulnerability_deadline"`
	// AdvisoryDir is the directory on the server that advisory sources read from disk
	// (a mirror of OSV, KEV and EPSS for a closed network) must be in; empty allows
	// only sources with a URL.
	AdvisoryDir string `json:"advisory_dir"`
	// SMTPHost is the mail relay's host name or address; empty writes each message as a
	// .eml file under <data-dir>/outbox instead (as demo mode always does).
	SMTPHost string `json:"smtp_host"`
	// SMTPPort is the relay's port; 0 means 587 for starttls, 465 for tls, 25 for none.
	SMTPPort int `json:"smtp_port"`
	// SMTPTLS is starttls (the default: STARTTLS required), tls (TLS from the first
	// byte) or none (only to a relay on 127.0.0.0/8).
	SMTPTLS string `json:"smtp_tls"`
	// SMTPUser authenticates to the relay, with the password from VIGIL_SMTP_PASSWORD or
	// SMTPPasswordFile.
	SMTPUser string `json:"smtp_user"`
	// SMTPPasswordFile is a file holding the relay password (its first line).
	SMTPPasswordFile string `json:"smtp_password_file"`
	// SMTPPassword is the relay password (VIGIL_SMTP_PASSWORD only, never the file).
	SMTPPassword string `json:"-"`
	// SMTPFrom is the address messages come from, e.g. "vigil <vigil@centre.example>".
	SMTPFrom string `json:"smtp_from"`
	// WebhookAllowPrivate are the CIDR prefixes webhooks may post to although they are
	// loopback, private, link-local, CGNAT or cloud metadata addresses.
	WebhookAllowPrivate []string `json:"webhook_allow_private"`
	// Secret is the server secret in hex (VIGIL_SECRET only, never the file): set the same
	// value on every server sharing a PostgreSQL database. Empty means <data-dir>/secret.
	Secret string `json:"-"`
}

// Duration is a time.Duration written as "12h" in files and the environment.
type Duration struct{ time.Duration }

// UnmarshalJSON reads "90m" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		d.Duration = v
		return err
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return errors.New(`a duration is written like "12h" or "90m"`)
	}
	d.Duration = time.Duration(secs * float64(time.Second))
	return nil
}

// MarshalJSON writes the duration as "12h0m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// DeadlineSetting is the deadlines of one severity as the config file gives them, each
// as vigil.ParseDeadline reads it ("48h", "14d", "none"); empty keeps the default.
type DeadlineSetting struct {
	// Acknowledge is how long an organisation has to acknowledge an alert.
	Acknowledge string `json:"acknowledge,omitempty"`
	// Remediate is how long it has to resolve it.
	Remediate string `json:"remediate,omitempty"`
}

// AlertDeadlines are the alert deadlines: vigil.DefaultDeadlines with Deadlines laid
// over them. The error names the setting to change.
func (c *Config) AlertDeadlines() (vigil.Deadlines, error) {
	ds := vigil.DefaultDeadlines()
	for _, key := range slices.Sorted(maps.Keys(c.Deadlines)) {
		set := c.Deadlines[key]
		sev := vigil.Severity(strings.ToLower(strings.TrimSpace(key)))
		if sev.Rank() == 0 {
			return nil, fmt.Errorf("deadlines: %q is not a severity: use low, medium, high or critical", key)
		}
		d := ds[sev]
		for _, part := range []struct {
			name string
			text string
			to   *time.Duration
		}{{"acknowledge", set.Acknowledge, &d.Acknowledge}, {"remediate", set.Remediate, &d.Remediate}} {
			if strings.TrimSpace(part.text) == "" {
				continue
			}
			v, err := vigil.ParseDeadline(part.text)
			if err != nil {
				return nil, fmt.Errorf("deadlines: %s.%s: %s", sev, part.name, vigil.ErrorMessage(err))
			}
			*part.to = v
		}
		ds[sev] = d
	}
	if err := ds.Check(); err != nil {
		return nil, errors.New(vigil.ErrorMessage(err))
	}
	return ds, nil
}

// VulnDeadline is VulnerabilityDeadline read: the default deadline of high alerts
// (48 hours, 14 days) with the setting laid over it. The error names the setting.
func (c *Config) VulnDeadline() (vigil.Deadline, error) {
	tmp := Config{Deadlines: map[string]DeadlineSetting{"high": c.VulnerabilityDeadline}}
	ds, err := tmp.AlertDeadlines()
	if err != nil {
		return vigil.Deadline{}, fmt.Errorf("vulnerability_deadline: %s", strings.TrimPrefix(err.Error(), "deadlines: high."))
	}
	return ds[vigil.SeverityHigh], nil
}

// Default returns the settings used when nothing else is said.
func Default() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           "vigil-data",
		LogLevel:          "info",
		MaxTelemetryBytes: telemetry.DefaultMaxBytes,
		MaxEventBytes:     64 << 20,
		MaxIntelBytes:     2 << 30, // intel.DefaultMaxBytes
		MaxEvidenceBytes:  vigil.DefaultMaxEvidenceBytes,
		RetentionDays:     30,
		MaxIPv4Prefix:     16,
		MaxIPv6Prefix:     32,
		DigestHour:        7,
		SessionTTL:        Duration{12 * time.Hour},
		// SessionIdleTimeout ends a session an hour after its last use.
		SessionIdleTimeout: Duration{time.Hour},
	}
}

// LoadFile overlays the settings in a JSON file; unknown keys are an error, so a typo
// does not silently fall back to a default.
func (c *Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// FileKeys are the keys a config file may hold, in the order Config declares them:
// read from its fields, so that the help listing them cannot drift from what LoadFile takes.
func FileKeys() []string {
	var keys []string
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// envVars maps each VIGIL_* variable to the setting it overrides.
var envVars = []struct {
	name string
	set  func(c *Config, v string) error
}{
	{"VIGIL_ADDR", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"VIGIL_DATA_DIR", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"VIGIL_DB", func(c *Config, v string) error { c.DB = v; return nil }},
	{"VIGIL_BASE_URL", func(c *Config, v string) error { c.BaseURL = v; return nil }},
	{"VIGIL_LOG_LEVEL", func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{"VIGIL_DEMO", func(c *Config, v string) error { return parseBool(v, &c.Demo) }},
	{"VIGIL_DEMO_PASSWORD", func(c *Config, v string) error { c.DemoPassword = v; return nil }},
	{"VIGIL_SECRET", func(c *Config, v string) error { c.Secret = strings.TrimSpace(v); return nil }},
	{"VIGIL_TRUSTED_ORIGINS", func(c *Config, v string) error { c.TrustedOrigins = splitList(v); return nil }},
	{"VIGIL_WARNINGLISTS", func(c *Config, v string) error { c.Warninglists = v; return nil }},
	{"VIGIL_ADVISORY_DIR", func(c *Config, v string) error { c.AdvisoryDir = v; return nil }},
	{"VIGIL_RETENTION_DAYS", func(c *Config, v string) error { return atoi(v, &c.RetentionDays) }},
	{"VIGIL_DIGEST_HOUR", func(c *Config, v string) error { return atoi(v, &c.DigestHour) }},
	{"VIGIL_MAX_IPV4_PREFIX", func(c *Config, v string) error { return atoi(v, &c.MaxIPv4Prefix) }},
	{"VIGIL_MAX_IPV6_PREFIX", func(c *Config, v string) error { return atoi(v, &c.MaxIPv6Prefix) }},
	{"VIGIL_MAX_TELEMETRY_BYTES", func(c *Config, v string) error { return atoi64(v, &c.MaxTelemetryBytes) }},
	{"VIGIL_MAX_EVENT_BYTES", func(c *Config, v string) error { return atoi64(v, &c.MaxEventBytes) }},
	{"VIGIL_MAX_INTEL_BYTES", func(c *Config, v string) error { return atoi64(v, &c.MaxIntelBytes) }},
	{"VIGIL_MAX_EVIDENCE_BYTES", func(c *Config, v string) error { return atoi64(v, &c.MaxEvidenceBytes) }},
	{"VIGIL_FEED_ALLOW_PRIVATE", func(c *Config, v string) error { c.FeedAllowPrivate = splitList(v); return nil }},
	{"VIGIL_TRUSTED_PROXIES", func(c *Config, v string) error { c.TrustedProxies = splitList(v); return nil }},
	{"VIGIL_SMTP_HOST", func(c *Config, v string) error { c.SMTPHost = v; return nil }},
	{"VIGIL_SMTP_PORT", func(c *Config, v string) error { return atoi(v, &c.SMTPPort) }},
	{"VIGIL_SMTP_TLS", func(c *Config, v string) error { c.SMTPTLS = v; return nil }},
	{"VIGIL_SMTP_USER", func(c *Config, v string) error { c.SMTPUser = v; return nil }},
	{"VIGIL_SMTP_PASSWORD", func(c *Config, v string) error { c.SMTPPassword = v; return nil }},
	{"VIGIL_SMTP_PASSWORD_FILE", func(c *Config, v string) error { c.SMTPPasswordFile = v; return nil }},
	{"VIGIL_SMTP_FROM", func(c *Config, v string) error { c.SMTPFrom = v; return nil }},
	{"VIGIL_WEBHOOK_ALLOW_PRIVATE", func(c *Config, v string) error { c.WebhookAllowPrivate = splitList(v); return nil }},
	{"VIGIL_PASSWORD_HASH_CONCURRENCY", func(c *Config, v string) error { return atoi(v, &c.PasswordHashConcurrency) }},
	{"VIGIL_SESSION_IDLE_TIMEOUT", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		c.SessionIdleTimeout.Duration = d
		return err
	}},
	{"VIGIL_SESSION_TTL", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		c.SessionTTL.Duration = d
		return err
	}},
}

// LoadEnv overlays VIGIL_* variables found by lookup (os.LookupEnv in production).
func (c *Config) LoadEnv(lookup func(string) (string, bool)) error {
	for _, e := range envVars {
		if v, ok := lookup(e.name); ok && v != "" {
			if err := e.set(c, v); err != nil {
				return fmt.Errorf("%s=%q: %w", e.name, v, err)
			}
		}
	}
	return nil
}

func atoi(s string, dst *int) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not a whole number")
	}
	*dst = v
	return nil
}

func parseBool(s string, dst *bool) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("not true or false")
	}
	*dst = v
	return nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func atoi64(s string, dst *int64) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("not a whole number")
	}
	*dst = v
	return nil
}

// Validate checks every setting and says what to change.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q must be host:port, e.g. 127.0.0.1:8080", c.Addr))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir must name a directory"))
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") && !strings.HasPrefix(c.DB, "sqlite:") {
		errs = append(errs, fmt.Errorf("db must be empty (SQLite in the data dir), sqlite:PATH or a postgres:// URL"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level %q must be debug, info, warn or error", c.LogLevel))
	}
	if c.RetentionDays < 1 || c.RetentionDays > 3650 {
		errs = append(errs, fmt.Errorf("retention_days %d must be between 1 and 3650", c.RetentionDays))
	}
	for _, item := range strings.Split(c.Warninglists, ",") {
		if item = strings.TrimSpace(item); item == "" || item == "builtin" || item == "none" {
			continue
		}
		if st, err := os.Stat(item); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("warninglists %q: give builtin, none, or directories of MISP warninglists (e.g. a clone of misp-warninglists/lists), comma-separated", item))
		}
	}
	if c.DigestHour < 0 || c.DigestHour > 23 {
		errs = append(errs, fmt.Errorf("digest_hour %d must be between 0 and 23", c.DigestHour))
	}
	if c.MaxIPv4Prefix < 8 || c.MaxIPv4Prefix > 32 {
		errs = append(errs, fmt.Errorf("max_ipv4_prefix %d must be between 8 and 32 (the default, 16, refuses IP ranges wider than a /16)", c.MaxIPv4Prefix))
	}
	if c.MaxIPv6Prefix < 32 || c.MaxIPv6Prefix > 128 {
		errs = append(errs, fmt.Errorf("max_ipv6_prefix %d must be between 32 and 128 (the default, 32, refuses IP ranges wider than a /32)", c.MaxIPv6Prefix))
	}
	if c.MaxTelemetryBytes < 1<<10 || c.MaxEventBytes < 1<<10 {
		errs = append(errs, errors.New("max_telemetry_bytes and max_event_bytes must be at least 1024"))
	}
	if c.MaxIntelBytes < 1<<10 {
		errs = append(errs, errors.New("max_intel_bytes must be at least 1024"))
	}
	if c.MaxEvidenceBytes < 1<<10 || c.MaxEvidenceBytes > 1<<30 {
		errs = append(errs, errors.New("max_evidence_bytes must be between 1024 and 1073741824 (1 GB)"))
	}
	if _, err := c.FeedAllowPrefixes(); err != nil {
		errs = append(errs, err)
	}
	if c.SessionTTL.Duration < time.Minute {
		errs = append(errs, errors.New("session_ttl must be at least 1m"))
	}
	if c.SessionIdleTimeout.Duration < time.Minute {
		errs = append(errs, errors.New("session_idle_timeout must be at least 1m"))
	}
	if c.PasswordHashConcurrency < 0 || c.PasswordHashConcurrency > 256 {
		errs = append(errs, fmt.Errorf("password_hash_concurrency %d must be between 0 (one per core) and 256", c.PasswordHashConcurrency))
	}
	if _, err := c.AlertDeadlines(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.VulnDeadline(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateWeb()...)
	errs = append(errs, c.validateMail()...)
	if c.DemoPassword != "" && utf8.RuneCountInString(c.DemoPassword) < MinDemoPassword {
		errs = append(errs, fmt.Errorf("demo_password must be at least %d characters", MinDemoPassword))
	}
	if c.Secret != "" {
		if _, err := decodeSecret(c.Secret); err != nil {
			errs = append(errs, fmt.Errorf("VIGIL_SECRET %v", err))
		}
	}
	return errors.Join(errs...)
}

// FeedAllowPrefixes is FeedAllowPrivate parsed: the networks feeds may be pulled from although private.
func (c *Config) FeedAllowPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range c.FeedAllowPrivate {
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("feed_allow_private: %q must be a CIDR prefix, e.g. 10.20.0.0/16 for a partner's network", p)
		}
		out = append(out, pr.Masked())
	}
	return out, nil
}

// MinDemoPassword is the shortest demo password accepted, the store's minimum.
const MinDemoPassword = 12

// validateWeb checks the settings the web server would otherwise refuse at start.
func (c *Config) validateWeb() []error {
	var errs []error
	if c.BaseURL != "" {
		if _, err := originOf(c.BaseURL); err != nil {
			errs = append(errs, fmt.Errorf("base_url %q %v", c.BaseURL, err))
		}
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range c.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("trusted_origins: %q must be scheme://host[:port] with nothing after it, e.g. https://vigil.example.org", o))
		}
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			errs = append(errs, fmt.Errorf("trusted_proxies: %q must be an IP address or a CIDR prefix, e.g. 10.0.0.0/8", p))
		}
	}
	return errs
}

// originOf returns the scheme://host[:port] of an http or https URL.
func originOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", errors.New("must be an http:// or https:// address, e.g. https://vigil.example.org")
	}
	return u.Scheme + "://" + u.Host, nil
}

// SecureCookies reports whether people reach the server over HTTPS, so that its session
// cookie must be Secure.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Origins returns the trusted origins for cross-origin protection: TrustedOrigins and
// the origin of BaseURL, which a proxy may not pass on as the Host header.
func (c *Config) Origins() []string {
	out := append([]string(nil), c.TrustedOrigins...)
	if o, err := originOf(c.BaseURL); err == nil && c.BaseURL != "" {
		out = append(out, o)
	}
	return out
}

// SecretPath is where the server's HMAC secret for the observable index is kept.
func (c *Config) SecretPath() string { return filepath.Join(c.DataDir, "secret") }

// AssetLimits are the widest networks an organisation could own, for the orgs use cases.
func (c *Config) AssetLimits() vigil.AssetLimits {
	return vigil.AssetLimits{IPv4: c.MaxIPv4Prefix, IPv6: c.MaxIPv6Prefix}
}
