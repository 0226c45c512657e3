package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/config"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/store"
)

// demoSeed is what --demo did, to print once the server listens.
type demoSeed struct {
	demo.Result
	password string // empty when it cannot be shown (a restart without --demo-password)
}

// seedDemo seeds an empty store with the demo sector; on a store with data it leaves
// the data alone and only sets the demo password when one was given (flag, environment
// or config file).
func seedDemo(ctx context.Context, s *store.Store, a *app.App, cfg config.Config, log *slog.Logger) (*demoSeed, error) {
	password := cfg.DemoPassword
	given := password != ""
	if !given {
		password = demo.RandomPassword()
	}
	res, err := demo.Seed(ctx, s, a, demo.Options{Password: password, ResetPasswords: given, Logger: log, AdvisoryDir: cfg.AdvisoryDir})
	if err != nil {
		return nil, err
	}
	d := &demoSeed{Result: res, password: password}
	if !res.Seeded && !given {
		d.password = ""
	}
	return d, nil
}

// print writes the demo's welcome: what was seeded, one login per role and how to try
// the API.
func (d *demoSeed) print(w io.Writer, url string, cfg config.Config) {
	fmt.Fprintln(w)
	if d.Seeded {
		fmt.Fprintf(w, "Demo sector seeded: %s.\n", d.orgSummary())
		fmt.Fprintf(w, "Sample data: %s.\n", d.dataSummary())
	} else {
		fmt.Fprintln(w, "The store already has data, so the demo sector was not seeded again.")
	}
	if !d.HasDemoUsers {
		fmt.Fprintln(w, "It has no demo logins: use 'vigil user add' to make accounts.")
		return
	}
	fmt.Fprintf(w, "\nOpen %s/ in a browser and sign in (or POST %s/api/v1/session) as any of these", url, url)
	if d.password != "" {
		fmt.Fprintf(w, ", password: %s\n\n", d.password)
	} else {
		fmt.Fprint(w, ", with the password printed when the demo was first seeded\n(or start with --demo-password to set a new one)\n\n")
	}
	printLogins(w)
	d.printTry(w, url, cfg)
}

func printLogins(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tEMAIL\tORGANISATION\tSEES")
	for _, l := range demo.Logins() {
		org := l.Org
		if org == "" {
			org = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Role, l.Email, org, l.Sees)
	}
	tw.Flush()
}

// printTry shows the curl commands to try the API.
func (d *demoSeed) printTry(w io.Writer, url string, cfg config.Config) {
	pw := d.password
	if pw == "" {
		pw = "PASSWORD"
	}
	fmt.Fprintf(w, "\nTry the API (reference at %s/api/v1/docs, OpenAPI at %s/api/v1/openapi.json):\n", url, url)
	fmt.Fprintf(w, "  curl -c jar -H 'Content-Type: application/json' -d '{\"email\":\"analyst@hccc.example\",\"password\":\"%s\"}' %s/api/v1/session\n", pw, url)
	fmt.Fprintf(w, "  curl -b jar %s/api/v1/alerts\n", url)
	token := d.SensorToken
	if token == "" {
		fmt.Fprintf(w, "\nA sensor token for %s (shown once): vigil token create --sensor --org %s --data-dir %s\n", demo.TrustODS, demo.TrustODS, cfg.DataDir)
		token = "TOKEN"
	} else {
		fmt.Fprintf(w, "\nSensor token of %s (Northbrook's Zeek box), shown only now:\n  %s\n", demo.TrustODS, token)
	}
	fmt.Fprintf(w, "Push telemetry as that sensor:\n  curl -H 'Authorization: Bearer %s' -H 'Content-Type: application/x-ndjson' --data-binary @conn.log %s/api/v1/telemetry\n\n", token, url)
}

func (d *demoSeed) orgSummary() string {
	parts := []string{}
	for _, k := range []struct {
		kind vigil.OrgKind
		name string
	}{{vigil.OrgCentre, "security centre"}, {vigil.OrgTrust, "NHS trusts"}, {vigil.OrgGP, "GP practices"},
		{vigil.OrgCareProvider, "care providers"}, {vigil.OrgSupplier, "suppliers"}} {
		parts = append(parts, fmt.Sprintf("%d %s", d.Orgs[k.kind], k.name))
	}
	return strings.Join(parts, ", ")
}

func (d *demoSeed) dataSummary() string {
	indicators := 0
	for _, r := range d.Intel {
		if r != nil {
			indicators += r.Total
		}
	}
	var sightings, alerts int64
	for _, t := range d.Telemetry {
		sightings += t.Sightings
		alerts += t.Alerts
	}
	return fmt.Sprintf("%d intel files (%d indicators), %d events (%d alerts, %d unrouted), %d telemetry files (%d sightings, %d alerts)",
		len(d.Intel), indicators, d.Events.Accepted, d.Events.Alerts, d.Events.Unrouted, len(d.Telemetry), sightings, alerts)
}
