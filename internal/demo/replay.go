package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// data holds the sample intel, events and telemetry. Times in it are written relative
// to the moment of seeding (NOW-3d, DAY-1d, UNIX-2h) so that nothing has expired or
// decayed on the day someone tries the demo.
//
//go:embed data
var data embed.FS

// intelFile is one bundled intel file and how it is credited.
type intelFile struct {
	path, source string
	tlp          vigil.TLP
}

// Intel arrives in two rounds around the telemetry: the second round's indicators were
// already contacted by the trust's machines, so they raise retro-hunt alerts.
var (
	firstIntel = []intelFile{
		{"data/intel/health-isac.stix.json", "Demo Health ISAC", vigil.TLPGreen},
		{"data/intel/abuse-tracker.txt", "Demo Abuse Tracker", vigil.TLPClear},
	}
	laterIntel = []intelFile{
		{"data/intel/misp-event.json", "Demo Care Sector CERT", vigil.TLPAmber},
	}
	telemetryFiles = []string{"data/telemetry/zeek.ndjson", "data/telemetry/sysmon.ndjson"}
)

// relTime matches a time written relative to now: NOW (RFC 3339), DAY (a date) or UNIX
// (seconds), optionally minus a number of days, hours or minutes.
var relTime = regexp.MustCompile(`\b(NOW|DAY|UNIX)(?:-(\d+)([dhm]))?\b`)

// expand writes the relative times in b as real ones.
func expand(b []byte, now time.Time) []byte {
	now = now.UTC().Truncate(time.Second)
	return relTime.ReplaceAllFunc(b, func(m []byte) []byte {
		g := relTime.FindSubmatch(m)
		t := now
		if len(g[2]) > 0 {
			n, _ := strconv.Atoi(string(g[2]))
			unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[string(g[3])]
			t = now.Add(-time.Duration(n) * unit)
		}
		switch string(g[1]) {
		case "DAY":
			return []byte(t.Format(time.DateOnly))
		case "UNIX":
			return strconv.AppendInt(nil, t.Unix(), 10)
		}
		return []byte(t.Format(time.RFC3339))
	})
}

// file returns a bundled file with its times expanded.
func file(path string, now time.Time) []byte {
	b, err := data.ReadFile(path)
	if err != nil {
		panic("demo: bundled file missing: " + path) // the embed directive guarantees it
	}
	return expand(b, now)
}

// actor is who the demo's uploads are by: the sector centre, named "demo" in the audit log.
var actor = vigil.Principal{Email: "demo", Role: vigil.RoleSectorAdmin}

// sensor is the trust's sensor the demo's telemetry comes from.
var sensor = vigil.Principal{Email: "demo sensor", Role: vigil.RoleSensor, Org: TrustODS}

// replay feeds the sample data through the centre in the order a real week would:
// intel, partners' events, the trust's telemetry, then more intel; then people's work
// on it (claims, care homes' DNS logs, alerts dealt with).
func replay(ctx context.Context, a *app.App, o Options, res *Result) error {
	now := o.Now()
	if err := importIntel(ctx, a, firstIntel, now, res); err != nil {
		return err
	}
	ev, err := a.EarlyWarning.IngestEvents(ctx, actor, bytes.NewReader(file("data/events.ndjson", now)))
	if err != nil {
		return fmt.Errorf("demo: sample events: %w", err)
	}
	res.Events = ev
	as := sensor // as the sensor token seeded, so that the sector report counts it among the sensors hunting
	if p, ok, err := a.Accounts.Identify(ctx, res.SensorToken, ""); err == nil && ok {
		as = p
	}
	for _, path := range telemetryFiles {
		tr, err := a.Sightings.IngestTelemetry(ctx, as, bytes.NewReader(file(path, now)))
		if err != nil {
			return fmt.Errorf("demo: sample telemetry %s: %w", path, err)
		}
		res.Telemetry = append(res.Telemetry, tr)
	}
	if err := importIntel(ctx, a, laterIntel, now, res); err != nil {
		return err
	}
	if err := people(ctx, a, now, res); err != nil {
		return err
	}
	o.Logger.InfoContext(ctx, "demo data replayed", slog.Int("events", ev.Accepted), slog.Int("event_alerts", ev.Alerts),
		slog.Int("telemetry_files", len(res.Telemetry)))
	return nil
}

func importIntel(ctx context.Context, a *app.App, files []intelFile, now time.Time, res *Result) error {
	for _, f := range files {
		u := threatintel.Upload{Source: f.source, TLP: f.tlp, Name: f.path[len("data/intel/"):]}
		rep, err := a.ThreatIntel.Import(ctx, actor, u, bytes.NewReader(file(f.path, now)))
		if err != nil {
			return fmt.Errorf("demo: sample intel %s: %w", u.Name, err)
		}
		res.Intel = append(res.Intel, rep)
	}
	return nil
}
