package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
)

// unavailableRetry is how long a client is asked to wait before retrying a 503.
const unavailableRetry = 10 * time.Second

// Status returns the HTTP status for a vigil error code. It is the one place where
// error codes meet HTTP; invalid input is 422 (see the package documentation).
func Status(code string) int {
	switch code {
	case vigil.EINVALID:
		return http.StatusUnprocessableEntity
	case vigil.ENOTFOUND:
		return http.StatusNotFound
	case vigil.ECONFLICT:
		return http.StatusConflict
	case vigil.EFORBIDDEN:
		return http.StatusForbidden
	case vigil.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case vigil.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// throttled is returned when a caller has to slow down: 429 with Retry-After.
type throttled struct {
	message string
	after   time.Duration
}

func (e *throttled) Error() string { return "throttled: " + e.message }

// Problem turns err into the RFC 9457 problem a client sees and the headers that go
// with it, and logs what the client must not see: the detail of internal errors. A
// huma.StatusError (a problem huma or a handler already made) passes through.
func Problem(ctx context.Context, log *slog.Logger, err error) (*huma.ErrorModel, http.Header) {
	id := RequestIDFrom(ctx)
	h := http.Header{}
	var em *huma.ErrorModel
	var th *throttled
	switch {
	case errors.As(err, &em):
		return redacted(em), h
	case errors.As(err, &th):
		h.Set("Retry-After", seconds(th.after))
		return newProblem(http.StatusTooManyRequests, th.message, id), h
	}
	code := vigil.ErrorCode(err)
	status := Status(code)
	msg := vigil.ErrorMessage(err)
	switch code {
	case vigil.EINTERNAL:
		log.ErrorContext(ctx, "internal error", slog.String("request_id", id), slog.Any("error", err))
		msg = "something went wrong on our side; if it keeps happening, tell the sector centre and quote request " + id
	case vigil.EUNAVAILABLE:
		h.Set("Retry-After", seconds(unavailableRetry))
	case vigil.EUNAUTHORIZED:
		h.Set("WWW-Authenticate", `Bearer realm="vigil"`)
	}
	return newProblem(status, msg, id), h
}

func newProblem(status int, detail, requestID string) *huma.ErrorModel {
	p := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: detail}
	if requestID != "" {
		p.Instance = "urn:vigil:request:" + requestID
	}
	return p
}

func seconds(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}

// problemError is Problem as the error a huma handler returns.
func problemError(ctx context.Context, log *slog.Logger, err error) error {
	p, h := Problem(ctx, log, err)
	if len(h) == 0 {
		return p
	}
	return huma.ErrorWithHeaders(p, h)
}

// WriteError answers a plain net/http request with the problem for err, for the web
// layer's own refusals (a bad token, a cross-origin request, a panic).
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p, h := Problem(r.Context(), log, err)
	for k, vs := range h {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// Bounds on what a problem echoes of a request.
const (
	maxEchoed       = 200 // maxEchoed caps an echoed value, location or message, in characters.
	maxErrorDetails = 20  // maxErrorDetails caps the list of errors in one problem.
)

// secretFields are parts of a field name whose values a problem never echoes. A URL is
// among them: a webhook's URL is its credential, and a feed's may carry a key.
var secretFields = []string{"password", "passphrase", "token", "secret", "session", "cookie", "authorization",
	"username", "url"}

// redacted returns p as a client may see it: no echoed value of a password, token or
// other secret field, no echoed object or array (huma echoes a whole body for an
// unexpected property, password and all), every echoed string, location and message cut
// to maxEchoed characters, and at most maxErrorDetails errors.
func redacted(p *huma.ErrorModel) *huma.ErrorModel {
	if p == nil || len(p.Errors) == 0 && utf8.RuneCountInString(p.Detail) <= 4*maxEchoed {
		return p
	}
	out := *p
	out.Detail = cut(p.Detail, 4*maxEchoed)
	out.Errors = make([]*huma.ErrorDetail, 0, min(len(p.Errors), maxErrorDetails+1))
	for i, d := range p.Errors {
		if i == maxErrorDetails {
			out.Errors = append(out.Errors, &huma.ErrorDetail{Message: strconv.Itoa(len(p.Errors)-i) + " more errors left out"})
			break
		}
		if d == nil {
			continue
		}
		out.Errors = append(out.Errors, &huma.ErrorDetail{Message: cut(d.Message, maxEchoed),
			Location: cut(d.Location, maxEchoed), Value: echoable(d.Location, d.Value)})
	}
	return &out
}

// echoable is what of value, found at location, a problem may echo: a number or a true
// or false as it is, a string cut to maxEchoed characters, and nothing of a secret field
// or of an object or array. Nothing is echoed for the body as a whole either: huma gives
// a body that is not JSON as the value, raw, password and all.
func echoable(location string, value any) any {
	loc := strings.ToLower(location)
	if loc == "" || loc == "body" {
		return nil
	}
	for _, f := range secretFields {
		if strings.Contains(loc, f) {
			return nil
		}
	}
	switch v := value.(type) {
	case string:
		return cut(v, maxEchoed)
	case bool, float64, float32, int, int64, int32, uint, uint64, uint32, json.Number:
		return v
	}
	return nil
}

// cut shortens s to at most n characters, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// redactProblems is the huma transformer that passes every problem huma writes, its
// own validation errors included, through redacted.
func redactProblems(_ huma.Context, _ string, v any) (any, error) {
	var em *huma.ErrorModel
	if err, ok := v.(error); ok && errors.As(err, &em) {
		return redacted(em), nil
	}
	return v, nil
}
