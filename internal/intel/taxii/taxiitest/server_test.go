package taxiitest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// testData is a minimal store: one API root with one readable and one closed collection.
const testData = `{
  "/discovery": {"title": "t", "default": "http://localhost:5000/root/", "api_roots": ["http://localhost:5000/root/", "/rel/"]},
  "root": {
    "information": {"title": "Root", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 1000},
    "collections": [
      {"id": "open", "title": "Open", "can_read": true, "can_write": false,
       "objects": [
         {"type": "indicator", "spec_version": "2.1", "id": "indicator--1", "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"},
         {"type": "indicator", "spec_version": "2.1", "id": "indicator--1", "created": "2026-01-01T00:00:00Z", "modified": "2026-01-02T00:00:00Z"},
         {"type": "malware", "spec_version": "2.1", "id": "malware--1", "created": "2026-01-03T00:00:00Z"}
       ],
       "manifest": [
         {"id": "indicator--1", "date_added": "2026-01-01T00:00:01Z", "version": "2026-01-01T00:00:00Z", "media_type": "application/stix+json;version=2.1"},
         {"id": "indicator--1", "date_added": "2026-01-02T00:00:01Z", "version": "2026-01-02T00:00:00.000Z", "media_type": "application/stix+json;version=2.1"},
         {"id": "malware--1", "date_added": "2026-01-03T00:00:01Z", "version": "2026-01-03T00:00:00Z", "media_type": "application/stix+json;version=2.1"}
       ]},
      {"id": "closed", "title": "Closed", "can_read": false, "can_write": false, "objects": [], "manifest": []}
    ]
  }
}`

func TestServe(t *testing.T) {
	objects := "/root/collections/open/objects/"
	tests := []struct {
		name       string
		setup      func(*Server)
		method     string // GET unless set
		target     string
		accept     string // MediaType unless set; "-" for none
		wantStatus int
		wantBody   []string // parts of the body
		wantHeader map[string]string
	}{
		{name: "discovery", target: "/taxii2/", wantStatus: 200,
			wantBody: []string{`"default":"http://example.com/root/"`, `"api_roots":["http://example.com/root/","/rel/"]`}},
		{name: "API root", target: "/root/", wantStatus: 200, wantBody: []string{`"max_content_length":1000`}},
		{name: "collections", target: "/root/collections/", wantStatus: 200, wantBody: []string{`"id":"open"`, `"id":"closed"`}},
		{name: "collection", target: "/root/collections/open/", wantStatus: 200, wantBody: []string{`"can_read":true`}},
		{name: "collection hides objects", target: "/root/collections/open/", wantStatus: 200},
		{name: "objects, newest versions", target: objects, wantStatus: 200,
			wantBody:   []string{`"more":false`, `"modified":"2026-01-02T00:00:00Z"`, `"id":"malware--1"`},
			wantHeader: map[string]string{"X-TAXII-Date-Added-First": "2026-01-02T00:00:01.000000Z", "X-TAXII-Date-Added-Last": "2026-01-03T00:00:01.000000Z"}},
		{name: "objects, first page", target: objects + "?limit=1&match[version]=all", wantStatus: 200,
			wantBody: []string{`"more":true`, `"next":"` + encodeNext(1, "match%5Bversion%5D=all") + `"`}},
		{name: "objects, next with its filters", target: objects + "?match[version]=all&next=" + encodeNext(2, "match%5Bversion%5D=all"),
			wantStatus: 200, wantBody: []string{`"more":false`, `"id":"malware--1"`}},
		{name: "objects, next alone", target: objects + "?next=" + encodeNext(2, "match%5Bversion%5D=all"),
			wantStatus: 200, wantBody: []string{`"id":"malware--1"`}},
		{name: "objects, by type", target: objects + "?match[type]=malware", wantStatus: 200, wantBody: []string{`"id":"malware--1"`}},
		{name: "objects, none after", target: objects + "?added_after=2026-01-03T00:00:01Z", wantStatus: 200,
			wantHeader: map[string]string{"X-TAXII-Date-Added-First": ""}},
		{name: "next for other filters", target: objects + "?match[type]=malware&next=" + encodeNext(1, "match%5Btype%5D=indicator"),
			wantStatus: 400, wantBody: []string{"other filters"}},
		{name: "forged next", target: objects + "?next=bm90IGEgdG9rZW4", wantStatus: 400, wantBody: []string{"not a token"}},
		{name: "next past the end", target: objects + "?next=" + encodeNext(9, ""), wantStatus: 400},
		{name: "limit zero", target: objects + "?limit=0", wantStatus: 400, wantBody: []string{"positive"}},
		{name: "bad added_after", target: objects + "?added_after=yesterday", wantStatus: 400},
		{name: "bad match[version]", target: objects + "?match[version]=newest", wantStatus: 400},
		{name: "closed collection", target: "/root/collections/closed/objects/", wantStatus: 403},
		{name: "no such API root", target: "/nope/", wantStatus: 404, wantBody: []string{"no such API root"}},
		{name: "no such collection", target: "/root/collections/nope/objects/", wantStatus: 404, wantBody: []string{"no such collection"}},
		{name: "no such resource", target: "/root/collections/open/manifest/", wantStatus: 404},
		{name: "no Accept", target: "/taxii2/", accept: "-", wantStatus: 406},
		{name: "TAXII 2.0 Accept", target: "/taxii2/", accept: "application/vnd.oasis.taxii+json; version=2.0", wantStatus: 406},
		{name: "one of several Accepts", target: "/taxii2/", accept: "application/json, application/taxii+json;version=2.1", wantStatus: 200},
		{name: "POST", method: http.MethodPost, target: objects, wantStatus: 405},
		{name: "basic auth missing", setup: func(s *Server) { s.RequireBasicAuth("u", "p") }, target: "/taxii2/", wantStatus: 401,
			wantHeader: map[string]string{"WWW-Authenticate": `Basic realm="taxiitest"`}},
		{name: "told to fail", setup: func(s *Server) {
			s.Fail(Failure{Status: 429, Header: http.Header{"Retry-After": {"9"}}})
		}, target: "/taxii2/", wantStatus: 429, wantBody: []string{`"http_status":"429"`}, wantHeader: map[string]string{"Retry-After": "9"}},
		{name: "told to fail later", setup: func(s *Server) { s.Fail(Failure{Status: 503, After: 1}) }, target: "/taxii2/", wantStatus: 200},
		{name: "page size", setup: func(s *Server) { s.SetMaxPageSize(1) }, target: objects + "?limit=5", wantStatus: 200,
			wantBody: []string{`"more":true`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New([]byte(testData))
			if err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				tt.setup(s)
			}
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, tt.target, nil)
			switch tt.accept {
			case "":
				r.Header.Set("Accept", MediaType)
			case "-":
			default:
				r.Header.Set("Accept", tt.accept)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.wantStatus, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != MediaType {
				t.Errorf("Content-Type %q, want %q", ct, MediaType)
			}
			for _, part := range tt.wantBody {
				if !strings.Contains(w.Body.String(), part) {
					t.Errorf("body %s does not contain %s", w.Body, part)
				}
			}
			for k, v := range tt.wantHeader {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if strings.Contains(w.Body.String(), `"manifest"`) {
				t.Errorf("body %s shows the backing store's manifest", w.Body)
			}
			if got := s.Requests(); len(got) != 1 || got[0] != r.URL.RequestURI() {
				t.Errorf("Requests() = %q", got)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	collection := func(objects, manifest string) string {
		return `{"r": {"information": {}, "collections": [{"id": "c", "objects": [` + objects + `], "manifest": [` + manifest + `]}]}}`
	}
	obj := `{"type": "indicator", "id": "indicator--1", "created": "2026-01-01T00:00:00Z"}`
	rec := `{"id": "indicator--1", "date_added": "2026-01-01T00:00:01Z", "version": "2026-01-01T00:00:00Z"}`
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", `{`, "not a JSON object"},
		{"an array", `[]`, "not a JSON object"},
		{"object without manifest record", collection(obj, ""), "no manifest record"},
		{"manifest record without object", collection("", rec), "no object with version"},
		{"manifest record for another version", collection(obj, strings.Replace(rec, `"version": "2026-01-01T00:00:00Z"`, `"version": "2026-01-05T00:00:00Z"`, 1)), "no object with version"},
		{"bad date_added", collection(obj, strings.Replace(rec, "2026-01-01T00:00:01Z", "today", 1)), "date_added"},
		{"object without times", collection(`{"type": "indicator", "id": "indicator--1"}`, rec), "no valid modified or created"},
		{"object without id", collection(`{"type": "indicator", "created": "2026-01-01T00:00:00Z"}`, rec), "no id or type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestNextIsOpaque checks that a next token carries no readable query syntax.
func TestNextIsOpaque(t *testing.T) {
	tok := encodeNext(3, url.Values{"match[type]": {"indicator"}}.Encode())
	if strings.ContainsAny(tok, "&=?%/+ ") {
		t.Errorf("token %q needs escaping in a URL", tok)
	}
	off, filter, err := decodeNext(tok)
	if err != nil || off != 3 || filter != "match%5Btype%5D=indicator" {
		t.Errorf("decodeNext(%q) = %d, %q, %v", tok, off, filter, err)
	}
}
