package config

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string
	}{
		{"defaults are valid", func(*Config) {}, ""},
		{"postgres url", func(c *Config) { c.DB = "postgres://u@127.0.0.1/db" }, ""},
		{"addr without port", func(c *Config) { c.Addr = "localhost" }, "host:port"},
		{"mysql is not supported", func(c *Config) { c.DB = "mysql://x" }, "postgres://"},
		{"bad log level", func(c *Config) { c.LogLevel = "loud" }, "log_level"},
		{"digest hour", func(c *Config) { c.DigestHour = 24 }, "digest_hour"},
		{"retention", func(c *Config) { c.RetentionDays = 0 }, "retention_days"},
		{"empty data dir", func(c *Config) { c.DataDir = "" }, "data_dir"},
		{"a /8 may be owned", func(c *Config) { c.MaxIPv4Prefix = 8 }, ""},
		{"max_ipv4_prefix wider than ranges go", func(c *Config) { c.MaxIPv4Prefix = 7 }, "max_ipv4_prefix 7 must be between 8 and 32"},
		{"max_ipv4_prefix past a host", func(c *Config) { c.MaxIPv4Prefix = 33 }, "max_ipv4_prefix"},
		{"max_ipv6_prefix wider than ranges go", func(c *Config) { c.MaxIPv6Prefix = 16 }, "max_ipv6_prefix 16 must be between 32 and 128"},
		{"https base url", func(c *Config) { c.BaseURL = "https://vigil.example.org" }, ""},
		{"base url without scheme", func(c *Config) { c.BaseURL = "vigil.example.org" }, "base_url"},
		{"trusted origin", func(c *Config) { c.TrustedOrigins = []string{"https://soc.example.org:8443"} }, ""},
		{"trusted origin with a path", func(c *Config) { c.TrustedOrigins = []string{"https://soc.example.org/vigil"} }, "trusted_origins"},
		{"trusted origin without scheme", func(c *Config) { c.TrustedOrigins = []string{"soc.example.org"} }, "trusted_origins"},
		{"short demo password", func(c *Config) { c.DemoPassword = "short" }, "demo_password"},
		{"secret not hex", func(c *Config) { c.Secret = "not-hex" }, "VIGIL_SECRET"},
		{"secret too short", func(c *Config) { c.Secret = "abcd" }, "64 hex digits"},
		{"secret of 32 bytes", func(c *Config) { c.Secret = strings.Repeat("ab", 32) }, ""},
		{"trusted proxies", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"} }, ""},
		{"trusted proxy by name", func(c *Config) { c.TrustedProxies = []string{"proxy.example.org"} }, "trusted_proxies"},
		{"idle timeout too short", func(c *Config) { c.SessionIdleTimeout.Duration = time.Second }, "session_idle_timeout"},
		{"negative hash concurrency", func(c *Config) { c.PasswordHashConcurrency = -1 }, "password_hash_concurrency"},
		{"feed allow-list", func(c *Config) { c.FeedAllowPrivate = []string{"10.20.0.0/16", "fd00::/8"} }, ""},
		{"feed allow-list of a bare address", func(c *Config) { c.FeedAllowPrivate = []string{"10.20.0.1"} }, "feed_allow_private"},
		{"intel cap too small", func(c *Config) { c.MaxIntelBytes = 10 }, "max_intel_bytes"},
		{"deadlines for medium", func(c *Config) { c.Deadlines = map[string]DeadlineSetting{"medium": {Remediate: "720h"}} }, ""},
		{"deadlines for a severity that is not one", func(c *Config) { c.Deadlines = map[string]DeadlineSetting{"urgent": {Acknowledge: "1h"}} },
			`deadlines: "urgent" is not a severity: use low, medium, high or critical`},
		{"a deadline not understood", func(c *Config) { c.Deadlines = map[string]DeadlineSetting{"high": {Acknowledge: "two days"}} },
			`deadlines: high.acknowledge: deadline "two days" is not understood`},
		{"a deadline too long", func(c *Config) { c.Deadlines = map[string]DeadlineSetting{"low": {Remediate: "400d"}} },
			"deadlines: low.remediate"},
		{"acknowledge after remediate", func(c *Config) { c.Deadlines = map[string]DeadlineSetting{"critical": {Acknowledge: "15d"}} },
			"deadlines: critical.acknowledge (15d) is later than critical.remediate (14d)"},
		{"smtp relay with starttls", func(c *Config) { c.SMTPHost, c.SMTPFrom = "smtp.example.org", "vigil <vigil@centre.example>" }, ""},
		{"smtp relay without a sender", func(c *Config) { c.SMTPHost = "smtp.example.org" }, "smtp_from"},
		{"smtp sender not an address", func(c *Config) { c.SMTPFrom = "vigil at centre" }, "smtp_from"},
		{"smtp host with a port", func(c *Config) { c.SMTPHost, c.SMTPFrom = "smtp://smtp.example.org", "v@centre.example" }, "smtp_host"},
		{"smtp tls unknown", func(c *Config) { c.SMTPTLS = "ssl" }, "smtp_tls"},
		{"smtp without tls on loopback", func(c *Config) {
			c.SMTPHost, c.SMTPTLS, c.SMTPFrom = "127.0.0.1", "none", "v@centre.example"
		}, ""},
		{"smtp without tls elsewhere", func(c *Config) {
			c.SMTPHost, c.SMTPTLS, c.SMTPFrom = "10.0.0.25", "none", "v@centre.example"
		}, "only for a relay on 127.0.0.0/8"},
		{"smtp without tls by name", func(c *Config) {
			c.SMTPHost, c.SMTPTLS, c.SMTPFrom = "localhost", "none", "v@centre.example"
		}, "smtp_host 127.0.0.1"},
		{"smtp port", func(c *Config) { c.SMTPPort = 70000 }, "smtp_port"},
		{"smtp password twice", func(c *Config) { c.SMTPPassword, c.SMTPPasswordFile = "p", "/etc/passwd" }, "not both"},
		{"smtp password file missing", func(c *Config) { c.SMTPPasswordFile = "/nonexistent/vigil-smtp" }, "smtp_password_file"},
		{"vulnerability deadline", func(c *Config) { c.VulnerabilityDeadline = DeadlineSetting{Acknowledge: "24h", Remediate: "7d"} }, ""},
		{"vulnerability deadline not understood", func(c *Config) { c.VulnerabilityDeadline = DeadlineSetting{Remediate: "soon"} }, "vulnerability_deadline"},
		{"webhook allow-list", func(c *Config) { c.WebhookAllowPrivate = []string{"127.0.0.0/8"} }, ""},
		{"webhook allow-list of a bare address", func(c *Config) { c.WebhookAllowPrivate = []string{"10.0.0.1"} }, "webhook_allow_private"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLayers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vigil.json")
	os.WriteFile(path, []byte(`{"addr": "127.0.0.1:9000", "session_ttl": "2h", "retention_days": 7}`), 0o600)
	c := Default()
	if err := c.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"VIGIL_ADDR": "127.0.0.1:9100", "VIGIL_DIGEST_HOUR": "6", "VIGIL_TRUSTED_PROXIES": "10.0.0.1, 10.0.1.0/24",
		"VIGIL_SESSION_IDLE_TIMEOUT": "30m", "VIGIL_PASSWORD_HASH_CONCURRENCY": "3", "VIGIL_MAX_IPV4_PREFIX": "20",
		"VIGIL_MAX_INTEL_BYTES": "1048576", "VIGIL_FEED_ALLOW_PRIVATE": "10.20.0.0/16, 192.168.7.0/24"}
	if err := c.LoadEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" || c.RetentionDays != 7 || c.DigestHour != 6 || c.SessionTTL.Duration != 2*time.Hour ||
		c.MaxIPv4Prefix != 20 || c.MaxIPv6Prefix != 32 {
		t.Errorf("layers not applied in order: %+v", c)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[1] != "10.0.1.0/24" || c.SessionIdleTimeout.Duration != 30*time.Minute || c.PasswordHashConcurrency != 3 {
		t.Errorf("sign-in settings from the environment not applied: %+v", c)
	}
	if allow, err := c.FeedAllowPrefixes(); err != nil || len(allow) != 2 || allow[1].String() != "192.168.7.0/24" || c.MaxIntelBytes != 1<<20 {
		t.Errorf("feed settings from the environment not applied: %v %v %d", allow, err, c.MaxIntelBytes)
	}
	os.WriteFile(path, []byte(`{"adr": "x"}`), 0o600)
	if err := c.LoadFile(path); err == nil || !strings.Contains(err.Error(), "adr") {
		t.Errorf("a misspelt key should be an error naming it, got %v", err)
	}
	bad := map[string]string{"VIGIL_DIGEST_HOUR": "seven"}
	if err := c.LoadEnv(func(k string) (string, bool) { v, ok := bad[k]; return v, ok }); err == nil || !strings.Contains(err.Error(), "VIGIL_DIGEST_HOUR") {
		t.Errorf("a bad env value should name the variable, got %v", err)
	}
}

func TestWebSettings(t *testing.T) {
	c := Default()
	c.BaseURL = "https://vigil.example.org/app"
	c.TrustedOrigins = []string{"https://soc.example.org"}
	if !c.SecureCookies() {
		t.Error("an https base_url should make cookies Secure")
	}
	want := []string{"https://soc.example.org", "https://vigil.example.org"}
	if got := c.Origins(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Origins() = %v, want %v", got, want)
	}
	env := map[string]string{"VIGIL_TRUSTED_ORIGINS": " https://a.example , ,https://b.example", "VIGIL_DEMO": "true"}
	if err := c.LoadEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedOrigins) != 2 || c.TrustedOrigins[1] != "https://b.example" || !c.Demo {
		t.Errorf("VIGIL_TRUSTED_ORIGINS and VIGIL_DEMO not applied: %+v", c)
	}
}

func TestLoadSecret(t *testing.T) {
	c := Default()
	c.DataDir = filepath.Join(t.TempDir(), "data")
	first, created, err := c.LoadSecret()
	if err != nil || !created || len(first) != SecretBytes {
		t.Fatalf("first start: secret of %d bytes, created %v, err %v", len(first), created, err)
	}
	st, err := os.Stat(c.SecretPath())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the secret file should be private (0600): %v, %v", st.Mode(), err)
	}
	again, created, err := c.LoadSecret()
	if err != nil || created || string(again) != string(first) {
		t.Errorf("a restart should read the same secret back (created %v, err %v)", created, err)
	}
	c.Secret = strings.Repeat("01", 40)
	fromEnv, _, err := c.LoadSecret()
	if err != nil || len(fromEnv) != 40 || fromEnv[0] != 1 {
		t.Errorf("VIGIL_SECRET should win over the file: %x, %v", fromEnv, err)
	}
	c.Secret = ""
	os.WriteFile(c.SecretPath(), []byte("tooshort\n"), 0o600)
	if _, _, err := c.LoadSecret(); err == nil || !strings.Contains(err.Error(), c.SecretPath()) {
		t.Errorf("a damaged secret file should be an error naming it, got %v", err)
	}
}

// FuzzLoadFile feeds arbitrary config files and environment values: loading never
// panics, and whatever Validate accepts the web server accepts too (web.New panics on a
// trusted origin CrossOriginProtection refuses).
func FuzzLoadFile(f *testing.F) {
	f.Add([]byte(`{"addr": "127.0.0.1:9000", "session_ttl": "2h", "trusted_origins": ["https://a.example"]}`), "https://b.example", "")
	f.Add([]byte(`{"base_url": "https://vigil.example.org/x", "retention_days": 7, "session_ttl": 3600}`), "", "00")
	f.Add([]byte(`{"trusted_origins": ["http://[::1]:8080", "https://x.example/"], "max_event_bytes": -1}`), "null://x", strings.Repeat("ab", 32))
	f.Add([]byte(`{"adr": 1}`), ",,,", "zz")
	f.Add([]byte(`not json`), "https://user@x.example", "")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, file []byte, origins, secret string) {
		path := filepath.Join(dir, "vigil.json")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		c := Default()
		if c.LoadFile(path) != nil {
			return
		}
		env := map[string]string{"VIGIL_TRUSTED_ORIGINS": origins, "VIGIL_SECRET": secret}
		if c.LoadEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }) != nil || c.Validate() != nil {
			return
		}
		cop := http.NewCrossOriginProtection()
		for _, o := range c.Origins() {
			if err := cop.AddTrustedOrigin(o); err != nil {
				t.Errorf("Validate accepted %+v but origin %q would make web.New panic: %v", c, o, err)
			}
		}
		if c.Secret != "" {
			if _, _, err := c.LoadSecret(); err != nil {
				t.Errorf("Validate accepted VIGIL_SECRET %q but LoadSecret refuses it: %v", c.Secret, err)
			}
		}
	})
}

// An operator's deadlines file changes only what it names: the rest keep the defaults
// (48 hours to acknowledge, 14 days to remediate, for high and critical alerts).
func TestAlertDeadlines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.json")
	os.WriteFile(path, []byte(`{"deadlines": {"critical": {"acknowledge": "4h", "remediate": "7d"},
		"High": {"remediate": "none"}, "medium": {"remediate": "720h"}}}`), 0o600)
	c := Default()
	if err := c.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	ds, err := c.AlertDeadlines()
	if err != nil {
		t.Fatal(err)
	}
	want := vigil.Deadlines{
		vigil.SeverityCritical: {Acknowledge: 4 * time.Hour, Remediate: 7 * 24 * time.Hour},
		vigil.SeverityHigh:     {Acknowledge: 48 * time.Hour},
		vigil.SeverityMedium:   {Remediate: 720 * time.Hour},
	}
	if !maps.Equal(ds, want) {
		t.Errorf("AlertDeadlines() = %v, want %v", ds, want)
	}
	def := Default()
	if ds, err := def.AlertDeadlines(); err != nil || !maps.Equal(ds, vigil.DefaultDeadlines()) {
		t.Errorf("with no settings AlertDeadlines() = %v, %v; want the defaults", ds, err)
	}
	os.WriteFile(path, []byte(`{"deadlines": {"high": {"acknowledged": "4h"}}}`), 0o600)
	if err := c.LoadFile(path); err == nil || !strings.Contains(err.Error(), "acknowledged") {
		t.Errorf("a misspelt deadline key loaded: %v", err)
	}
}

// The mail settings come from the file and VIGIL_*; the password only from the
// environment or its own file, never from the JSON file.
func TestMailSettings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vigil.json")
	os.WriteFile(path, []byte(`{"smtp_host": "smtp.example.org", "smtp_port": 2525, "smtp_from": "vigil@centre.example",
		"smtp_user": "vigil", "webhook_allow_private": ["127.0.0.0/8"]}`), 0o600)
	c := Default()
	if err := c.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"VIGIL_SMTP_TLS": "tls", "VIGIL_SMTP_PASSWORD": "s3cret", "VIGIL_SMTP_HOST": "relay.example.org"}
	if err := c.LoadEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	pw, err := c.SMTPPasswordValue()
	if c.SMTPHost != "relay.example.org" || c.SMTPPort != 2525 || c.SMTPTLS != "tls" || c.SMTPUser != "vigil" || pw != "s3cret" || err != nil || c.Validate() != nil {
		t.Errorf("mail settings not applied: %+v %q %v %v", c, pw, err, c.Validate())
	}
	if allow, err := c.WebhookAllowPrefixes(); err != nil || len(allow) != 1 || allow[0].String() != "127.0.0.0/8" {
		t.Errorf("webhook_allow_private = %v, %v", allow, err)
	}
	os.WriteFile(path, []byte(`{"smtp_password": "in the file"}`), 0o600)
	if err := c.LoadFile(path); err == nil || !strings.Contains(err.Error(), "smtp_password") {
		t.Errorf("a password in the JSON file should be refused, got %v", err)
	}
	pwFile := filepath.Join(dir, "smtp-password")
	os.WriteFile(pwFile, []byte("from-file\n"), 0o600)
	c.SMTPPassword, c.SMTPPasswordFile = "", pwFile
	if pw, err := c.SMTPPasswordValue(); pw != "from-file" || err != nil {
		t.Errorf("SMTPPasswordValue from the file = %q, %v", pw, err)
	}
	if c.OutboxDir() != filepath.Join(c.DataDir, "outbox") {
		t.Errorf("OutboxDir() = %q", c.OutboxDir())
	}
}

// TestFileKeys: the keys the help lists are exactly those a config file may hold (a file
// holding each is read; a key not among them is refused), including the settings the help
// once left out.
func TestFileKeys(t *testing.T) {
	keys := FileKeys()
	for _, want := range []string{"feed_allow_private", "max_intel_bytes", "trusted_proxies", "session_idle_timeout",
		"password_hash_concurrency", "max_ipv4_prefix", "max_ipv6_prefix", "deadlines", "smtp_from"} {
		if !slices.Contains(keys, want) {
			t.Errorf("FileKeys() = %v, lacks %s", keys, want)
		}
	}
	for _, secret := range []string{"secret", "smtp_password"} {
		if slices.Contains(keys, secret) {
			t.Errorf("FileKeys() lists %s, which only the environment may set", secret)
		}
	}
	// The defaults written out hold every key a file may: read back, they are taken.
	b, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	var written map[string]any
	if err := json.Unmarshal(b, &written); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(written)); !slices.Equal(got, slices.Sorted(slices.Values(keys))) {
		t.Errorf("a config file holds %v, FileKeys() %v", got, keys)
	}
	path := filepath.Join(t.TempDir(), "vigil.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(path); err != nil {
		t.Errorf("a file holding every listed key: %v", err)
	}
	if err := os.WriteFile(path, []byte(`{"not_a_setting": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.LoadFile(path); err == nil {
		t.Error("a key not listed was taken")
	}
}
