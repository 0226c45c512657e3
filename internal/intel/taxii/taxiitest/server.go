package taxiitest

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MediaType is the content type of every response the Server makes itself.
const MediaType = "application/taxii+json;version=2.1"

// DefaultMaxPageSize is the most objects one page holds unless SetMaxPageSize says otherwise.
const DefaultMaxPageSize = 100

// Server is a read-only TAXII 2.1 server backed by a data file; see the package comment.
type Server struct {
	discovery *discovery
	roots     map[string]*apiRoot
	mux       *http.ServeMux

	mu       sync.Mutex // guards the settings and counters below
	auth     func(*http.Request) bool
	fail     Failure
	served   int // requests since the last Fail
	maxPage  int
	requests []string

	medallion   bool                // page as medallion does (PageLikeMedallion)
	sessions    map[string]*session // medallion-style paging sessions by token
	nextSession int
}

// Failure tells a Server to answer requests with a fixed response instead of serving them.
type Failure struct {
	// Status is the HTTP status to answer with; 0 turns failing off.
	Status int
	// After is how many requests to serve normally first, counted from the call to Fail.
	After int
	// Header holds extra response headers such as Retry-After; they replace the Server's
	// own, so a Content-Type here overrides the TAXII one and a nil value removes it.
	Header http.Header
	// Body is the response body; empty means a TAXII error message for Status.
	Body []byte
}

// Open returns a Server backed by the data file at path.
func Open(path string) (*Server, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("taxiitest: %w", err)
	}
	return New(b)
}

// New returns a Server backed by data in the layout of medallion's default_data.json.
// Every object must have a manifest record and every record an object (matched by id and
// version, its modified or created time).
func New(data []byte) (*Server, error) {
	disc, roots, err := load(data)
	if err != nil {
		return nil, err
	}
	s := &Server{discovery: disc, roots: roots, maxPage: DefaultMaxPageSize, mux: http.NewServeMux()}
	s.mux.HandleFunc("/taxii2/{$}", s.serveDiscovery)
	s.mux.HandleFunc("/{root}/{$}", s.serveAPIRoot)
	s.mux.HandleFunc("/{root}/collections/{$}", s.serveCollections)
	s.mux.HandleFunc("/{root}/collections/{id}/{$}", s.serveCollection)
	s.mux.HandleFunc("/{root}/collections/{id}/objects/{$}", s.serveObjects)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "no such TAXII resource")
	})
	return s, nil
}

// RequireBasicAuth makes the Server answer 401 to requests without these credentials.
func (s *Server) RequireBasicAuth(username, password string) {
	s.setAuth(func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && same(u, username) && same(p, password)
	})
}

// RequireHeader makes the Server answer 401 to requests whose header name does not hold
// value, e.g. RequireHeader("Authorization", "Bearer s3cret").
func (s *Server) RequireHeader(name, value string) {
	s.setAuth(func(r *http.Request) bool { return same(r.Header.Get(name), value) })
}

func (s *Server) setAuth(f func(*http.Request) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth = f
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// SetMaxPageSize sets the most objects one page holds, whatever limit a client asks for.
func (s *Server) SetMaxPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxPage = max(n, 1)
}

// Fail makes the Server answer as f says from now on; Fail(Failure{}) restores it.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.served = f, 0
}

// Requests returns the path and query of every request the Server has received, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ServeHTTP answers one TAXII request: failure first, then credentials, then the Accept
// header, then the resource.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	fail, auth := s.fail, s.auth
	failing := fail.Status != 0 && s.served >= fail.After
	s.served++
	s.mu.Unlock()
	switch {
	case failing:
		writeFailure(w, fail)
	case auth != nil && !auth(r):
		w.Header().Set("WWW-Authenticate", `Basic realm="taxiitest"`)
		writeError(w, http.StatusUnauthorized, "credentials missing or wrong")
	case !acceptsTAXII(r.Header.Get("Accept")):
		writeError(w, http.StatusNotAcceptable, "this server only speaks "+MediaType)
	case r.Method != http.MethodGet:
		writeError(w, http.StatusMethodNotAllowed, "this server is read-only")
	default:
		s.mux.ServeHTTP(w, r)
	}
}

// acceptsTAXII reports whether an Accept header asks for TAXII 2.1.
func acceptsTAXII(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(part)
		if err == nil && mt == "application/taxii+json" && (params["version"] == "" || params["version"] == "2.1") {
			return true
		}
	}
	return false
}

func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	d := *s.discovery
	d.Default = rewriteURL(d.Default, scheme, r.Host)
	d.APIRoots = nil
	for _, u := range s.discovery.APIRoots {
		d.APIRoots = append(d.APIRoots, rewriteURL(u, scheme, r.Host))
	}
	writeJSON(w, d)
}

func (s *Server) root(w http.ResponseWriter, r *http.Request) (*apiRoot, bool) {
	root, ok := s.roots[r.PathValue("root")]
	if !ok {
		writeError(w, http.StatusNotFound, "no such API root")
	}
	return root, ok
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request) (*collectionData, bool) {
	root, ok := s.root(w, r)
	if !ok {
		return nil, false
	}
	for _, c := range root.Collections {
		if c.ID == r.PathValue("id") {
			return c, true
		}
	}
	writeError(w, http.StatusNotFound, "no such collection")
	return nil, false
}

func (s *Server) serveAPIRoot(w http.ResponseWriter, r *http.Request) {
	if root, ok := s.root(w, r); ok {
		writeJSON(w, root.Information)
	}
}

func (s *Server) serveCollections(w http.ResponseWriter, r *http.Request) {
	root, ok := s.root(w, r)
	if !ok {
		return
	}
	var resp struct {
		Collections []collectionInfo `json:"collections,omitempty"`
	}
	for _, c := range root.Collections {
		resp.Collections = append(resp.Collections, c.collectionInfo)
	}
	writeJSON(w, resp)
}

func (s *Server) serveCollection(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.collection(w, r); ok {
		writeJSON(w, c.collectionInfo)
	}
}

// envelope is the objects endpoint's response.
type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next,omitempty"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

func (s *Server) serveObjects(w http.ResponseWriter, r *http.Request) {
	c, ok := s.collection(w, r)
	if !ok {
		return
	}
	if !c.CanRead {
		writeError(w, http.StatusForbidden, "this collection cannot be read")
		return
	}
	s.mu.Lock()
	maxPage, medallion := s.maxPage, s.medallion
	s.mu.Unlock()
	if medallion {
		page, next, ok := s.medallionPage(w, r, c, maxPage)
		if ok {
			writePage(w, page, envelope{More: next != "", Next: next})
		}
		return
	}
	q, err := parseQuery(r.URL.Query(), maxPage)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	es := q.selectFrom(c.entries)
	if q.offset > len(es) {
		writeError(w, http.StatusBadRequest, "next points past the end of the collection")
		return
	}
	end := min(q.offset+q.limit, len(es))
	page := es[q.offset:end]
	env := envelope{More: end < len(es)}
	if env.More {
		env.Next = encodeNext(end, q.filter)
	}
	writePage(w, page, env)
}

// writePage answers with env holding the objects of page.
func writePage(w http.ResponseWriter, page []entry, env envelope) {
	for _, e := range page {
		env.Objects = append(env.Objects, e.object)
	}
	if len(page) > 0 {
		w.Header().Set("X-TAXII-Date-Added-First", stamp(page[0].dateAdded))
		w.Header().Set("X-TAXII-Date-Added-Last", stamp(page[len(page)-1].dateAdded))
	}
	writeJSON(w, env)
}

// stamp formats a time as TAXII timestamps are written: UTC, microseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "cannot encode the response")
		return
	}
	w.Header().Set("Content-Type", MediaType)
	_, _ = w.Write(b)
}

// writeError answers with a TAXII error message.
func writeError(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(status, title))
}

func errorBody(status int, title string) []byte {
	b, _ := json.Marshal(struct {
		Title      string `json:"title"`
		HTTPStatus string `json:"http_status"`
	}{title, strconv.Itoa(status)})
	return b
}

func writeFailure(w http.ResponseWriter, f Failure) {
	h := w.Header()
	h.Set("Content-Type", MediaType)
	for k, vs := range f.Header {
		k = textproto.CanonicalMIMEHeaderKey(k)
		h[k] = nil // present but empty: also stops net/http sniffing a Content-Type
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	body := f.Body
	if len(body) == 0 {
		body = errorBody(f.Status, http.StatusText(f.Status))
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write(body)
}
