// Package app composes vigil's use cases over one store: it builds each service, wires
// the hooks between flows (new indicators → Early Warning and retro-hunts; changed
// assets → the asset router) and runs their background work. The command line builds
// one App and hands it to the doors (the API and the pages), which call its services
// and nothing below them.
package app

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/auditlog"
	"github.com/vigil-health/vigil/internal/cluster"
	"github.com/vigil-health/vigil/internal/earlywarning"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/incidents"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/inventories"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/orgs"
	"github.com/vigil-health/vigil/internal/posture"
	"github.com/vigil-health/vigil/internal/reports"
	"github.com/vigil-health/vigil/internal/sightings"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/support"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// Deps is what the App is built from.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors and progress of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionTTL is how long a sign-in lasts (accounts.DefaultSessionTTL when zero).
	SessionTTL time.Duration
	// SessionIdleTimeout ends a session unused this long (the accounts default when zero).
	SessionIdleTimeout time.Duration
	// HashConcurrency bounds the password hashes computed at once (the accounts default
	// when zero).
	HashConcurrency int
	// AssetLimits are the widest networks an organisation could own (vigil's defaults
	// when zero).
	AssetLimits vigil.AssetLimits
	// AuditHeadPath is where the audit chain's head is recorded, at start, at intervals
	// and on shutdown (auditlog.HeadPath of the data dir); empty records nothing.
	AuditHeadPath string
	// DigestHour is the UTC hour (0–23) of the daily digest; config supplies
	// alerts.DefaultDigestHour.
	DigestHour int
	// Deadlines are the alert deadlines by severity; nil means vigil.DefaultDeadlines.
	Deadlines vigil.Deadlines
	// MaxEvidenceBytes caps one evidence file of an incident or posture item (vigil.DefaultMaxEvidenceBytes when zero).
	MaxEvidenceBytes int64
	// Flows configures the live flows Open builds; New leaves them out.
	Flows Flows
}

// App is the set of use cases the doors call.
type App struct {
	store *store.Store // for Ready only: the doors reach the data through the services
	heads *auditlog.HeadRecorder
	log   *slog.Logger

	awaitIntel time.Duration // how long a retro-hunt waits for servers behind

	// Accounts signs people in and manages users and API tokens.
	Accounts *accounts.Service
	// Audit reads and verifies the audit log.
	Audit *auditlog.Service
	// Orgs registers organisations, their assets and supplier links.
	Orgs *orgs.Service
	// Alerts raises alerts and lets people read and work them.
	Alerts *alerts.Service
	// EarlyWarning routes partners' events and new indicators to the organisations they
	// name; nil when the flows are not composed.
	EarlyWarning *earlywarning.Service
	// ThreatIntel takes intel uploads and feeds and keeps the matcher snapshot; nil when
	// the flows are not composed.
	ThreatIntel *threatintel.Service
	// Sightings takes sensors' telemetry, hunts new indicators in what it held and lists
	// sightings; nil when the flows are not composed.
	Sightings *sightings.Service
	// Posture scores organisations' self-assessments, keeps their continuity plans and
	// reminds them of passed review dates.
	Posture *posture.Service
	// Support links providers to their Local Support Organisation and carries their
	// requests for help.
	Support *support.Service
	// Notify delivers the outbox by e-mail and to webhooks, and manages webhooks; nil
	// when the flows are not composed.
	Notify *notify.Service
	// Incidents takes incident reports and lets the centre triage and share them.
	Incidents *incidents.Service
	// Cluster keeps this server in step with others on the same database and runs
	// scheduled work once among them; nil when the flows are not composed.
	Cluster *cluster.Service
	// Exposure pulls advisory sources, checks organisations' inventories against them,
	// raises vulnerability alerts and keeps the exposure board; nil when the flows are
	// not composed.
	Exposure *exposure.Service
	// Reports builds the sector report, disclosure-controlled.
	Reports *reports.Service
	// Inventories keeps organisations' software inventories.
	Inventories *inventories.Service
}

// New builds the App's services over d.Store, without the live flows (EarlyWarning,
// ThreatIntel and Sightings stay nil): Open builds those too.
func New(d Deps) *App {
	// a exists before Orgs so that Orgs' hook can reach the EarlyWarning Open adds later.
	a := &App{store: d.Store, heads: headRecorder(d), log: d.Logger}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.Accounts = accounts.New(accounts.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, SessionTTL: d.SessionTTL,
		IdleTimeout: d.SessionIdleTimeout, HashConcurrency: d.HashConcurrency})
	a.Audit = auditlog.New(auditlog.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now})
	a.Orgs = orgs.New(orgs.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, Limits: d.AssetLimits,
		AssetsChanged: a.assetsChanged})
	a.Alerts = alerts.New(alerts.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, DigestHour: d.DigestHour,
		Deadlines: d.Deadlines, Once: a.once})
	a.Incidents = incidents.New(incidents.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now,
		MaxEvidenceBytes: d.MaxEvidenceBytes, Import: a.importIntel, Once: a.once})
	a.Posture = posture.New(posture.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now, MaxEvidenceBytes: d.MaxEvidenceBytes, Once: a.once})
	a.Support = support.New(support.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now})
	a.Reports = reports.New(reports.Deps{Store: d.Store, Now: d.Now})
	a.Inventories = inventories.New(inventories.Deps{Store: d.Store, Logger: d.Logger, Now: d.Now,
		OnChange: a.inventoryChanged})
	return a
}

// importIntel is the hook for an incident's indicators fed back into the intel uploads,
// which exist only with the live flows.
func (a *App) importIntel(ctx context.Context, p vigil.Principal, u threatintel.Upload, r io.Reader) (*intel.Report, error) {
	if a.ThreatIntel == nil {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "intel uploads are not running on this server")
	}
	return a.ThreatIntel.Import(ctx, p, u, r)
}

// inventoryChanged is the hook for a changed inventory into vulnerability matching,
// which checks that organisation again; nothing is checked without the live flows.
func (a *App) inventoryChanged(ctx context.Context, org string) {
	if a.Exposure != nil {
		a.Exposure.InventoryChanged(ctx, org)
	}
}

// assetsChanged is the hook for changed assets into Early Warning, which rebuilds its
// router; nothing routes without the live flows.
func (a *App) assetsChanged(ctx context.Context) error {
	if a.EarlyWarning == nil {
		return nil
	}
	return a.EarlyWarning.Reroute(ctx)
}

// Ready returns nil when the database answers and, with the live flows, this server
// holds the latest matcher and asset router: for load balancers' readiness checks.
func (a *App) Ready(ctx context.Context) error {
	if err := a.store.Ping(ctx); err != nil || a.Cluster == nil {
		return err
	}
	return a.Cluster.Ready(ctx)
}

// once runs scheduled work as one server among those sharing the database; without the
// live flows (one-off commands) it runs it here.
func (a *App) once(ctx context.Context, job string, every time.Duration, fn func(context.Context)) bool {
	if a.Cluster == nil {
		fn(ctx)
		return true
	}
	return a.Cluster.Once(ctx, job, every, fn)
}

// headRecorder records the audit chain's head outside the database, when d names where.
func headRecorder(d Deps) *auditlog.HeadRecorder {
	if d.AuditHeadPath == "" {
		return nil
	}
	return &auditlog.HeadRecorder{Store: d.Store, Path: d.AuditHeadPath, Logger: d.Logger}
}
