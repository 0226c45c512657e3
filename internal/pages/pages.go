package pages

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/app"
)

//go:embed templates
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Mux is where the pages register their routes: the server's mux, behind its middleware.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Deps is what the pages need.
type Deps struct {
	// App holds the use cases; required.
	App *app.App
	// Logger receives errors the person is not shown; nil discards them.
	Logger *slog.Logger
	// SecureCookies marks the session cookie Secure on every response; otherwise only
	// over HTTPS (api.SecureFrom).
	SecureCookies bool
}

// Pages serves the web interface.
type Pages struct {
	app  *app.App
	log  *slog.Logger
	deps Deps
	tmpl *template.Template // every page and the layout, in one set
}

// New parses the templates; it panics when one is broken, a programming error that
// every test run would show. Every page defines "content"; each is parsed into the one
// set under a name of its own ("content alerts.html"), with a "page alerts.html" that
// wraps it in the layout. A set per page (the layout cloned for each) held the layout's
// parse trees 63 times over: 21 MB of a server's heap parsed, against 1.8 MB now.
func New(d Deps) *Pages {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Pages{app: d.App, log: d.Logger, deps: d}
	p.tmpl = template.Must(template.New("").Funcs(funcs).Funcs(incidentFuncs).ParseFS(templateFS, "templates/layout/*.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		page := path.Base(name)
		text, err := fs.ReadFile(templateFS, name)
		if err != nil {
			panic(err)
		}
		const content = `{{define "content"}}`
		if strings.Count(string(text), content) != 1 {
			panic("pages: " + name + " must define \"content\" once")
		}
		src := strings.Replace(string(text), content, `{{define "content `+page+`"}}`, 1) +
			`{{define "page ` + page + `"}}{{template "layoutTop" .}}{{template "content ` + page + `" .}}{{template "layoutBottom" .}}{{end}}`
		template.Must(p.tmpl.New(page).Parse(src))
	}
	return p
}

// Register adds the pages' routes to mux.
func (p *Pages) Register(mux Mux) {
	assets, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", cacheFor(http.FileServerFS(assets))))
	for _, r := range p.routes() {
		mux.Handle(r.pattern, p.headers(r.handler))
	}
}

// route is one page's pattern and handler.
type route struct {
	pattern string
	handler http.HandlerFunc
}

// routes lists every page; each file adds its own through a routes… method.
func (p *Pages) routes() []route {
	var rs []route
	rs = append(rs, p.sessionRoutes()...)
	rs = append(rs, p.alertRoutes()...)
	rs = append(rs, p.accountRoutes()...)
	rs = append(rs, p.organisationRoutes()...)
	rs = append(rs, p.supplierRoutes()...)
	rs = append(rs, p.intelRoutes()...)
	rs = append(rs, p.analystRoutes()...)
	rs = append(rs, p.notifyRoutes()...)
	rs = append(rs, p.incidentRoutes()...)
	rs = append(rs, p.postureRoutes()...)
	rs = append(rs, p.supportRoutes()...)
	rs = append(rs, p.reportRoutes()...)
	rs = append(rs, p.inventoryRoutes()...)
	rs = append(rs, p.exposureRoutes()...)
	rs = append(rs, p.vexRoutes()...)
	rs = append(rs, p.suppliedRoutes()...)
	rs = append(rs, p.advisorySourceRoutes()...)
	rs = append(rs, p.sectorAdvisoryRoutes()...)
	return rs
}

// csp allows the page's own files only: no inline script or style anywhere, no frames.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// headers sets the headers every page carries.
func (p *Pages) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store") // pages show one person's data
		next.ServeHTTP(w, r)
	})
}

// cacheFor lets browsers keep the vendored assets for a day.
func cacheFor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// render writes the page named name with status, or a 500 when the template fails
// (before anything is sent, since it renders into a buffer first).
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	if p.tmpl.Lookup("page "+name) == nil {
		panic("pages: no template " + name)
	}
	v.fill(r)
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, "page "+name, v); err != nil {
		p.log.ErrorContext(r.Context(), "rendering a page", slog.String("page", name), slog.Any("error", err),
			slog.String("request_id", api.RequestIDFrom(r.Context())))
		http.Error(w, "This page could not be shown. Please try again; if it keeps happening, tell the service desk.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail shows err as a page: what went wrong in words a person can act on, with the
// status the API would give. Someone who is not signed in is sent to sign in.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	var th *accounts.ThrottledError
	if errors.As(err, &th) {
		w.Header().Set("Retry-After", retryAfter(th.RetryAfter))
		p.render(w, r, http.StatusTooManyRequests, "error.html", &view{Title: "Please wait", Data: th.Message})
		return
	}
	code := vigil.ErrorCode(err)
	if code == vigil.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/?next="+template.URLQueryEscaper(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status, msg := api.Status(code), vigil.ErrorMessage(err)
	if status >= 500 {
		id := api.RequestIDFrom(r.Context())
		p.log.ErrorContext(r.Context(), "page failed", slog.String("path", r.URL.Path), slog.Any("error", err), slog.String("request_id", id))
		msg = "Something went wrong on our side. Please try again in a minute; if it keeps happening, tell the service desk this reference: " + id + "."
	}
	p.render(w, r, status, "error.html", &view{Title: titleFor(status), Data: msg})
}

// titleFor is an error page's title.
func titleFor(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Page not found"
	case http.StatusForbidden:
		return "You cannot see this"
	case http.StatusUnauthorized:
		return "Please sign in"
	case http.StatusConflict:
		return "That has already changed"
	}
	if status >= 500 {
		return "Sorry, there is a problem with the service"
	}
	return "There is a problem"
}

// NotFound answers a page request no route matched, for the server to call when a
// browser asks for a page that does not exist.
func (p *Pages) NotFound(w http.ResponseWriter, r *http.Request) {
	p.Fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "there is no page at %s: check the address, or start from the home page", r.URL.Path))
}

// Fail answers with the error page for err a browser's request that the server refused
// before any page saw it (a form posted from another site).
func (p *Pages) Fail(w http.ResponseWriter, r *http.Request, err error) {
	p.headers(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.fail(w, r, err) })).ServeHTTP(w, r)
}

// WantsPage reports whether a request comes from a browser asking for a page, rather
// than from an API client: the server answers such requests with pages, not JSON.
func WantsPage(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, api.Prefix+"/") && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// principal is the signed-in person, or an EUNAUTHORIZED error.
func principal(r *http.Request) (vigil.Principal, error) {
	if pr, ok := api.PrincipalFrom(r.Context()); ok && pr.UserID != 0 {
		return pr, nil
	}
	return vigil.Principal{}, vigil.Errorf(vigil.EUNAUTHORIZED, "please sign in")
}

// principalAndID is the signed-in person and the {id} of the address (see pathID): what
// every page about one numbered thing starts with.
func principalAndID(r *http.Request, what string) (vigil.Principal, int64, error) {
	pr, err := principal(r)
	if err != nil {
		return pr, 0, err
	}
	id, err := pathID(r, what)
	return pr, id, err
}

// pathID is the {id} of the address, or a not-found error naming what it numbers.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, vigil.Errorf(vigil.ENOTFOUND, "there is no %s %q: %s numbers are whole numbers", what, r.PathValue("id"), what)
	}
	return id, nil
}
