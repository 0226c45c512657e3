package api

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/vigil-health/vigil/internal/accounts"
	"github.com/vigil-health/vigil/internal/app"
)

// Prefix is where the API lives; operation paths are relative to it.
const Prefix = "/api/v1"

// SessionCookie names the cookie that carries a signed-in user's session.
const SessionCookie = "vigil_session"

// Defaults for the zero values of Deps.
const (
	DefaultSessionTTL   = accounts.DefaultSessionTTL // DefaultSessionTTL is a long shift.
	DefaultMaxBodyBytes = 1 << 20                    // DefaultMaxBodyBytes bounds a JSON request body.
)

// Deps is what the API needs from the server that mounts it.
type Deps struct {
	// App holds the use cases the handlers call; required.
	App *app.App
	// Logger receives internal errors and security events; nil discards them.
	Logger *slog.Logger
	// SecureCookies marks the session cookie Secure: set it whenever users reach the
	// server over HTTPS, directly or through a proxy.
	SecureCookies bool
	// MaxBodyBytes bounds request bodies of operations that do not set their own
	// (DefaultMaxBodyBytes when zero).
	MaxBodyBytes int64
	// Version is the software version the OpenAPI document states.
	Version string
}

// API is the JSON API: the huma API it registers operations with and what the
// handlers need.
type API struct {
	huma          huma.API
	app           *app.App
	log           *slog.Logger
	secureCookies bool
	maxBody       int64
	bodyLimits    map[string]int64 // path → cap, for operations whose cap is not maxBody
}

// New registers the API's operations under Prefix on mux, with the OpenAPI document at
// Prefix/openapi.json and a self-contained reference page at Prefix/docs.
func New(mux humago.Mux, d Deps) *API {
	if d.App == nil {
		panic("api: Deps.App is required")
	}
	a := &API{app: d.App, log: d.Logger, secureCookies: d.SecureCookies, maxBody: d.MaxBodyBytes, bodyLimits: map[string]int64{}}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodyBytes
	}
	a.huma = humago.NewWithPrefix(mux, Prefix, config(d.Version))
	mux.HandleFunc("GET "+Prefix+"/docs", a.docs)
	a.routes()
	return a
}

// Huma returns the huma API, for its OpenAPI document.
func (a *API) Huma() huma.API { return a.huma }

func config(version string) huma.Config {
	if version == "" {
		version = "dev"
	}
	c := huma.DefaultConfig("vigil", version)
	c.Info.Description = "Active cyber defence for health and social care: organisations, " +
		"their assets, and the alerts raised when something of theirs shows up in threat intelligence."
	c.CreateHooks = nil // no $schema links in every response
	c.SchemasPath = ""
	c.OpenAPIPath = "/openapi"
	c.DocsPath = "" // our own page (docs.go): huma's loads its viewer from a CDN
	// Problems echo no secrets and no whole bodies (error.go).
	c.Transformers = append(c.Transformers, redactProblems)
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", Description: "An API token (vgl_…) from POST /tokens or `vigil token create`."},
		"session": {Type: "apiKey", In: "cookie", Name: SessionCookie, Description: "The session cookie POST /session sets."},
	}
	return c
}

// routes registers every operation: the one list of what the API offers and who may
// call it.
func (a *API) routes() {
	const (
		e401 = http.StatusUnauthorized
		e403 = http.StatusForbidden
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
		e429 = http.StatusTooManyRequests
	)
	Register(a, op("create-session", http.MethodPost, "/session", "Sign in", "session", e401, e403, e429), anyone, a.sessionCreate)
	Register(a, op("delete-session", http.MethodDelete, "/session", "Sign out", "session"), anyone, a.sessionDelete)
	Register(a, op("get-me", http.MethodGet, "/me", "Who am I", "session"), people, a.meGet)
	Register(a, op("change-password", http.MethodPut, "/session/password", "Change your password", "session", e429), people, a.sessionPassword)

	Register(a, op("create-org", http.MethodPost, "/orgs", "Register an organisation", "orgs", e409), sector, a.orgCreate)
	Register(a, op("list-orgs", http.MethodGet, "/orgs", "List organisations", "orgs"), people, a.orgList)
	Register(a, op("get-org", http.MethodGet, "/orgs/{ods}", "Get an organisation", "orgs", e404), people, a.orgGet)
	Register(a, op("update-org", http.MethodPatch, "/orgs/{ods}", "Change an organisation", "orgs", e404), orgEditors, a.orgUpdate)
	Register(a, op("list-overlaps", http.MethodGet, "/overlaps", "List overlapping asset claims", "orgs"), sector, a.overlapList)
	Register(a, op("list-assets", http.MethodGet, "/assets", "List organisations' assets for review", "orgs"), sector, a.assetList)
	Register(a, op("approve-asset", http.MethodPost, "/assets/{id}/approve", "Approve a pending asset", "orgs", e404, e409), sector, a.assetApprove)
	Register(a, op("reject-asset", http.MethodPost, "/assets/{id}/reject", "Reject a pending asset", "orgs", e404, e409), sector, a.assetReject)

	Register(a, op("list-alerts", http.MethodGet, "/alerts", "List alerts", "alerts", e404), people, a.alertList)
	Register(a, op("get-alert-ack-times", http.MethodGet, "/alerts/ack-times", "Time to acknowledge, by severity", "alerts"), sector, a.alertAckTimes)
	Register(a, op("get-alert", http.MethodGet, "/alerts/{id}", "Get an alert", "alerts", e404), people, a.alertGet)
	Register(a, op("ack-alert", http.MethodPost, "/alerts/{id}/ack", "Acknowledge an alert", "alerts", e404, e409), alertWorkers, a.alertAck)
	Register(a, op("resolve-alert", http.MethodPost, "/alerts/{id}/resolve", "Resolve an alert", "alerts", e404, e409), alertWorkers, a.alertResolve)
	Register(a, op("get-alert-history", http.MethodGet, "/alerts/{id}/history", "An alert's history", "alerts", e404), people, a.alertHistory)

	Register(a, op("create-token", http.MethodPost, "/tokens", "Create an API token", "tokens"), people, a.tokenCreate)
	Register(a, op("list-tokens", http.MethodGet, "/tokens", "List API tokens", "tokens"), people, a.tokenList)
	Register(a, op("delete-token", http.MethodDelete, "/tokens/{id}", "Revoke an API token", "tokens", e404), people, a.tokenDelete)

	Register(a, op("list-users", http.MethodGet, "/users", "List user accounts", "users"), sectorAdmin, a.userList)

	Register(a, op("get-sector-report", http.MethodGet, "/reports/sector", "The sector report, disclosure-controlled", "reports"), people, a.reportSector)

	Register(a, op("list-audit", http.MethodGet, "/audit", "Read the audit log", "audit"), sectorAdmin, a.auditList)
	Register(a, op("verify-audit", http.MethodGet, "/audit/verify", "Verify the audit chain", "audit"), sectorAdmin, a.auditVerify)

	if a.app.Sightings != nil { // the live flows are composed (app.Open)
		a.intelRoutes()
		a.warningRoutes()
		a.telemetryRoutes()
	}
	if a.app.Notify != nil {
		a.notifyRoutes()
	}
	if a.app.Exposure != nil {
		a.exposureRoutes()
		a.sectorRoutes()
	}
	a.incidentRoutes()
	a.postureRoutes()
	a.inventoryRoutes()
}

// op describes an operation and the error statuses it documents besides those of its
// access rule; creations answer 201 and deletions 204.
func op(id, method, path, summary, tag string, errs ...int) huma.Operation {
	o := huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{tag}, Errors: errs}
	switch method {
	case http.MethodDelete:
		o.DefaultStatus = http.StatusNoContent
	case http.MethodPost:
		if id == "create-org" || id == "create-token" {
			o.DefaultStatus = http.StatusCreated
		}
	}
	return o
}

// Register adds an operation that only callers acc allows may reach: the check runs
// before the body is read. Every error h returns goes through Problem. Other packages
// add operations the same way, before the server starts serving:
//
//	api.Register(srv.API(), huma.Operation{OperationID: "upload-intel", Method: http.MethodPost,
//		Path: "/intel"}, api.Access{Roles: []vigil.Role{vigil.RoleSectorAdmin}}, handler)
//
// and a row for it in the authorization matrix test (internal/web), which fails until
// there is one.
func Register[I, O any](a *API, o huma.Operation, acc Access, h func(context.Context, *I) (*O, error)) {
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = a.maxBody
	}
	if o.MaxBodyBytes != a.maxBody {
		if a.bodyLimits == nil {
			a.bodyLimits = map[string]int64{}
		}
		a.bodyLimits[Prefix+o.Path] = o.MaxBodyBytes
	}
	o.Middlewares = append(o.Middlewares, a.guard(acc))
	if o.Extensions == nil {
		o.Extensions = map[string]any{}
	}
	o.Extensions["x-vigil-access"] = acc.describe()
	if !acc.Anonymous {
		o.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
		o.Errors = append(o.Errors, http.StatusUnauthorized, http.StatusForbidden)
	}
	slices.Sort(o.Errors)
	o.Errors = slices.Compact(o.Errors)
	log := a.log
	huma.Register(a.huma, o, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, problemError(ctx, log, err)
		}
		return out, nil
	})
}

// BodyLimits returns the request size caps of the operations that set their own (the
// streaming uploads), by path, for the server's body limit that runs before the API.
func (a *API) BodyLimits() map[string]int64 { return maps.Clone(a.bodyLimits) }
