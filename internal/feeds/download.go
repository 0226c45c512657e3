package feeds

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/vigil-health/vigil"
)

// Download fetches a whole file (an OSV zip, the KEV catalogue, the EPSS scores) from u
// with a conditional GET from prev's validators, into a new temporary file in dir (the
// system's when empty), capped at max bytes (MaxBodyBytes when 0). It returns the file's
// path, which the caller removes, and the validators for the next pull; notModified
// says the source answered 304 and nothing was written. client should come from
// NewClient, which refuses private addresses; nil means NewClient(nil, nil).
func Download(ctx context.Context, client *http.Client, name, u string, prev State, max int64, dir string) (path string, next State, notModified bool, err error) {
	f := feed{Feed: vigil.Feed{Name: name, URL: u}}
	if err := checkURL(f); err != nil {
		return "", prev, false, err
	}
	if client == nil {
		client = defaultClient
	}
	if max <= 0 {
		max = MaxBodyBytes
	}
	resp, err := get(ctx, client, f, u, conditional(prev))
	if err != nil {
		return "", prev, false, err
	}
	defer drainClose(resp.Body)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return "", prev, true, nil
	case resp.StatusCode != http.StatusOK:
		return "", prev, false, statusError(u, resp)
	case isWebPage(resp.Header.Get("Content-Type")):
		return "", prev, false, fmt.Errorf("fetch %s: the server sent a web page (text/html), not the file; check the URL", redact(u))
	}
	path, err = saveBody(resp.Body, u, max, dir)
	if err != nil {
		return "", prev, false, err
	}
	return path, State{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, false, nil
}

// saveBody writes a response body to a temporary file, failing rather than truncating
// when it is larger than max or breaks off.
func saveBody(body io.Reader, u string, max int64, dir string) (string, error) {
	out, err := os.CreateTemp(dir, "vigil-download-*")
	if err != nil {
		return "", step(err, "fetch %s", redact(u))
	}
	cb := newCappedBody(body, max)
	_, err = io.Copy(out, cb)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	switch {
	case cb.err != nil:
		err = step(unwrapURLError(cb.err), "fetch %s: reading the response", redact(u))
	case err != nil:
		err = step(err, "fetch %s", redact(u))
	case cb.read == 0:
		err = fmt.Errorf("fetch %s: the response was empty", redact(u))
	}
	if err != nil {
		_ = os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}
