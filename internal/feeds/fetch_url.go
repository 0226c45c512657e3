package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// fetchURL pulls a plain list or CSV with a conditional GET and parses the whole body.
func fetchURL(ctx context.Context, client *http.Client, f feed, prev State, emit func(vigil.Indicator)) (Result, error) {
	resp, err := get(ctx, client, f, f.URL, conditional(prev))
	if err != nil {
		return Result{}, err
	}
	defer drainClose(resp.Body)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return Result{NotModified: true, State: prev}, nil
	case resp.StatusCode != http.StatusOK:
		return Result{}, statusError(f.URL, resp)
	case isWebPage(resp.Header.Get("Content-Type")):
		return Result{}, fmt.Errorf("fetch %s: the server sent a web page (text/html), not a list; check the URL and the credentials", redact(f.URL))
	}
	rep, err := parseBody(resp.Body, f.URL, f, emit)
	if err != nil {
		return Result{Report: rep}, err
	}
	next := State{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	return Result{Complete: true, State: next, Report: rep}, nil
}

// conditional returns the validators of the last pull as request headers.
func conditional(prev State) http.Header {
	h := http.Header{}
	if prev.ETag != "" {
		h.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		h.Set("If-Modified-Since", prev.LastModified)
	}
	return h
}

// parseBody streams one downloaded file through the intel loader (format detected, gzip
// unwrapped). It fails when the download broke off, was empty, or could not be parsed
// to its end: in each case the indicators seen are not the source's whole set.
func parseBody(body io.Reader, u string, f feed, emit func(vigil.Indicator)) (*intel.Report, error) {
	cb := newCappedBody(body, MaxBodyBytes)
	rep, err := intel.LoadReaderLimited(cb, redact(u), f.lim, f.opts, emit)
	var tooBig *intel.TooLargeError
	switch {
	case errors.As(err, &tooBig):
		return rep, step(err, "fetch %s", redact(u))
	case cb.err != nil:
		return rep, step(unwrapURLError(cb.err), "fetch %s: reading the response", redact(u))
	case err != nil:
		return rep, step(err, "parse %s", redact(u))
	case cb.read == 0:
		return rep, fmt.Errorf("fetch %s: the response was empty; the previous indicators are kept", redact(u))
	case rep.Failed > 0:
		return rep, fmt.Errorf("parse %s: %s", redact(u), firstFailure(rep))
	}
	return rep, nil
}

// firstFailure is the reason of the first input the report says could not be read.
func firstFailure(rep *intel.Report) string {
	for _, p := range rep.Problems {
		if p.Kind == intel.ProblemFailed {
			return p.Reason
		}
	}
	return "the input could not be read to its end"
}

// isWebPage tells an HTML page (a login or error page answered with 200) from a feed.
func isWebPage(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// drainClose reads a little of what is left so the connection can be reused, then closes.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 64<<10)
	_ = body.Close()
}
