package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/vigil-health/vigil/internal/config"
	"github.com/vigil-health/vigil/internal/store"
)

// serverFlags are the settings every command that touches the server's store shares.
// Empty flags leave the file and VIGIL_* environment values in place.
type serverFlags struct {
	Config  string `placeholder:"FILE" type:"existingfile" help:"JSON config file, e.g. {\"addr\": \"127.0.0.1:8080\", \"base_url\": \"https://vigil.example.org\"}. Keys: ${config_keys}. Deadlines, e.g. {\"deadlines\": {\"critical\": {\"acknowledge\": \"24h\", \"remediate\": \"7d\"}}} (README: Running the server; docs/notifications.md)."`
	DataDir string `name:"data-dir" placeholder:"DIR" help:"Data directory (SQLite database, server secret). Default vigil-data, or VIGIL_DATA_DIR."`
	DB      string `name:"db" placeholder:"DSN" help:"Database: empty for SQLite in the data dir, or postgres://user@host:5432/db (VIGIL_DB)."`
}

// load builds the configuration: defaults, then the file, then VIGIL_* variables, then flags.
func (f *serverFlags) load() (config.Config, error) {
	c := config.Default()
	if f.Config != "" {
		if err := c.LoadFile(f.Config); err != nil {
			return c, usageErrorf("%v", err)
		}
	}
	if err := c.LoadEnv(os.LookupEnv); err != nil {
		return c, usageErrorf("%v", err)
	}
	if f.DataDir != "" {
		c.DataDir = f.DataDir
	}
	if f.DB != "" {
		c.DB = f.DB
	}
	return c, nil
}

// open loads the configuration, validates it, loads the server secret and opens (and
// migrates) the store with the audit chain keyed.
func (f *serverFlags) open(ctx context.Context, log *slog.Logger) (config.Config, *store.Store, error) {
	c, err := f.load()
	if err != nil {
		return c, nil, err
	}
	if err := c.Validate(); err != nil {
		return c, nil, usageErrorf("invalid configuration:\n%v", err)
	}
	secret, _, err := c.LoadSecret() // keys the audit chain, as the server does
	if err != nil {
		return c, nil, err
	}
	s, err := store.Open(ctx, store.Config{DSN: c.DB, DataDir: c.DataDir, Logger: log, Secret: secret})
	if err != nil {
		return c, nil, fmt.Errorf("open store: %w", err)
	}
	return c, s, nil
}

// quietLogger logs warnings and errors to stderr, for commands that are not the server.
func quietLogger(e *env) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
