package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/cluster"
	"github.com/vigil-health/vigil/internal/earlywarning"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/sightings"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// Flows is what the live flows need besides the store, the logger and the clock.
type Flows struct {
	// Secret keys the HMAC of the observable index and seals feed credentials at rest;
	// at least 32 bytes, kept by the server.
	Secret []byte
	// RetentionDays is how long the observable index is kept
	// (sightings.DefaultRetentionDays when zero).
	RetentionDays int
	// Warninglists exclude known-benign values (public resolvers, cloud ranges, top
	// sites) from matching; nil means none.
	Warninglists *intel.Warninglists
	// HTTPClient fetches feeds; nil means a client with sensible timeouts. Private
	// addresses are refused either way.
	HTTPClient *http.Client
	// FeedAllowPrivate are the networks feeds may be pulled from although private.
	FeedAllowPrivate []netip.Prefix
	// MaxIntelBytes caps what one intel upload or feed pull may unpack
	// (intel.DefaultMaxBytes when zero).
	MaxIntelBytes int64
	// TelemetryConcurrency is how many telemetry uploads run at once before more are
	// refused as busy; 0 means twice GOMAXPROCS.
	TelemetryConcurrency int
	// MaxEventBytes caps one upload of partners' events
	// (earlywarning.DefaultMaxEventBytes when zero).
	MaxEventBytes int64
	// MaxTelemetryBytes caps one telemetry upload after decompression
	// (telemetry.DefaultMaxBytes when zero).
	MaxTelemetryBytes int64
	// Mail says how e-mail leaves: an SMTP relay, or .eml files (always in demo mode).
	Mail notify.Mail
	// BaseURL is how people reach the server, for the links in messages.
	BaseURL string
	// WebhookAllowPrivate are the networks webhooks may post to although private.
	WebhookAllowPrivate []netip.Prefix
	// WebhookClient is the base of the webhook client; nil means the default. Private
	// addresses are refused either way.
	WebhookClient *http.Client
	// Node says how this server takes part among several on one database.
	Node Node
	// AdvisoryDir is the directory advisory sources read from the server's disk must be
	// in; empty allows only sources with a URL.
	AdvisoryDir string
	// VulnDeadline is how long an organisation has to acknowledge and fix a high or
	// critical vulnerability, or one known to be exploited (exposure.DefaultDeadline
	// when zero).
	VulnDeadline vigil.Deadline
}

// Node says how this server takes part among several sharing one database.
type Node struct {
	// ID names the server in the heartbeat table; empty means host, process and a
	// random suffix.
	ID string
	// Addr is where it listens, shown to operators.
	Addr string
	// Poll is how often the change counts are checked besides the announcements
	// (cluster.DefaultPoll when zero).
	Poll time.Duration
	// AwaitIntel bounds how long a retro-hunt waits for every server to match with the
	// new intel (DefaultAwaitIntel when zero).
	AwaitIntel time.Duration
	// BeforeRebuild delays or observes a rebuild after another server's change; tests
	// widen the race with it. Nil does nothing.
	BeforeRebuild func(ctx context.Context, scope string)
}

// DefaultAwaitIntel is how long a retro-hunt waits by default for servers still matching
// with an older matcher: well past a rebuild and the upload in progress on a busy server.
const DefaultAwaitIntel = 30 * time.Second

// Open builds the App with its live flows and loads their state from the store: the
// asset router from the organisations' registered assets and the matcher snapshot from
// the stored indicators. New indicators reach Early Warning and the retro-hunt through
// threatintel's hooks, so that no flow imports another.
func Open(ctx context.Context, d Deps) (*App, error) {
	a := New(d)
	f := d.Flows
	a.EarlyWarning = earlywarning.New(earlywarning.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, Alerts: a.Alerts,
		MaxEventBytes: f.MaxEventBytes})
	a.ThreatIntel = threatintel.New(threatintel.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now,
		Warninglists: f.Warninglists, HTTPClient: f.HTTPClient, AllowPrivate: f.FeedAllowPrivate, MaxIntelBytes: f.MaxIntelBytes,
		IndicatorsAdded: []func(context.Context, []vigil.Indicator){a.EarlyWarning.WarnOnIndicators, a.retroHunt},
		Once:            a.once, Node: a.nodeID})
	var err error
	a.Sightings, err = sightings.New(sightings.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, Secret: f.Secret,
		RetentionDays: f.RetentionDays, Alerts: a.Alerts, Matcher: a.ThreatIntel.Matcher, HoldMatcher: a.ThreatIntel.HoldMatcher, Once: a.once,
		IndicatorSighted: a.ThreatIntel.IndicatorSighted, TelemetryConcurrency: f.TelemetryConcurrency,
		MaxTelemetryBytes: f.MaxTelemetryBytes})
	if err != nil {
		return nil, err
	}
	d.Store.SetCredentialKey(f.Secret) // feed credentials and webhook secrets are sealed at rest with the server secret
	a.Notify = notify.New(notify.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, Mail: f.Mail, BaseURL: f.BaseURL,
		HTTPClient: f.WebhookClient, WebhookAllowPrivate: f.WebhookAllowPrivate})
	a.Exposure = exposure.New(exposure.Deps{Store: d.Store, Alerts: a.Alerts, Logger: d.Logger, Now: d.Now,
		HTTPClient: f.HTTPClient, AllowPrivate: f.FeedAllowPrivate, Dir: f.AdvisoryDir, Deadline: f.VulnDeadline, Once: a.once})
	a.Cluster = newCluster(d, a)
	a.awaitIntel = cmp.Or(f.Node.AwaitIntel, DefaultAwaitIntel)
	if err := a.EarlyWarning.Reroute(ctx); err != nil {
		return nil, fmt.Errorf("load the asset router: %w", err)
	}
	if err := a.ThreatIntel.Recompile(ctx); err != nil {
		return nil, fmt.Errorf("load the matcher: %w", err)
	}
	if err := a.Exposure.Rebuild(ctx); err != nil {
		return nil, fmt.Errorf("load the vulnerability matcher: %w", err)
	}
	if err := a.Cluster.Report(ctx); err != nil {
		return nil, fmt.Errorf("report to the other servers: %w", err)
	}
	return a, nil
}

// newCluster builds the Service that keeps the matcher and the router in step with
// the other servers on the database.
func newCluster(d Deps, a *App) *cluster.Service {
	n := d.Flows.Node
	return cluster.New(cluster.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, ID: n.ID, Addr: n.Addr, Poll: n.Poll,
		BeforeRebuild: n.BeforeRebuild,
		Intel: cluster.Held{Version: a.ThreatIntel.MatcherVersion, InUse: a.ThreatIntel.OldestMatcherInUse,
			Rebuild: a.ThreatIntel.Recompile},
		Assets:     cluster.Held{Version: a.EarlyWarning.RouterVersion, Rebuild: a.EarlyWarning.Reroute},
		Advisories: cluster.Held{Version: a.Exposure.Version, Rebuild: a.Exposure.Rebuild}})
}

// retroHunt is the hook for new indicators into Sightings, built after ThreatIntel. It
// first waits until no server still matches telemetry with the matcher from before the
// change, so that what such a server indexed meanwhile is in the index the hunt reads.
func (a *App) retroHunt(ctx context.Context, added []vigil.Indicator) {
	if err := a.Cluster.AwaitIntel(ctx, a.awaitIntel); err != nil {
		a.log.WarnContext(ctx, "retro-hunt did not wait for every server", slog.Any("error", err))
	}
	a.Sightings.RetroHunt(ctx, added)
}

// nodeID names this server in import jobs, as the cluster does.
func (a *App) nodeID() string { return a.Cluster.ID() }

// runner is a service with background work.
type runner interface{ Run(context.Context) error }

// Run does every service's background work until ctx ends: the daily digest, recording
// the audit chain's head, and with the flows scheduled feed pulls, housekeeping, the
// periodic router rebuild and the delivery of the outbox.
func (a *App) Run(ctx context.Context) error {
	rs := []runner{a.Alerts, a.Incidents, a.Posture}
	if a.Sightings != nil {
		rs = append(rs, a.EarlyWarning, a.ThreatIntel, a.Sightings, a.Notify, a.Cluster, a.Exposure)
	}
	if a.heads != nil {
		rs = append(rs, a.heads)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(rs))
	for i, r := range rs {
		wg.Go(func() { errs[i] = r.Run(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// StopJobs cancels the import jobs and the advisory pulls people asked for that this
// server runs in the background, and waits until each has recorded how it ended
// (threatintel.Service.StopJobs, exposure.Service.StopPulls): a server that stops calls
// it before closing the store.
func (a *App) StopJobs() {
	if a.ThreatIntel != nil {
		a.ThreatIntel.StopJobs()
	}
	if a.Exposure != nil {
		a.Exposure.StopPulls()
	}
}

// Collectors returns the services' Prometheus collectors, for the server's /metrics.
func (a *App) Collectors() []prometheus.Collector {
	out := a.Alerts.Collectors()
	if a.Sightings != nil {
		out = append(out, a.EarlyWarning.Collectors()...)
		out = append(out, a.ThreatIntel.Collectors()...)
		out = append(out, a.Sightings.Collectors()...)
	}
	return out
}
