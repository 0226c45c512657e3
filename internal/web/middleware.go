package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/pages"
)

// reqState is what the middleware learns about a request as it goes down the chain,
// for the request log and metrics on the way back up.
type reqState struct {
	id        string
	route     string // the matched pattern, or "unmatched"
	principal string // the caller's email or token name; empty when anonymous
	stopped   bool   // answered 503 because the server's stop cut its body (stop.go)
}

type stateKey struct{}

func stateOf(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

// observe gives the request an id, and logs, counts and times it.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &reqState{id: newRequestID(), route: "unmatched"}
		ip, secure := s.client(r)
		ctx := context.WithValue(r.Context(), stateKey{}, st)
		ctx = api.WithSecure(api.WithClientIP(api.WithRequestID(ctx, st.id), ip), secure)
		w.Header().Set("X-Request-Id", st.id)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(r.URL.Path, api.Prefix+"/") {
			w.Header().Set("Cache-Control", "no-store")
		}
		rec := &recorder{ResponseWriter: w}
		s.metrics.inflight.Inc()
		defer func() {
			s.metrics.inflight.Dec()
			d := time.Since(start)
			status := rec.statusCode()
			s.metrics.observe(st.route, status, d)
			s.log.LogAttrs(ctx, logLevel(st, status), "http request",
				slog.String("request_id", st.id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", st.route), slog.Int("status", status), slog.Duration("duration", d),
				slog.Int64("bytes", rec.bytes), slog.String("principal", st.principal), slog.String("remote", ip))
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// logLevel keeps probes and scrapes out of the log unless they fail. A request the
// server's stop cut is no fault: it is logged as usual.
func logLevel(st *reqState, status int) slog.Level {
	route := st.route
	switch {
	case status >= 500 && !st.stopped:
		return slog.LevelError
	case status < 400 && (route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics"):
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// client returns the address a request came from and whether it came over HTTPS. The
// connection's own address counts unless it is one of the trusted proxies: then the
// X-Forwarded-For addresses are read from the nearest back, skipping trusted proxies,
// and the first one that is not (the client as the outermost trusted proxy saw it) is
// the client. A request came over HTTPS when the connection is TLS, or when a trusted
// proxy says so in X-Forwarded-Proto. Nobody else's headers are believed, so a client
// cannot pick the address its failed sign-ins count against.
func (s *Server) client(r *http.Request) (ip string, secure bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	secure = r.TLS != nil
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(addr) {
		return host, secure
	}
	if protos := forwarded(r.Header.Values("X-Forwarded-Proto")); len(protos) > 0 {
		secure = secure || strings.EqualFold(protos[len(protos)-1], "https")
	}
	hops := forwarded(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := parseHop(hops[i])
		if err != nil {
			break // not an address: believe nothing further out
		}
		addr = a
		if !s.trustedProxy(a) {
			break
		}
	}
	return addr.String(), secure
}

// trustedProxy reports whether a is one of Deps.TrustedProxies.
func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwarded splits the values of a comma-separated forwarding header into its items.
func forwarded(values []string) []string {
	var out []string
	for _, v := range values {
		for _, f := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(f))
		}
	}
	return out
}

// parseHop reads one X-Forwarded-For item: an address, possibly with a port.
func parseHop(s string) (netip.Addr, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), nil
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	return a.Unmap(), err
}

// parseProxies reads Deps.TrustedProxies: addresses or CIDR prefixes.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range list {
		if pre, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR prefix", p)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// recover turns a panic into a 500 problem; the panic and stack go only to the log.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic serving request", slog.String("request_id", api.RequestIDFrom(r.Context())),
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			if rec, ok := w.(*recorder); ok && rec.status != 0 {
				return // the response has begun; the client sees it cut short
			}
			api.WriteError(w, r, s.log, fmt.Errorf("panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds the request body.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.bodyLimits.of(r)
		if r.ContentLength > limit {
			api.WriteError(w, r, s.log, &huma.ErrorModel{Status: http.StatusRequestEntityTooLarge,
				Title:  http.StatusText(http.StatusRequestEntityTooLarge),
				Detail: fmt.Sprintf("the request body is larger than the %s this endpoint accepts", vigil.SizeWords(limit))})
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// bodyLimits finds a request's body cap by the same pattern rules as the routes, so
// that an operation under a path with a wildcard ("/api/v1/orgs/{ods}/inventory") can
// have its own: a pattern with {wildcards}, a subtree ending in "/", or an exact path;
// the most specific pattern wins, and a request no pattern matches gets the default.
type bodyLimits struct {
	mux   *http.ServeMux
	limit map[string]int64
	def   int64
}

func newBodyLimits(limits map[string]int64, def int64) bodyLimits {
	b := bodyLimits{mux: http.NewServeMux(), limit: limits, def: def}
	for pattern := range limits {
		b.mux.Handle(pattern, http.NotFoundHandler())
	}
	return b
}

// of returns r's body cap.
func (b bodyLimits) of(r *http.Request) int64 {
	if _, pattern := b.mux.Handler(r); pattern != "" {
		if n, ok := b.limit[pattern]; ok {
			return n
		}
	}
	return b.def
}

// csrf refuses cross-origin state-changing requests that rely on the session cookie.
func (s *Server) csrf(next http.Handler) http.Handler {
	protected := s.cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

func (s *Server) crossOriginRefused(w http.ResponseWriter, r *http.Request) {
	s.log.WarnContext(r.Context(), "cross-origin request refused", slog.String("request_id", api.RequestIDFrom(r.Context())),
		slog.String("origin", r.Header.Get("Origin")), slog.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
	err := vigil.Errorf(vigil.EFORBIDDEN,
		"this request came from another site and was refused: use vigil from its own address, or call the API with a token")
	if pages.WantsPage(r) {
		s.pages.Fail(w, r, err)
		return
	}
	api.WriteError(w, r, s.log, err)
}

// authenticate puts the request's principal, if any, in its context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok, err := s.principal(r)
		if err != nil {
			api.WriteError(w, r, s.log, err)
			return
		}
		if ok {
			stateOf(r).principal = p.Email
			r = r.WithContext(api.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// principal resolves the bearer token or, without an Authorization header, the session
// cookie. A bad token is an error; a missing or ended session is anonymous.
func (s *Server) principal(r *http.Request) (vigil.Principal, bool, error) {
	accounts := s.app.Accounts
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if token = strings.TrimSpace(token); !strings.EqualFold(scheme, "Bearer") || token == "" {
			return vigil.Principal{}, false, vigil.Errorf(vigil.EUNAUTHORIZED,
				"the Authorization header must be \"Bearer\" followed by an API token (vgl_…)")
		}
		return accounts.Identify(r.Context(), token, "")
	}
	c, err := r.Cookie(api.SessionCookie)
	if err != nil {
		return vigil.Principal{}, false, nil
	}
	return accounts.Identify(r.Context(), "", c.Value)
}

// route serves the request from the mux, and answers problems for paths and methods
// no route has.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	s.mu.RLock()
	known := s.patterns[pattern]
	s.mu.RUnlock()
	if !known {
		s.unrouted(w, r, h)
		return
	}
	stateOf(r).route = pattern
	s.mux.ServeHTTP(w, r)
}

// unrouted answers a request no route matched with the status the mux would give (404,
// or 405 with Allow; a redirect to a cleaned path as it is) as a problem.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request, h http.Handler) {
	probe := &statusProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	switch probe.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		api.WriteError(w, r, s.log, &huma.ErrorModel{Status: probe.status, Title: http.StatusText(probe.status),
			Detail: fmt.Sprintf("%s is not allowed here; allowed: %s", r.Method, probe.header.Get("Allow"))})
	case http.StatusNotFound, 0:
		if pages.WantsPage(r) {
			s.pages.NotFound(w, r)
			return
		}
		api.WriteError(w, r, s.log, vigil.Errorf(vigil.ENOTFOUND, "there is nothing at %s: see %s/docs for the API", r.URL.Path, api.Prefix))
	default:
		s.mux.ServeHTTP(w, r)
	}
}

// statusProbe records the status and headers a handler writes and discards the rest.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }

func (p *statusProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}

func (p *statusProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

// recorder notes the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

var _ http.Flusher = (*recorder)(nil)

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush lets streaming handlers flush through the recorder.
func (r *recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// statusCode is the status sent, or 200 when the handler wrote nothing (net/http then
// sends 200).
func (r *recorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}
