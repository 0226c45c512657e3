package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/vigil-health/vigil"
)

// MaxBodyBytes caps one downloaded file (a list, a MISP event). The largest public lists
// (full Maltrail, abuse.ch exports) are a few hundred MB uncompressed; a response larger
// than this is a misconfigured URL or a hostile server, and the pull fails rather than
// filling the disk or memory of the caller's store.
const MaxBodyBytes int64 = 2 << 30

// UserAgent is sent with every feed request so publishers can tell vigil's pulls apart.
const UserAgent = "vigil-feeds/1"

// defaultClient is used when Fetch is given none: its timeout bounds a whole pull
// request, body included, and it refuses private addresses (NewClient).
var defaultClient = NewClient(nil, nil)

// get sends a GET for u with the feed's credentials and extra headers. It returns the
// response whatever its status; the caller closes the body.
func get(ctx context.Context, client *http.Client, f feed, u string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, step(unwrapURLError(err), "fetch %s: not a usable URL", redact(u))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", UserAgent)
	if err := authorise(req, f); err != nil {
		return nil, err
	}
	resp, err := withStall(client, req)
	if errors.Is(err, ErrPrivateAddress) {
		return nil, step(refusedAt(u, err), "fetch %s", redact(u)) // and nothing of the dial
	}
	if err != nil {
		return nil, step(vigil.HideSecrets(unwrapURLError(err), vigil.URLSecrets(req.URL)), "fetch %s", redact(u))
	}
	return resp, nil
}

// checkURL refuses a feed URL that is not an absolute http or https URL, before any
// request is made, with a message that says what to fix.
func checkURL(f feed) error {
	u, err := url.Parse(f.URL)
	switch {
	case err != nil || f.URL == "":
		return fmt.Errorf("feed %q: %q is not a URL; give the address the feed is published at", f.Name, redact(f.URL))
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("feed %q: the URL %s must start with https:// (or http://)", f.Name, redact(f.URL))
	case u.Host == "":
		return fmt.Errorf("feed %q: the URL %s names no host", f.Name, redact(f.URL))
	}
	return nil
}

// authorise adds the feed's basic credentials or bearer token to req.
func authorise(req *http.Request, f feed) error {
	basic := f.Username != "" || f.Password != ""
	switch {
	case basic && f.Token != "":
		return fmt.Errorf("feed %q: choose basic auth (username and password) or a bearer token, not both", f.Name)
	case basic:
		req.SetBasicAuth(f.Username, f.Password)
	case f.Token != "":
		req.Header.Set("Authorization", "Bearer "+f.Token)
	}
	return nil
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the URL with any
// password in it; the caller names the redacted URL itself.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// statusError explains a response that is not 200 OK, naming the status and the URL.
func statusError(u string, resp *http.Response) error {
	msg := fmt.Sprintf("fetch %s: %s", redact(u), resp.Status)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		msg += " (check the feed's username and password or token" + keyInURL(u) + ")"
	case http.StatusNotFound:
		msg += " (check the feed's URL)"
	}
	if resp.StatusCode >= 500 {
		msg += " (the source's server failed; try again later, or tell whoever runs it if it goes on)"
	}
	return errors.New(msg)
}

// keyInURL is ", or the key in its URL" when u has a query, where many publishers
// take their key; "" otherwise.
func keyInURL(u string) string {
	if p, err := url.Parse(u); err == nil && p.RawQuery != "" {
		return ", or the key in its URL"
	}
	return ""
}

// redact returns u fit for an error message (vigil.RedactURL).
func redact(u string) string { return vigil.RedactURL(u) }

// errTooLarge is what a capped body returns past its cap.
var errTooLarge = fmt.Errorf("the response is larger than %d MiB; check the URL, or split the feed", MaxBodyBytes>>20)

// cappedBody reads at most max bytes and then fails, rather than truncating silently.
// It remembers the first read error that is not io.EOF: the parsers count a broken
// input as a problem and go on, so the fetcher asks afterwards whether the download
// itself was whole.
type cappedBody struct {
	r    io.Reader
	left int64
	read int64
	err  error
}

func newCappedBody(r io.Reader, max int64) *cappedBody { return &cappedBody{r: r, left: max} }

// Read implements io.Reader.
func (b *cappedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.left <= 0 {
		return b.probe()
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	b.read += int64(n)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// probe reads past the cap: one more byte means the body is too large.
func (b *cappedBody) probe() (int, error) {
	var one [1]byte
	n, err := b.r.Read(one[:])
	switch {
	case n > 0:
		b.err = errTooLarge
		return 0, b.err
	case err != nil && err != io.EOF:
		b.err = err
	}
	return 0, err
}
