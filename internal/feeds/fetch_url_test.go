package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

const botnetList = `# NHS sector test list: hosts seen in a ransomware campaign
198.51.100.7
203.0.113.0/24
evil-pharmacy.example
`

// listServer serves one list at /list.txt through http.ServeContent, which answers
// conditional requests the way real web servers do, and records what each request asked.
type listServer struct {
	mu       sync.Mutex
	body     []byte
	etag     string
	modified time.Time
	ctype    string
	requests []*http.Request
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Clone(context.Background()))
	body, etag, modified, ctype := s.body, s.etag, s.modified, s.ctype
	s.mu.Unlock()
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	http.ServeContent(w, r, "list.txt", modified, bytes.NewReader(body))
}

func (s *listServer) set(body, etag string, modified time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.etag, s.modified = []byte(body), etag, modified
}

func (s *listServer) last() *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[len(s.requests)-1]
}

func start(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// collect returns an emit function and the indicators it received.
func collect() (func(vigil.Indicator), *[]vigil.Indicator) {
	var got []vigil.Indicator
	return func(i vigil.Indicator) { got = append(got, i) }, &got
}

func values(inds []vigil.Indicator) []string {
	var vs []string
	for _, i := range inds {
		vs = append(vs, string(i.Type)+":"+i.Value)
	}
	return vs
}

func urlFeed(u string) vigil.Feed {
	return vigil.Feed{Name: "partner-botnet", Kind: vigil.FeedURL, URL: u, TLP: vigil.TLPAmber}
}

func TestFetchURLConditionalGET(t *testing.T) {
	modified := time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		etag       string
		modified   time.Time
		wantHeader string // the validator the second request must carry
	}{
		{"by ETag", `"v1"`, time.Time{}, "If-None-Match"},
		{"by Last-Modified", "", modified, "If-Modified-Since"},
		{"by both", `"v1"`, modified, "If-None-Match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &listServer{}
			srv.set(botnetList, tt.etag, tt.modified)
			ts := start(t, srv)
			f := urlFeed(ts.URL + "/list.txt")

			emit, got := collect()
			first, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), f, intel.Options{}, State{}, emit)
			if err != nil {
				t.Fatal(err)
			}
			if !first.Complete || first.NotModified {
				t.Errorf("first pull: Complete=%v NotModified=%v, want a complete pull", first.Complete, first.NotModified)
			}
			want := []string{"ipv4:198.51.100.7", "cidr:203.0.113.0/24", "domain:evil-pharmacy.example"}
			if strings.Join(values(*got), " ") != strings.Join(want, " ") {
				t.Errorf("first pull emitted %q, want %q", values(*got), want)
			}
			if i := (*got)[0]; i.Provenance.Source != "partner-botnet" || i.Provenance.TLP != vigil.TLPAmber {
				t.Errorf("indicator credited to %q with TLP %q, want the feed's name and default TLP", i.Provenance.Source, i.Provenance.TLP)
			}
			if first.State.ETag != tt.etag {
				t.Errorf("kept ETag %q, want %q", first.State.ETag, tt.etag)
			}
			if !tt.modified.IsZero() && first.State.LastModified != tt.modified.Format(http.TimeFormat) {
				t.Errorf("kept Last-Modified %q, want %q", first.State.LastModified, tt.modified.Format(http.TimeFormat))
			}

			emit, got = collect()
			second, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), f, intel.Options{}, first.State, emit)
			if err != nil {
				t.Fatal(err)
			}
			if srv.last().Header.Get(tt.wantHeader) == "" {
				t.Errorf("second request had no %s header: %v", tt.wantHeader, srv.last().Header)
			}
			if !second.NotModified || second.Complete || len(*got) > 0 || !reflect.DeepEqual(second.State, first.State) {
				t.Errorf("unchanged list: got NotModified=%v Complete=%v, %d indicators, state %+v; want 304 with the state kept",
					second.NotModified, second.Complete, len(*got), second.State)
			}

			srv.set(botnetList+"malware-drop.example\n", `"v2"`, modified.Add(time.Hour))
			emit, got = collect()
			third, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), f, intel.Options{}, second.State, emit)
			if err != nil {
				t.Fatal(err)
			}
			if third.NotModified || len(*got) != 4 || third.State.ETag != `"v2"` {
				t.Errorf("changed list: NotModified=%v, %d indicators, ETag %q; want the new list of 4 and ETag \"v2\"",
					third.NotModified, len(*got), third.State.ETag)
			}
		})
	}
}

func TestFetchURLReportsMalformedLinesAndKeepsTheRest(t *testing.T) {
	srv := &listServer{}
	srv.set("198.51.100.7\nthis is not an indicator\n203.0.113.9\n", "", time.Time{})
	ts := start(t, srv)
	emit, got := collect()
	res, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), urlFeed(ts.URL+"/list.txt"), intel.Options{}, State{}, emit)
	if err != nil {
		t.Fatal(err)
	}
	if len(*got) != 2 || res.Report.Rejected != 1 {
		t.Fatalf("emitted %q with %d rejected, want the two addresses and one rejected line", values(*got), res.Report.Rejected)
	}
	p := res.Report.Problems[0]
	if p.Kind != intel.ProblemRejected || p.Line != 2 || !strings.HasSuffix(p.File, "/list.txt") {
		t.Errorf("problem %+v, want a rejected line 2 of the list", p)
	}
}

func TestFetchURLGzipBody(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.WriteString(zw, botnetList)
	zw.Close()
	srv := &listServer{ctype: "application/gzip"}
	srv.set(buf.String(), "", time.Time{})
	ts := start(t, srv)
	emit, got := collect()
	if _, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), urlFeed(ts.URL+"/list.txt.gz"), intel.Options{}, State{}, emit); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 3 {
		t.Errorf("gzip list gave %q, want its 3 indicators", values(*got))
	}
}

func TestFetchURLSendsCredentials(t *testing.T) {
	tests := []struct {
		name       string
		user, pass string
		token      string
		want       string
	}{
		{name: "basic auth", user: "nhs-soc", pass: "s3cret", want: "Basic bmhzLXNvYzpzM2NyZXQ="},
		{name: "bearer token", token: "tok-123", want: "Bearer tok-123"},
		{name: "none", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &listServer{}
			srv.set(botnetList, "", time.Time{})
			ts := start(t, srv)
			f := urlFeed(ts.URL + "/list.txt")
			f.Username, f.Password, f.Token = tt.user, tt.pass, tt.token
			if _, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), f, intel.Options{}, State{}, func(vigil.Indicator) {}); err != nil {
				t.Fatal(err)
			}
			if got := srv.last().Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFetchURLFailures checks that a pull that cannot get the whole list fails with a
// message naming the URL and the cause, and leaves the state as it was.
func TestFetchURLFailures(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		handler http.HandlerFunc
		feed    func(*vigil.Feed)
		want    string
		notWant string
	}{
		{name: "server error", path: "/list.txt",
			handler: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", 500) },
			want:    "fetch {URL}/list.txt: 500 Internal Server Error (the source's server failed; try again later, or tell whoever runs it if it goes on)"},
		{name: "unavailable", path: "/list.txt",
			handler: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "later", 503) },
			want:    "fetch {URL}/list.txt: 503 Service Unavailable (the source's server failed; try again later"},
		{name: "wrong credentials", path: "/list.txt",
			handler: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", 401) },
			want:    "401 Unauthorized (check the feed's username and password or token)"},
		{name: "credentials in the URL stay out of the message", path: "/list.txt?apikey=k3y-value&day=1",
			handler: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "x", 502) },
			feed:    func(f *vigil.Feed) { f.URL = strings.Replace(f.URL, "http://", "http://soc:pa55word@", 1) },
			want:    "fetch {URL}/list.txt?…: 502 Bad Gateway", notWant: "pa55word"},
		{name: "wrong key in the URL", path: "/list.txt?apikey=k3y-value",
			handler: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", 403) },
			want:    "403 Forbidden (check the feed's username and password or token, or the key in its URL)", notWant: "k3y-value"},
		{name: "a redirect echoing the key in a Location that does not parse", path: "/list.txt?apikey=k3y-value",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "https://cdn .example/list.txt?"+r.URL.RawQuery)
				w.WriteHeader(http.StatusFound)
			},
			want: "fetch {URL}/list.txt?…: ", notWant: "k3y-value"},
		{name: "a redirect echoing the key to a URL that does not parse", path: "/list.txt?k3y-value",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "https://[::1/list.txt?token="+url.QueryEscape(r.URL.RawQuery))
				w.WriteHeader(http.StatusFound)
			},
			want: "fetch {URL}/list.txt?…: ", notWant: "k3y-value"},
		{name: "a login page instead of the list", path: "/list.txt",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, "<html><body>Please sign in</body></html>")
			},
			want: "the server sent a web page (text/html), not a list"},
		{name: "an empty response", path: "/list.txt",
			handler: func(w http.ResponseWriter, _ *http.Request) {},
			want:    "fetch {URL}/list.txt: the response was empty"},
		{name: "a download that breaks off", path: "/list.txt",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", "100000")
				io.WriteString(w, "198.51.100.7\n203.0.113.9\n")
			},
			want: "fetch {URL}/list.txt: reading the response: unexpected EOF"},
		{name: "a STIX bundle that breaks off", path: "/bundle.json",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				io.WriteString(w, `{"type":"bundle","id":"bundle--1","spec_version":"2.1","objects":[{"type":"indicator",`)
			},
			want: "parse {URL}/bundle.json: "},
		{name: "basic auth and a token", path: "/list.txt",
			handler: func(w http.ResponseWriter, _ *http.Request) {},
			feed:    func(f *vigil.Feed) { f.Username, f.Token = "soc", "tok" },
			want:    "choose basic auth (username and password) or a bearer token, not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := start(t, tt.handler)
			f := urlFeed(ts.URL + tt.path)
			if tt.feed != nil {
				tt.feed(&f)
			}
			prev := State{ETag: `"old"`}
			res, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), f, intel.Options{}, prev, func(vigil.Indicator) {})
			if err == nil {
				t.Fatal("Fetch succeeded, want an error")
			}
			want := strings.ReplaceAll(tt.want, "{URL}", ts.URL)
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q\nwant it to contain %q", err, want)
			}
			if worded := Worded(err, "feed_allow_private"); tt.notWant != "" && (strings.Contains(err.Error(), tt.notWant) || strings.Contains(worded, tt.notWant)) {
				t.Errorf("error %q, worded %q, shows %q", err, worded, tt.notWant)
			}
			if res.State.ETag != prev.ETag || res.Complete || res.Report == nil {
				t.Errorf("failed pull returned state %+v, Complete=%v, report %v; want the previous state, not complete, a report",
					res.State, res.Complete, res.Report)
			}
		})
	}
}

func TestFetchKinds(t *testing.T) {
	_, err := Fetch(context.Background(), NewClient(nil, loopback), vigil.Feed{Name: "uploads", Kind: vigil.FeedUpload}, intel.Options{}, State{}, func(vigil.Indicator) {})
	if !errors.Is(err, ErrNotPullable) {
		t.Errorf("upload feed: %v, want ErrNotPullable", err)
	}
	tests := []struct {
		name string
		feed vigil.Feed
		want string
	}{
		{"an unknown kind", vigil.Feed{Name: "odd", Kind: "ftp", URL: "ftp://x"}, `feed "odd": unknown kind "ftp"`},
		{"no URL", vigil.Feed{Name: "list", Kind: vigil.FeedURL}, `feed "list": "" is not a URL`},
		{"not a web address", vigil.Feed{Name: "list", Kind: vigil.FeedURL, URL: "ftp://files.example/list.txt"},
			`feed "list": the URL ftp://files.example/list.txt must start with https:// (or http://)`},
		{"no host", vigil.Feed{Name: "misp", Kind: vigil.FeedMISPFeed, URL: "https:///feed/"}, `feed "misp": the URL https:///feed/ names no host`},
		{"a relative TAXII root", vigil.Feed{Name: "taxii", Kind: vigil.FeedTAXII, URL: "/api1/", Collection: "c"},
			`feed "taxii": the URL /api1/ must start with https://`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fetch(context.Background(), NewClient(nil, loopback), tt.feed, intel.Options{}, State{}, func(vigil.Indicator) {})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCappedBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		max     int64
		wantErr error
	}{
		{"shorter than the cap", "abc", 4, nil},
		{"exactly the cap", "abcd", 4, nil},
		{"one byte over the cap", "abcde", 4, errTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb := newCappedBody(strings.NewReader(tt.body), tt.max)
			got, err := io.ReadAll(cb)
			if !errors.Is(err, tt.wantErr) || !errors.Is(cb.err, tt.wantErr) {
				t.Fatalf("ReadAll error %v (kept %v), want %v", err, cb.err, tt.wantErr)
			}
			if tt.wantErr == nil && string(got) != tt.body {
				t.Errorf("read %q, want %q", got, tt.body)
			}
		})
	}
}
