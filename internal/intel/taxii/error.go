package taxii

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vigil-health/vigil"
)

// Error is a TAXII request that failed: which URL, what the server answered and what
// vigil makes of it. vigil.ErrorCode and vigil.ErrorMessage read the *vigil.Error it wraps.
type Error struct {
	// URL is the request's URL, with any password in it removed.
	URL string
	// Status is the HTTP status the server answered with; 0 when no answer arrived.
	Status int
	// RetryAfter is how long the server asked us to wait before trying again; 0 when it did not say.
	RetryAfter time.Duration
	// Detail is what the server said about the failure (its error title and description), shortened.
	Detail string
	// Err says what went wrong in words for users, with a vigil error code.
	Err *vigil.Error
	// Cause is the underlying failure, such as a network or JSON error; nil when there is none.
	Cause error
}

// Error describes the failure for the log: URL, status, meaning, server detail and cause.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "taxii: GET %s", e.URL)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Status, http.StatusText(e.Status))
	}
	fmt.Fprintf(&b, ": %s", e.Err.Message)
	if e.Detail != "" {
		fmt.Fprintf(&b, " (server says %q)", e.Detail)
	}
	if e.Cause != nil {
		fmt.Fprintf(&b, ": %v", e.Cause)
	}
	return b.String()
}

// Unwrap returns the *vigil.Error and the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// Retryable reports whether the same request may succeed later: the server was busy,
// failed, or could not be reached in time.
func (e *Error) Retryable() bool {
	switch e.Status {
	case 0, http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return e.Err.Code == vigil.EUNAVAILABLE
	}
	return false
}

// statusError explains a response whose status is not 200 OK.
func statusError(u string, resp *http.Response) *Error {
	e := &Error{URL: u, Status: resp.StatusCode, Detail: errorDetail(resp)}
	switch s := resp.StatusCode; s {
	case http.StatusUnauthorized:
		e.Err = vigil.Errorf(vigil.EUNAUTHORIZED,
			"the TAXII server refused our credentials; check the username and password, token or API key")
	case http.StatusForbidden:
		e.Err = vigil.Errorf(vigil.EFORBIDDEN,
			"the TAXII server refused our credentials for this resource; ask its operator to grant the account read access")
	case http.StatusNotFound:
		e.Err = vigil.Errorf(vigil.ENOTFOUND,
			"no such API root or collection on the TAXII server; check the URL and the collection id")
	case http.StatusNotAcceptable, http.StatusUnsupportedMediaType:
		e.Err = vigil.Errorf(vigil.EINVALID,
			"the TAXII server does not speak TAXII 2.1 (it refused %s); it may only offer TAXII 2.0 or 1.x, which vigil cannot read", MediaType)
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		e.Err = vigil.Errorf(vigil.EUNAVAILABLE, "the TAXII server is busy; %s", waitAdvice(e.RetryAfter))
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		e.Err = vigil.Errorf(vigil.EUNAVAILABLE, "the TAXII server failed to answer; try again later")
	default:
		e.Err = vigil.Errorf(vigil.EINVALID, "the TAXII server rejected the request with status %d", s)
	}
	return e
}

func waitAdvice(d time.Duration) string {
	if d <= 0 {
		return "try again later"
	}
	return "try again in " + d.String()
}

// retryAfter reads a Retry-After header: seconds or an HTTP date. It returns 0 when the
// header is absent, unreadable or in the past.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n <= 0 || n > int64(24*time.Hour/time.Second)*365 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now).Round(time.Second)
	}
	return 0
}

// maxDetail bounds how much of an error body is read and how much of it is kept.
const (
	maxDetailBytes = 16 << 10
	maxDetailRunes = 300
)

// errorDetail reads what a server said in an error response: a TAXII error message's
// title and description, or a short plain-text body.
func errorDetail(resp *http.Response) string {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDetailBytes))
	if err != nil || len(b) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var msg struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	switch {
	case json.Unmarshal(b, &msg) == nil:
		return shorten(strings.TrimSuffix(msg.Title+": "+msg.Description, ": "))
	case mt == "text/plain":
		return shorten(string(b))
	}
	return ""
}

// shorten makes server text safe to log on one line and bounds its length.
func shorten(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }), " ")
	s = strings.TrimPrefix(s, ": ")
	if r := []rune(s); len(r) > maxDetailRunes {
		return string(r[:maxDetailRunes]) + "…"
	}
	return s
}

// checkMediaType accepts TAXII 2.1 JSON and plain JSON, and explains anything else.
func checkMediaType(ct string) *vigil.Error {
	mt, params, err := mime.ParseMediaType(ct)
	switch {
	case err != nil && ct == "":
		return vigil.Errorf(vigil.EINVALID, "the TAXII server sent no content type; check that the URL points at a TAXII 2.1 server")
	case err != nil:
	case mt == "application/json":
		return nil
	case mt == "application/taxii+json":
		if v := params["version"]; v != "" && v != "2.1" {
			return vigil.Errorf(vigil.EINVALID, "the TAXII server speaks TAXII %s; vigil reads TAXII 2.1", shorten(v))
		}
		return nil
	case mt == "application/vnd.oasis.taxii+json":
		return vigil.Errorf(vigil.EINVALID, "the TAXII server speaks TAXII 2.0; vigil reads TAXII 2.1")
	}
	return vigil.Errorf(vigil.EINVALID,
		"the TAXII server answered with %q, not TAXII 2.1 JSON; check that the URL points at a TAXII 2.1 server", shorten(ct))
}

// sizeName writes a byte count the way people say it: "64 MiB", "1 KiB", "300 bytes".
func sizeName(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
