package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/auditlog"
	"github.com/vigil-health/vigil/internal/config"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/web"
)

type serveCmd struct {
	serverFlags
	Addr         string `placeholder:"HOST:PORT" help:"Address to listen on (default 127.0.0.1:8080, or VIGIL_ADDR); port 0 picks a free one."`
	Demo         bool   `help:"On an empty store, seed a demo sector with sample intel, events and telemetry, and print one login per role (VIGIL_DEMO=true)."`
	DemoPassword string `name:"demo-password" placeholder:"P" help:"The demo users' password, at least 12 characters (VIGIL_DEMO_PASSWORD); random when not given."`
	MemoryLimit  string `name:"memory-limit" env:"VIGIL_MEMORY_LIMIT" placeholder:"SIZE" help:"Soft limit on Go's memory, e.g. 512MiB; default 112MiB, off for none. Go collects more often near it and never fails for it; it stays a quarter above the live heap when the data outgrows it. GOMEMLIMIT, when set, wins (README: Running the server)."`
}

// Run starts the sector server and serves until the context ends (SIGINT or SIGTERM).
func (c *serveCmd) Run(e *env) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	limit, err := parseMemoryLimit(c.MemoryLimit)
	if err != nil {
		return err
	}
	log := serverLogger(e, cfg.LogLevel)
	applyMemoryLimit(e.ctx, log, limit)
	s, a, err := openApp(e.ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	var seeded *demoSeed
	if cfg.Demo {
		if seeded, err = seedDemo(e.ctx, s, a, cfg, log); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another server using the port? choose another with --addr)", cfg.Addr, err)
	}
	srv := web.New(web.Deps{App: a, Logger: log, TrustedProxies: cfg.TrustedProxies,
		SecureCookies: cfg.SecureCookies(), TrustedOrigins: cfg.Origins(), Version: buildVersion()})
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "vigil is listening on %s\n", url)
	if seeded != nil {
		seeded.print(e.stdout, url, cfg)
	}
	log.InfoContext(e.ctx, "serving", slog.String("addr", ln.Addr().String()), slog.String("store", s.Engine()),
		slog.String("version", buildVersion()))
	return serve(e.ctx, log, srv, a, ln)
}

// config layers defaults, the file, VIGIL_* and the flags, and validates the result.
func (c *serveCmd) config() (config.Config, error) {
	cfg, err := c.load()
	if err != nil {
		return cfg, err
	}
	if c.Addr != "" {
		cfg.Addr = c.Addr
	}
	if c.Demo {
		cfg.Demo = true
	}
	if c.DemoPassword != "" {
		cfg.DemoPassword = c.DemoPassword
	}
	if cfg.Demo && cfg.AdvisoryDir == "" {
		// The demo mirrors its one advisory record there, as a closed network would.
		cfg.AdvisoryDir = filepath.Join(cfg.DataDir, "advisories")
	}
	if cfg.AdvisoryDir != "" {
		// Advisory sources name absolute paths inside it, so a relative setting (the
		// demo's under ./vigil-data, by default) is taken from where the server starts.
		if cfg.AdvisoryDir, err = filepath.Abs(cfg.AdvisoryDir); err != nil {
			return cfg, usageErrorf("invalid configuration:\nadvisory_dir %q: %v", cfg.AdvisoryDir, err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageErrorf("invalid configuration:\n%v", err)
	}
	return cfg, nil
}

// openApp opens (and migrates) the store, loads the server secret and builds the App
// with its live flows, loading their state: the asset router and the matcher snapshot.
func openApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, *app.App, error) {
	secret, created, err := cfg.LoadSecret()
	if err != nil {
		return nil, nil, err
	}
	if created {
		log.InfoContext(ctx, "created the server secret; back it up with the database", slog.String("path", cfg.SecretPath()))
	}
	s, err := store.Open(ctx, store.Config{DSN: cfg.DB, DataDir: cfg.DataDir, Logger: log, Secret: secret})
	if err != nil {
		return nil, nil, err
	}
	if s.Engine() == store.EnginePostgres && cfg.Secret == "" {
		log.WarnContext(ctx, "PostgreSQL with the secret in the data dir: servers sharing this database need the same VIGIL_SECRET",
			slog.String("path", cfg.SecretPath()))
	}
	benign, err := intel.LoadWarninglistSetting(cfg.Warninglists)
	if err != nil {
		s.Close()
		return nil, nil, usageErrorf("warninglists: %v", err)
	}
	allowPrivate, _ := cfg.FeedAllowPrefixes()   // checked by cfg.Validate
	hookPrivate, _ := cfg.WebhookAllowPrefixes() // likewise
	smtpPassword, _ := cfg.SMTPPasswordValue()   // likewise
	deadlines, _ := cfg.AlertDeadlines()         // likewise
	vulnDeadline, _ := cfg.VulnDeadline()        // likewise
	a, err := app.Open(ctx, app.Deps{Store: s, Logger: log, SessionTTL: cfg.SessionTTL.Duration,
		SessionIdleTimeout: cfg.SessionIdleTimeout.Duration, HashConcurrency: cfg.PasswordHashConcurrency, DigestHour: cfg.DigestHour,
		Deadlines: deadlines, AssetLimits: cfg.AssetLimits(), MaxEvidenceBytes: cfg.MaxEvidenceBytes, AuditHeadPath: auditlog.HeadPath(cfg.DataDir), Flows: app.Flows{Secret: secret,
			RetentionDays: cfg.RetentionDays, MaxTelemetryBytes: cfg.MaxTelemetryBytes, MaxEventBytes: cfg.MaxEventBytes,
			Warninglists: benign, FeedAllowPrivate: allowPrivate, MaxIntelBytes: cfg.MaxIntelBytes, Node: app.Node{Addr: cfg.Addr},
			AdvisoryDir: cfg.AdvisoryDir, VulnDeadline: vulnDeadline,
			BaseURL: cfg.BaseURL, WebhookAllowPrivate: hookPrivate, Mail: notify.Mail{Host: cfg.SMTPHost, Port: cfg.SMTPPort,
				TLS: cfg.SMTPTLS, User: cfg.SMTPUser, Password: smtpPassword, From: cfg.SMTPFrom, Dir: cfg.OutboxDir(),
				Files: cfg.Demo}}})
	if err != nil {
		s.Close()
		return nil, nil, fmt.Errorf("start the flows: %w", err)
	}
	return s, a, nil
}

// stopTimeout bounds how long a server that stops waits for its background work (import
// jobs recording how they ended, scheduled work letting its lease go) once the HTTP
// server has stopped, before it closes the store anyway: a job stuck past it is left to
// the lease rules, as if the server had died.
const stopTimeout = 15 * time.Second

// serve runs the App's background work beside the HTTP server until ctx ends or the
// server fails. Import jobs are cancelled as soon as ctx ends; then it waits, at most
// stopTimeout after the HTTP server stopped, for them and the background work to end,
// so that the store is closed only after they have recorded it.
func serve(ctx context.Context, log *slog.Logger, srv *web.Server, a *app.App, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := a.Run(ctx); err != nil {
			log.ErrorContext(ctx, "background work stopped", slog.Any("error", err))
		}
	})
	wg.Go(func() {
		<-ctx.Done()
		a.StopJobs()
	})
	err := srv.Serve(ctx, ln)
	cancel()
	if !schedule.WaitAtMost(&wg, stopTimeout) {
		log.ErrorContext(ctx, "background work did not stop in time; closing the store anyway: a job left running is taken over or failed once its lease runs out",
			slog.Duration("waited", stopTimeout))
	}
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.InfoContext(ctx, "vigil stopped")
	return nil
}

// serverLogger logs to stderr at the configured level.
func serverLogger(e *env, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // Validate accepted it
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: l}))
}

// buildVersion is the module version the binary was built from, "(devel)" otherwise.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
