package taxii

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel/taxii/taxiitest"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// The two backing stores: medallion's real test data, under the shared test data, and a
// small fixture of our own.
const (
	medallionPath = "intel/taxii/medallion/default_data.json"
	fixturePath   = "testdata/server.json"

	medallionRoot = "/trustgroup1/"
	medallionColl = "91a7b528-80eb-42ed-a74d-c6fbd5a26116" // the collection with objects
	fixtureRoot   = "/feeds/"
	fixtureColl   = "1b1f6c2e-7d3a-4f0e-9c55-3a8e0d6b2f10"
)

// openServer loads a backing store. Medallion's data lives outside the repository: without
// it the test is skipped, except under CI where it must be present.
func openServer(t *testing.T, path string) *taxiitest.Server {
	t.Helper()
	if path == medallionPath {
		path = shareddata.Dir(t, medallionPath)
	}
	s, err := taxiitest.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serve starts h on 127.0.0.1 and returns a Client for it.
func serve(t *testing.T, h http.Handler, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c, err := New(ts.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, ts
}

func TestNew(t *testing.T) {
	tests := []struct {
		name      string
		base      string
		opts      []Option
		wantURL   string
		wantError string // part of the error message; empty means success
	}{
		{name: "host only", base: "http://taxii.example", wantURL: "http://taxii.example/taxii2/"},
		{name: "host and slash", base: "https://taxii.example/", wantURL: "https://taxii.example/taxii2/"},
		{name: "discovery without slash", base: "https://taxii.example/taxii2", wantURL: "https://taxii.example/taxii2/"},
		{name: "own discovery path", base: "https://taxii.example:8443/cti/discovery/", wantURL: "https://taxii.example:8443/cti/discovery/"},
		{name: "fragment dropped", base: "https://taxii.example/taxii2/#top", wantURL: "https://taxii.example/taxii2/"},
		{name: "empty", base: "", wantError: "must start with https://"},
		{name: "no scheme", base: "taxii.example/taxii2/", wantError: "must start with https://"},
		{name: "other scheme", base: "ftp://taxii.example/", wantError: "must start with https://"},
		{name: "no host", base: "https:///taxii2/", wantError: "names no host"},
		{name: "not a URL", base: "http://[::1", wantError: "not a URL"},
		{name: "basic and bearer", base: "https://taxii.example",
			opts: []Option{WithBasicAuth("soc", "pw"), WithBearerToken("t")}, wantError: "not both"},
		{name: "empty bearer token", base: "https://taxii.example", opts: []Option{WithBearerToken("")}, wantError: "token is empty"},
		{name: "bad API key header", base: "https://taxii.example", opts: []Option{WithAPIKey("X API Key", "k")}, wantError: "header name"},
		{name: "no API key header", base: "https://taxii.example", opts: []Option{WithAPIKey("", "k")}, wantError: "header name"},
		{name: "zero page cap", base: "https://taxii.example", opts: []Option{WithMaxPageBytes(0)}, wantError: "must be positive"},
		{name: "nil HTTP client", base: "https://taxii.example", opts: []Option{WithHTTPClient(nil)}, wantError: "client is nil"},
		{name: "API key with basic auth", base: "https://taxii.example",
			opts: []Option{WithBasicAuth("soc", "pw"), WithAPIKey("X-API-Key", "k")}, wantURL: "https://taxii.example/taxii2/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.base, tt.opts...)
			if tt.wantError != "" {
				if err == nil || vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("New(%q) error = %v, want an invalid error containing %q", tt.base, err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.base, err)
			}
			if got := c.DiscoveryURL(); got != tt.wantURL {
				t.Errorf("DiscoveryURL() = %q, want %q", got, tt.wantURL)
			}
		})
	}
}

func TestURLs(t *testing.T) {
	c, err := New("https://taxii.example/")
	if err != nil {
		t.Fatal(err)
	}
	root := func(r string) (*url.URL, error) { return c.rootURL(r) }
	objects := func(id string) func(string) (*url.URL, error) {
		return func(r string) (*url.URL, error) { return c.collectionURL(r, id, "objects") }
	}
	tests := []struct {
		name string
		url  func(root string) (*url.URL, error)
		root string
		want string // empty means an error
	}{
		{name: "absolute path root", url: root, root: "/api1/", want: "https://taxii.example/api1/"},
		{name: "root without slash", url: root, root: "/api1", want: "https://taxii.example/api1/"},
		{name: "relative root", url: root, root: "api1/", want: "https://taxii.example/taxii2/api1/"},
		{name: "root on another host", url: root, root: "https://cti.partner.example/root", want: "https://cti.partner.example/root/"},
		{name: "query dropped", url: root, root: "/api1/?x=1", want: "https://taxii.example/api1/"},
		{name: "empty root", url: root, root: ""},
		{name: "root of another scheme", url: root, root: "ftp://taxii.example/api1/"},
		{name: "objects", url: objects("91a7b528-80eb-42ed-a74d-c6fbd5a26116"), root: "/api1/",
			want: "https://taxii.example/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/"},
		{name: "collection id escaped", url: objects("high value"), root: "/api1/",
			want: "https://taxii.example/api1/collections/high%20value/objects/"},
		{name: "empty collection id", url: objects(""), root: "/api1/"},
		{name: "collection id climbing", url: objects(".."), root: "/api1/"},
		{name: "collection id with slash", url: objects("a/b"), root: "/api1/"},
		{name: "collection id with query", url: objects("a?limit=1"), root: "/api1/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.url(tt.root)
			if tt.want == "" {
				if vigil.ErrorCode(err) != vigil.EINVALID {
					t.Fatalf("got %v, %v; want an invalid error", u, err)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Errorf("got %v, %v; want %q", u, err, tt.want)
			}
		})
	}
}

func TestDiscovery(t *testing.T) {
	tests := []struct {
		name string
		path string
		want func(base string) *Discovery
	}{
		{name: "medallion", path: medallionPath, want: func(base string) *Discovery {
			return &Discovery{
				Title:       "Some TAXII Server",
				Description: "This TAXII Server contains a listing of",
				Contact:     "string containing contact information",
				Default:     base + "/trustgroup1/",
				APIRoots:    []string{base + "/api1/", base + "/api2/", base + "/trustgroup1/"},
			}
		}},
		{name: "fixture with a relative default", path: fixturePath, want: func(base string) *Discovery {
			return &Discovery{
				Title:       "vigil test TAXII server",
				Description: "A partner CERT's feeds, written for vigil's TAXII client tests.",
				Contact:     "soc@partner.example",
				Default:     base + "/feeds/",
				APIRoots:    []string{base + "/feeds/", base + "/empty/"},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ts := serve(t, openServer(t, tt.path))
			got, err := c.Discovery(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(ts.URL); !reflect.DeepEqual(got, want) {
				t.Errorf("Discovery() = %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestAPIRoot(t *testing.T) {
	tests := []struct {
		name, path, root string
		want             APIRoot
	}{
		{name: "medallion trust group", path: medallionPath, root: medallionRoot, want: APIRoot{
			Title: "Malware Research Group", Description: "A trust group setup for malware researchers",
			Versions: []string{MediaType}, MaxContentLength: 9765625,
		}},
		{name: "fixture by path", path: fixturePath, root: fixtureRoot, want: APIRoot{
			Title: "Partner feeds", Description: "Indicators shared with the health and care sector.",
			Versions: []string{MediaType}, MaxContentLength: 10 << 20,
		}},
		{name: "fixture without slash", path: fixturePath, root: "/empty", want: APIRoot{
			Title: "Empty root", Versions: []string{MediaType}, MaxContentLength: 1 << 20,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, openServer(t, tt.path))
			got, err := c.APIRoot(context.Background(), tt.root)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("APIRoot(%q) = %+v, want %+v", tt.root, *got, tt.want)
			}
		})
	}
}

func TestCollections(t *testing.T) {
	tests := []struct {
		name, path, root string
		want             []string // id and whether it can be read
	}{
		{name: "medallion trust group", path: medallionPath, root: medallionRoot, want: []string{
			"472c94ae-3113-4e3e-a4dd-a9f4ac7471d4 write-only",
			"365fed99-08fa-fdcd-a1b3-fb247eb41d01 readable",
			"91a7b528-80eb-42ed-a74d-c6fbd5a26116 readable",
			"52892447-4d7e-4f70-b94d-d7f22742ff63 readable",
			"64993447-4d7e-4f70-b94d-d7f33742ee63 closed",
		}},
		{name: "medallion root without collections", path: medallionPath, root: "/api1/"},
		{name: "fixture", path: fixturePath, root: fixtureRoot, want: []string{
			fixtureColl + " readable",
			"7c0e5a3d-2f1b-4d6a-9e8c-4b3a1f0d2e71 closed",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, openServer(t, tt.path))
			cols, err := c.Collections(context.Background(), tt.root)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, col := range cols {
				got = append(got, col.ID+" "+access(col))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Collections(%q) = %q, want %q", tt.root, got, tt.want)
			}
		})
	}
}

func access(c Collection) string {
	switch {
	case c.CanRead:
		return "readable"
	case c.CanWrite:
		return "write-only"
	}
	return "closed"
}

func TestCollection(t *testing.T) {
	tests := []struct {
		name, path, root, id string
		want                 Collection
	}{
		{name: "medallion", path: medallionPath, root: medallionRoot, id: medallionColl, want: Collection{
			ID: medallionColl, Title: "High Value Indicator Collection",
			Description: "This data collection is for collecting high value IOCs", CanRead: true, CanWrite: true,
			MediaTypes: []string{"application/stix+json;version=2.0", "application/stix+json;version=2.1"},
		}},
		{name: "fixture", path: fixturePath, root: fixtureRoot, id: fixtureColl, want: Collection{
			ID: fixtureColl, Title: "Partner indicators", Alias: "partner-indicators",
			Description: "Indicators of compromise seen against health and care organisations.",
			CanRead:     true, MediaTypes: []string{"application/stix+json;version=2.1"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, openServer(t, tt.path))
			got, err := c.Collection(context.Background(), tt.root, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Collection() = %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

// headerRecorder remembers the headers of the last request it passed on.
type headerRecorder struct {
	next http.Handler
	mu   sync.Mutex
	last http.Header
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.last = r.Header.Clone()
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}

func (h *headerRecorder) header() http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// countingTransport counts the requests a custom *http.Client makes.
type countingTransport struct{ n atomic.Int32 }

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestOptions(t *testing.T) {
	transport := &countingTransport{}
	tests := []struct {
		name    string
		require func(*taxiitest.Server)
		opts    []Option
		want    map[string]string // request headers
	}{
		{name: "defaults", want: map[string]string{"Accept": MediaType, "User-Agent": DefaultUserAgent, "Authorization": ""}},
		{name: "basic auth", require: func(s *taxiitest.Server) { s.RequireBasicAuth("soc", "s3cret") },
			opts: []Option{WithBasicAuth("soc", "s3cret")}, want: map[string]string{"Authorization": "Basic c29jOnMzY3JldA=="}},
		{name: "bearer token", require: func(s *taxiitest.Server) { s.RequireHeader("Authorization", "Bearer tok-123") },
			opts: []Option{WithBearerToken("tok-123")}},
		{name: "API key", require: func(s *taxiitest.Server) { s.RequireHeader("X-API-Key", "k-456") },
			opts: []Option{WithAPIKey("X-API-Key", "k-456")}, want: map[string]string{"Authorization": ""}},
		{name: "API key beside basic auth", require: func(s *taxiitest.Server) { s.RequireBasicAuth("soc", "s3cret") },
			opts: []Option{WithBasicAuth("soc", "s3cret"), WithAPIKey("X-Api-Key", "k-456")}, want: map[string]string{"X-Api-Key": "k-456"}},
		{name: "user agent", opts: []Option{WithUserAgent("sector-centre/1.0")}, want: map[string]string{"User-Agent": "sector-centre/1.0"}},
		{name: "custom HTTP client", opts: []Option{WithHTTPClient(&http.Client{Transport: transport})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openServer(t, fixturePath)
			if tt.require != nil {
				tt.require(s)
			}
			rec := &headerRecorder{next: s}
			c, _ := serve(t, rec, tt.opts...)
			if _, err := c.Discovery(context.Background()); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if got := rec.header().Get(k); got != v {
					t.Errorf("request header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
	if transport.n.Load() == 0 {
		t.Error("the custom HTTP client was not used")
	}
}

// TestRedirect checks that credentials follow a redirect on the same server but not to
// another one (here another port on 127.0.0.1, which net/http alone would trust).
func TestRedirect(t *testing.T) {
	tests := []struct {
		name      string
		otherHost bool
		wantCreds bool
	}{
		{name: "same server", wantCreds: true},
		{name: "other server", otherHost: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fixture := openServer(t, fixturePath)
			moved := &headerRecorder{next: http.StripPrefix("/moved", fixture)}
			var target string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/moved/") {
					moved.ServeHTTP(w, r)
					return
				}
				http.Redirect(w, r, target+"/moved"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			})
			c, ts := serve(t, h, WithBasicAuth("soc", "s3cret"), WithAPIKey("X-API-Key", "k-456"))
			target = ts.URL
			if tt.otherHost {
				other := httptest.NewServer(h)
				defer other.Close()
				target = other.URL
			}
			if _, err := c.Discovery(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := moved.header()
			hasCreds := got.Get("Authorization") != "" || got.Get("X-API-Key") != ""
			if hasCreds != tt.wantCreds {
				t.Errorf("after the redirect: Authorization %q, X-API-Key %q; want credentials: %v",
					got.Get("Authorization"), got.Get("X-API-Key"), tt.wantCreds)
			}
		})
	}
}
