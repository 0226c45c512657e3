package web

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/pages"
	"github.com/vigil-health/vigil/internal/vex"
)

// DefaultShutdownTimeout is how long Serve waits for requests in flight when its
// context ends, when Deps.ShutdownTimeout is zero. Uploads still arriving do not count
// (they are cut at once); the rest are short, so a stop takes a few seconds at most.
const DefaultShutdownTimeout = 5 * time.Second

// Deps is what the server needs. Zero fields take the defaults documented on them; new
// engines add their fields here.
type Deps struct {
	// App holds the use cases the API calls and the collectors /metrics serves; required.
	// The command line composes it (app.Open) and hands it over.
	App *app.App
	// Logger receives the request log and errors; nil discards them.
	Logger *slog.Logger
	// SecureCookies marks the session cookie Secure on every request; without it, only
	// requests over TLS or from a trusted proxy saying "https" get a Secure cookie.
	SecureCookies bool
	// MaxBodyBytes bounds request bodies (api.DefaultMaxBodyBytes when zero).
	MaxBodyBytes int64
	// BodyLimits overrides MaxBodyBytes by route pattern ("/api/v1/events", a subtree
	// "/incidents/", "/api/v1/orgs/{ods}/inventory"); the most specific pattern wins. The API's streaming operations bring their own (api.BodyLimits, from
	// the services' configured caps); these are added over them, for plain handlers.
	BodyLimits map[string]int64
	// TrustedOrigins are origins (scheme://host[:port]) allowed to make
	// cookie-authenticated state-changing requests besides the server's own, e.g. the
	// public address when a proxy rewrites the Host header.
	TrustedOrigins []string
	// TrustedProxies are the addresses or CIDR prefixes of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto headers are believed, for the client address
	// the sign-in limits count and for Secure cookies.
	TrustedProxies []string
	// ShutdownTimeout bounds the graceful shutdown (DefaultShutdownTimeout when zero).
	ShutdownTimeout time.Duration
	// Version is the software version the OpenAPI document states.
	Version string
}

// Server is vigil's HTTP server.
type Server struct {
	app        *app.App
	bodyLimits bodyLimits // request size caps by route pattern
	log        *slog.Logger
	deps       Deps
	mux        *http.ServeMux
	mu         sync.RWMutex
	patterns   map[string]bool // every pattern registered on mux
	api        *api.API
	pages      *pages.Pages
	metrics    *metrics
	cop        *http.CrossOriginProtection
	handler    http.Handler
	proxies    []netip.Prefix // Deps.TrustedProxies
	inflight   inflight       // the requests being served, for the stop
}

// New builds the server and registers its routes: the API under /api/v1, the web
// pages (internal/pages) at /, /healthz, /readyz and /metrics. It panics when a trusted origin or proxy is malformed, a programming
// or configuration error the configuration's validation should have caught.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = api.DefaultMaxBodyBytes
	}
	if d.ShutdownTimeout <= 0 {
		d.ShutdownTimeout = DefaultShutdownTimeout
	}
	s := &Server{app: d.App, log: d.Logger, deps: d, mux: http.NewServeMux(), patterns: map[string]bool{},
		metrics: newMetrics(), cop: http.NewCrossOriginProtection()}
	for _, o := range d.TrustedOrigins {
		if err := s.cop.AddTrustedOrigin(o); err != nil {
			panic("web: trusted origin: " + err.Error())
		}
	}
	proxies, err := parseProxies(d.TrustedProxies)
	if err != nil {
		panic("web: " + err.Error())
	}
	s.proxies = proxies
	s.cop.SetDenyHandler(http.HandlerFunc(s.crossOriginRefused))
	s.api = api.New(muxRecorder{s}, api.Deps{App: d.App, Logger: d.Logger,
		SecureCookies: d.SecureCookies, MaxBodyBytes: d.MaxBodyBytes, Version: d.Version})
	limits := s.api.BodyLimits()
	// The pages' uploads (multipart, so a little over the file cap).
	limits["POST /incidents/{id}/evidence"] = d.App.Incidents.MaxEvidenceBytes() + 64<<10
	limits["/posture/evidence"] = d.App.Posture.MaxEvidenceBytes() + 64<<10
	limits["POST /inventory"] = d.App.Inventories.MaxBytes() + 64<<10
	limits["POST /vex"] = vex.MaxDocument + 64<<10
	maps.Copy(limits, d.BodyLimits)
	s.bodyLimits = newBodyLimits(limits, d.MaxBodyBytes)
	s.metrics.reg.MustRegister(d.App.Collectors()...)
	s.pages = pages.New(pages.Deps{App: d.App, Logger: d.Logger, SecureCookies: d.SecureCookies})
	s.pages.Register(s)
	s.HandleFunc("GET /healthz", s.healthz)
	s.HandleFunc("GET /readyz", s.readyz)
	s.Handle("GET /metrics", s.sectorOnly(s.metrics.handler()))
	s.inflight.log = d.Logger
	s.handler = s.observe(s.recover(s.inflight.track(s.limitBody(s.csrf(s.authenticate(http.HandlerFunc(s.route)))))))
	return s
}

// Handler returns the server's handler: every route behind every middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// API returns the JSON API, to register more operations with api.Register.
func (s *Server) API() *api.API { return s.api }

// Metrics returns the server's Prometheus registry, served at /metrics, for other
// engines' collectors.
func (s *Server) Metrics() *prometheus.Registry { return s.metrics.reg }

// Handle registers a plain handler for a ServeMux pattern such as "POST
// /api/v1/telemetry". It runs behind the same middleware as the API and finds the
// caller with api.PrincipalFrom; unlike api.Register it checks no role, so h must.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
	s.mu.Lock()
	s.patterns[pattern] = true
	s.mu.Unlock()
}

// HandleFunc is Handle for a function.
func (s *Server) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	s.Handle(pattern, http.HandlerFunc(h))
}

// muxRecorder is the mux as huma's adapter sees it: registrations go through Handle,
// so that the server knows every route it has.
type muxRecorder struct{ s *Server }

var _ humago.Mux = muxRecorder{}

func (m muxRecorder) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.s.HandleFunc(pattern, h)
}

func (m muxRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.s.mux.ServeHTTP(w, r) }

// Serve answers HTTP on ln until ctx ends, then stops: it stops accepting connections,
// cuts the request bodies still arriving (those requests are answered 503, to be sent
// again) and waits up to the shutdown timeout for the requests in flight. Past it, it
// cancels their contexts, closes their connections and waits a little more for their
// handlers to return, so that the store is not closed under them. A stop that ctx asked
// for returns nil, also when requests had to be cut; an error is the listener's.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	base, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	s.log.InfoContext(ctx, "http server shutting down", slog.Duration("timeout", s.deps.ShutdownTimeout))
	s.inflight.cutBodies()
	sctx, cancel := context.WithTimeout(base, s.deps.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		cancelRequests()
		_ = srv.Close()
		ended := s.inflight.wait(handlerGrace)
		s.log.WarnContext(ctx, "requests still running at the shutdown timeout were cancelled and their connections closed",
			slog.Duration("timeout", s.deps.ShutdownTimeout), slog.Bool("handlers_returned", ended))
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handlerGrace is how long a stop waits, past the shutdown timeout, for the handlers
// whose requests it cancelled to return.
const handlerGrace = 2 * time.Second
