package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	env := map[string]string{"VIGIL_ADDR": "127.0.0.1:9100", "VIGIL_DIGEST_HOUR": "6"}
	if err := c.LoadEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" || c.RetentionDays != 7 || c.DigestHour != 6 || c.SessionTTL.Duration != 2*time.Hour {
		t.Errorf("layers not applied in order: %+v", c)
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
