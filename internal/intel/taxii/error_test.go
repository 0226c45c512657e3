package taxii

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel/taxii/taxiitest"
)

// call is one client method the error tests can make.
type call func(ctx context.Context, c *Client) error

var (
	callObjects   = objectsOf(fixtureRoot, fixtureColl, Query{})
	callDiscovery = func(ctx context.Context, c *Client) error {
		_, err := c.Discovery(ctx)
		return err
	}
)

func objectsOf(root, id string, q Query) call {
	return func(ctx context.Context, c *Client) error {
		return c.Objects(ctx, root, id, q, func(Page) error { return nil })
	}
}

func collectionsOf(root string) call {
	return func(ctx context.Context, c *Client) error {
		_, err := c.Collections(ctx, root)
		return err
	}
}

func collectionOf(root, id string) call {
	return func(ctx context.Context, c *Client) error {
		_, err := c.Collection(ctx, root, id)
		return err
	}
}

// body answers every request with a 200 TAXII response holding b.
func body(b string) *taxiitest.Failure {
	return &taxiitest.Failure{Status: http.StatusOK, Body: []byte(b)}
}

func TestErrors(t *testing.T) {
	bigEnvelope := `{"objects":[{"type":"note","content":"` + strings.Repeat("x", 4096) + `"}]}`
	inTwoMinutes := time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat)
	tests := []struct {
		name    string
		setup   func(*taxiitest.Server)
		fail    *taxiitest.Failure
		handler http.HandlerFunc // replaces the TAXII server when set
		down    bool             // the server is gone
		opts    []Option
		call    call // default callObjects

		wantCode      string
		wantStatus    int
		wantRetryable bool
		wantRetry     [2]time.Duration // RetryAfter at least, at most
		wantMessage   string           // part of the user-safe message
		wantDetail    string           // part of the server's detail
	}{
		{name: "no credentials", setup: func(s *taxiitest.Server) { s.RequireBasicAuth("soc", "s3cret") },
			wantCode: vigil.EUNAUTHORIZED, wantStatus: 401, wantMessage: "the TAXII server refused our credentials",
			wantDetail: "credentials missing or wrong"},
		{name: "wrong password", setup: func(s *taxiitest.Server) { s.RequireBasicAuth("soc", "s3cret") },
			opts:     []Option{WithBasicAuth("soc", "guess")},
			wantCode: vigil.EUNAUTHORIZED, wantStatus: 401, wantMessage: "refused our credentials"},
		{name: "wrong bearer token", setup: func(s *taxiitest.Server) { s.RequireHeader("Authorization", "Bearer right") },
			opts:     []Option{WithBearerToken("wrong")},
			wantCode: vigil.EUNAUTHORIZED, wantStatus: 401, wantMessage: "refused our credentials"},
		{name: "forbidden", fail: &taxiitest.Failure{Status: 403},
			wantCode: vigil.EFORBIDDEN, wantStatus: 403, wantMessage: "the TAXII server refused our credentials"},
		{name: "collection not readable", call: objectsOf(fixtureRoot, "7c0e5a3d-2f1b-4d6a-9e8c-4b3a1f0d2e71", Query{}),
			wantCode: vigil.EFORBIDDEN, wantStatus: 403, wantMessage: "read access", wantDetail: "cannot be read"},
		{name: "no such API root", call: collectionsOf("/nope/"),
			wantCode: vigil.ENOTFOUND, wantStatus: 404, wantMessage: "no such API root or collection"},
		{name: "no such collection", call: collectionOf(fixtureRoot, "nope"),
			wantCode: vigil.ENOTFOUND, wantStatus: 404, wantMessage: "no such API root or collection"},
		{name: "no such collection's objects", call: objectsOf(fixtureRoot, "nope", Query{}),
			wantCode: vigil.ENOTFOUND, wantStatus: 404, wantMessage: "no such API root or collection"},
		{name: "TAXII 2.1 not acceptable", fail: &taxiitest.Failure{Status: 406},
			wantCode: vigil.EINVALID, wantStatus: 406, wantMessage: "does not speak TAXII 2.1"},
		{name: "unsupported media type", fail: &taxiitest.Failure{Status: 415},
			wantCode: vigil.EINVALID, wantStatus: 415, wantMessage: "does not speak TAXII 2.1"},
		{name: "rate limited", fail: &taxiitest.Failure{Status: 429, Header: http.Header{"Retry-After": {"30"}}},
			wantCode: vigil.EUNAVAILABLE, wantStatus: 429, wantRetryable: true, wantRetry: [2]time.Duration{30 * time.Second, 30 * time.Second},
			wantMessage: "busy; try again in 30s"},
		{name: "rate limited without Retry-After", fail: &taxiitest.Failure{Status: 429},
			wantCode: vigil.EUNAVAILABLE, wantStatus: 429, wantRetryable: true, wantMessage: "busy; try again later"},
		{name: "unavailable until a date", fail: &taxiitest.Failure{Status: 503, Header: http.Header{"Retry-After": {inTwoMinutes}}},
			wantCode: vigil.EUNAVAILABLE, wantStatus: 503, wantRetryable: true, wantRetry: [2]time.Duration{time.Minute, 2 * time.Minute},
			wantMessage: "busy; try again in"},
		{name: "rate limited on the second page", setup: func(s *taxiitest.Server) { s.SetMaxPageSize(2) },
			fail:     &taxiitest.Failure{Status: 429, After: 1, Header: http.Header{"Retry-After": {"5"}}},
			wantCode: vigil.EUNAVAILABLE, wantStatus: 429, wantRetryable: true, wantRetry: [2]time.Duration{5 * time.Second, 5 * time.Second}},
		{name: "server error", fail: &taxiitest.Failure{Status: 500},
			wantCode: vigil.EUNAVAILABLE, wantStatus: 500, wantRetryable: true, wantMessage: "failed to answer"},
		{name: "bad request", fail: &taxiitest.Failure{Status: 400, Body: []byte(`{"title":"Bad filter","description":"match[foo] is not supported"}`)},
			wantCode: vigil.EINVALID, wantStatus: 400, wantMessage: "rejected the request with status 400",
			wantDetail: "Bad filter: match[foo] is not supported"},
		{name: "HTML login page", fail: &taxiitest.Failure{Status: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
			Body: []byte("<html><body>Please sign in</body></html>")},
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: `answered with "text/html; charset=utf-8", not TAXII 2.1 JSON`},
		{name: "TAXII 2.0 server", fail: &taxiitest.Failure{Status: 200,
			Header: http.Header{"Content-Type": {"application/vnd.oasis.taxii+json; version=2.0"}}, Body: []byte(`{}`)},
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "speaks TAXII 2.0"},
		{name: "TAXII of another version", fail: &taxiitest.Failure{Status: 200,
			Header: http.Header{"Content-Type": {"application/taxii+json;version=3.0"}}, Body: []byte(`{}`)},
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "speaks TAXII 3.0"},
		{name: "no content type", fail: &taxiitest.Failure{Status: 200, Header: http.Header{"Content-Type": nil}, Body: []byte(`{}`)},
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "sent no content type"},
		{name: "oversized body", opts: []Option{WithMaxPageBytes(1024)}, fail: body(bigEnvelope),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "more than 1 KiB in one response"},
		{name: "oversized body without a length", opts: []Option{WithMaxPageBytes(1000)},
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", MediaType)
				for range 8 {
					_, _ = io.WriteString(w, strings.Repeat(" ", 512))
					w.(http.Flusher).Flush()
				}
			},
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "more than 1000 bytes in one response"},
		{name: "envelope with more as a string", fail: body(`{"more":"yes","objects":[]}`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "envelope with numbers for objects", fail: body(`{"objects":[1,2]}`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "envelope that is an array", fail: body(`[{"type":"indicator"}]`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "envelope that is null", fail: body(`null`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "envelope cut short", fail: body(`{"more":false,"objects":[{"type":"indicator"`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "empty body", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", MediaType)
		}, wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "more with no way on", fail: body(`{"more":true,"objects":[{"type":"indicator"}]}`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "more with no objects", fail: body(`{"more":true,"next":"abc"}`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed envelope"},
		{name: "more for ever stops at the cap on pages", opts: []Option{WithMaxPages(5)},
			fail:     body(`{"more":true,"next":"abc","objects":[{"type":"indicator"}]}`),
			wantCode: vigil.EUNAVAILABLE, wantStatus: 200, wantMessage: "stopped after 5 pages"},
		{name: "more for ever stops at the cap on objects", opts: []Option{WithMaxObjects(4)},
			fail:     body(`{"more":true,"next":"abc","objects":[{"type":"indicator"},{"type":"indicator"}]}`),
			wantCode: vigil.EUNAVAILABLE, wantStatus: 200, wantMessage: "stopped after 4 objects"},
		{name: "malformed date header", fail: &taxiitest.Failure{Status: 200,
			Header: http.Header{"X-Taxii-Date-Added-Last": {"yesterday"}}, Body: []byte(`{"objects":[{"type":"indicator"}]}`)},
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed X-TAXII-Date-Added-Last header"},
		{name: "malformed discovery", call: callDiscovery, fail: body(`["http://127.0.0.1/api1/"]`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed discovery resource"},
		{name: "discovery with a wrong type", call: callDiscovery, fail: body(`{"title":"t","api_roots":"http://127.0.0.1/api1/"}`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed discovery resource"},
		{name: "collection without an id", call: collectionsOf(fixtureRoot), fail: body(`{"collections":[{"title":"no id"}]}`),
			wantCode: vigil.EINVALID, wantStatus: 200, wantMessage: "malformed collections resource"},
		{name: "server gone", down: true,
			wantCode: vigil.EUNAVAILABLE, wantRetryable: true, wantMessage: "cannot reach the TAXII server"},
		{name: "no answer in time", opts: []Option{WithTimeout(50 * time.Millisecond)},
			handler:  func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			wantCode: vigil.EUNAVAILABLE, wantRetryable: true, wantMessage: "did not answer within 50ms"},
		{name: "negative limit", call: objectsOf(fixtureRoot, fixtureColl, Query{Limit: -1}),
			wantCode: vigil.EINVALID, wantMessage: "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h http.Handler = tt.handler
			if tt.handler == nil {
				s := openServer(t, fixturePath)
				if tt.setup != nil {
					tt.setup(s)
				}
				if tt.fail != nil {
					s.Fail(*tt.fail)
				}
				h = s
			}
			c, ts := serve(t, h, tt.opts...)
			if tt.down {
				ts.Close()
			}
			do := tt.call
			if do == nil {
				do = callObjects
			}
			err := do(context.Background(), c)
			checkError(t, err, tt.wantCode, tt.wantMessage)
			var te *Error
			if !errors.As(err, &te) {
				if tt.wantStatus != 0 || tt.wantRetryable {
					t.Fatalf("error %v is not a *taxii.Error", err)
				}
				return
			}
			if te.Status != tt.wantStatus {
				t.Errorf("Status = %d, want %d", te.Status, tt.wantStatus)
			}
			if te.Retryable() != tt.wantRetryable {
				t.Errorf("Retryable() = %v, want %v", te.Retryable(), tt.wantRetryable)
			}
			if te.RetryAfter < tt.wantRetry[0] || te.RetryAfter > tt.wantRetry[1] {
				t.Errorf("RetryAfter = %v, want %v..%v", te.RetryAfter, tt.wantRetry[0], tt.wantRetry[1])
			}
			if !strings.Contains(te.Detail, tt.wantDetail) {
				t.Errorf("Detail = %q, want it to contain %q", te.Detail, tt.wantDetail)
			}
			if !strings.Contains(err.Error(), ts.URL) {
				t.Errorf("error %q does not say which URL failed", err)
			}
		})
	}
}

func checkError(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	if got := vigil.ErrorCode(err); got != code {
		t.Errorf("code %q, want %q (error: %v)", got, code, err)
	}
	if got := vigil.ErrorMessage(err); !strings.Contains(got, msg) {
		t.Errorf("message %q, want it to contain %q", got, msg)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q shows the password", err)
	}
}

// TestURLPasswordHidden checks that credentials written into the server URL stay out of errors.
func TestURLPasswordHidden(t *testing.T) {
	s := openServer(t, fixturePath)
	s.RequireBasicAuth("soc", "other")
	ts := httptest.NewServer(s)
	defer ts.Close()
	c, err := New(strings.Replace(ts.URL, "http://", "http://soc:s3cret@", 1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Discovery(context.Background())
	checkError(t, err, vigil.EUNAUTHORIZED, "refused our credentials")
}

func TestAcceptedContentTypes(t *testing.T) {
	tests := []struct{ name, contentType string }{
		{"TAXII 2.1", "application/taxii+json;version=2.1"},
		{"TAXII 2.1 with spaces and charset", "application/taxii+json; version=2.1; charset=utf-8"},
		{"TAXII without a version", "application/taxii+json"},
		{"plain JSON", "application/json"},
		{"plain JSON in capitals", "Application/JSON; charset=UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openServer(t, fixturePath)
			s.Fail(taxiitest.Failure{Status: 200, Header: http.Header{"Content-Type": {tt.contentType}},
				Body: []byte(`{"more":false,"objects":[{"type":"indicator"}]}`)})
			c, _ := serve(t, s)
			n := 0
			err := c.Objects(context.Background(), fixtureRoot, fixtureColl, Query{}, func(p Page) error {
				n += len(p.Objects)
				return nil
			})
			if err != nil || n != 1 {
				t.Errorf("got %d objects, %v; want 1 object", n, err)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, header string
		want         time.Duration
	}{
		{"absent", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"seconds with spaces", " 7 ", 7 * time.Second},
		{"zero", "0", 0},
		{"negative", "-5", 0},
		{"absurd", "99999999999", 0},
		{"HTTP date", "Sun, 01 Mar 2026 12:01:30 GMT", 90 * time.Second},
		{"HTTP date passed", "Sun, 01 Mar 2026 11:00:00 GMT", 0},
		{"garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("retryAfter(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	tests := []struct {
		name         string
		block        bool // the server never answers
		ctx          func() (context.Context, context.CancelFunc)
		cancelInPage bool // the callback cancels after the first page
		want         error
		wantRequests int
	}{
		{name: "cancelled before the first page", ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, want: context.Canceled},
		{name: "cancelled after the first page", cancelInPage: true, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, want: context.Canceled, wantRequests: 1},
		{name: "cancelled while the server thinks", block: true, ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, want: context.Canceled, wantRequests: 1},
		{name: "caller's deadline", block: true, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, want: context.DeadlineExceeded, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openServer(t, fixturePath)
			s.SetMaxPageSize(1)
			var h http.Handler = s
			if tt.block {
				h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					s.ServeHTTP(httptest.NewRecorder(), r) // count it
					<-r.Context().Done()
				})
			}
			c, _ := serve(t, h)
			ctx, cancel := tt.ctx()
			defer cancel()
			err := c.Objects(ctx, fixtureRoot, fixtureColl, Query{}, func(Page) error {
				if tt.cancelInPage {
					cancel()
				}
				return nil
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			var te *Error
			if errors.As(err, &te) {
				t.Errorf("error %v is a *taxii.Error; the caller's own cancellation should not look like a server failure", err)
			}
			if got := len(s.Requests()); got != tt.wantRequests {
				t.Errorf("%d requests, want %d", got, tt.wantRequests)
			}
		})
	}
}

// TestErrorDetailShortened checks that a long or multi-line server message is kept short and on one line.
func TestErrorDetailShortened(t *testing.T) {
	resp := &http.Response{
		Header: http.Header{"Content-Type": {"text/plain"}},
		Body:   io.NopCloser(bytes.NewReader([]byte("line one\r\nline\ttwo\x00" + strings.Repeat("y", 1000)))),
	}
	got := errorDetail(resp)
	if strings.ContainsAny(got, "\r\n\t\x00") || len([]rune(got)) > maxDetailRunes+1 || !strings.HasPrefix(got, "line one line two") {
		t.Errorf("errorDetail = %q", got)
	}
}
