// Package cli is the vigil command line: one file per subcommand. It is the only
// package that wires the engines together; everything below it takes plain values.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/vigil-health/vigil/internal/config"
)

// Exit statuses, part of the CLI contract.
const (
	ExitOK        = 0 // success, with or without sightings
	ExitFailure   = 1 // something went wrong while working
	ExitUsage     = 2 // bad usage or unreadable input
	ExitSightings = 3 // --fail-on-sighting and there were sightings
)

// env is what every command gets: the streams and the context.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// root is the command tree.
type root struct {
	Serve     serveCmd     `cmd:"" help:"Run the sector server: the API, Early Warning, live and retro hunting. --demo seeds a demo sector. Messages to people (immediate alerts, daily digest, escalations) go out by e-mail through the configured SMTP relay, or as .eml files under <data-dir>/outbox without one, and to webhooks."`
	Hunt      huntCmd      `cmd:"" help:"Hunt telemetry (NDJSON, plain or gzip) for indicators of compromise; writes sightings as NDJSON to stdout."`
	Intel     intelCmd     `cmd:"" help:"Inspect threat-intelligence files."`
	Vuln      vulnCmd      `cmd:"" help:"Match software inventories against vulnerability advisories (OSV, CISA KEV, EPSS), offline."`
	Advisory  advisoryCmd  `cmd:"" help:"Write and list the sector advisories on the server (products outside package ecosystems)."`
	Org       orgCmd       `cmd:"" help:"Manage organisations."`
	Inventory inventoryCmd `cmd:"" help:"Keep organisations' software inventories on the server."`
	Incident  incidentCmd  `cmd:"" help:"Report and list incidents."`
	User      userCmd      `cmd:"" help:"Manage accounts."`
	Token     tokenCmd     `cmd:"" help:"Manage API tokens."`
	Migrate   migrateCmd   `cmd:"" help:"Apply database migrations (the server also does this on start)."`
	Backup    backupCmd    `cmd:"" help:"Write an online, consistent backup of the SQLite store. PostgreSQL: pg_dump --format=custom."`
	Restore   restoreCmd   `cmd:"" help:"Replace the SQLite store with a backup (server stopped). PostgreSQL: pg_restore."`
	Report    reportCmd    `cmd:"" help:"Write the sector report for a period (alerts, organisations reached, time to act, assets covered, hunting, feeds, incidents, posture and LSO support) with disclosure control: counts of 1-7 below the whole sector shown as *, others rounded to 5. See docs/reports.md."`
	Audit     auditCmd     `cmd:"" help:"Check the audit log."`
	Version   versionCmd   `cmd:"" help:"Print the version."`
}

type intelCmd struct {
	Stats intelStatsCmd `cmd:"" help:"Parse intel files and print the import report: counts by type, rejected lines, not-matchable patterns, warninglisted, expired."`
}

// exitError carries an exit status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// kongExit carries kong's own exits (after --help) through a panic, the way kong expects.
type kongExit int

// Run runs the vigil command line with args (without the program name) and returns the exit status.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var cli root
	parser, err := kong.New(&cli,
		kong.Name("vigil"),
		kong.Description("vigil: active cyber defence for health and social care."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(kongExit(c)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"config_keys": strings.Join(config.FileKeys(), ", ")},
	)
	if err != nil {
		fmt.Fprintf(stderr, "vigil: %v\n", err)
		return ExitFailure
	}
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = int(c)
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "vigil: %v\n", err)
		if kctx != nil {
			fmt.Fprintf(stderr, "run 'vigil %s --help' for usage\n", kctx.Command())
		}
		return ExitUsage
	}
	err = kctx.Run(&env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr})
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		if e.err != nil && e.code != ExitSightings {
			fmt.Fprintf(stderr, "vigil: %v\n", e.err)
		}
		return e.code
	}
	fmt.Fprintf(stderr, "vigil: %v\n", err)
	return ExitFailure
}

// isTerminal reports whether w is a terminal, for progress bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
