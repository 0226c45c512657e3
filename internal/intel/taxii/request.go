package taxii

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/vigil-health/vigil"
)

// response is a successful answer: its body, read in full, and its headers.
type response struct {
	body   []byte
	header http.Header
}

// get fetches u and returns a 200 OK TAXII response. Failures are *Errors, except that
// when ctx ends the error wraps ctx.Err().
func (c *Client) get(ctx context.Context, u *url.URL) (*response, error) {
	where := vigil.RedactURL(u.String()) // no password, no query values: it reaches logs
	reqCtx := ctx
	if c.timeout > 0 {
		var cancel context.CancelFunc
		reqCtx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{URL: where, Err: vigil.Errorf(vigil.EINVALID, "cannot make a request for this URL"), Cause: err}
	}
	c.setHeaders(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, where, vigil.HideSecrets(err, vigil.URLSecrets(u)))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(where, resp)
	}
	if verr := checkMediaType(resp.Header.Get("Content-Type")); verr != nil {
		return nil, &Error{URL: where, Status: resp.StatusCode, Err: verr}
	}
	if resp.ContentLength > c.maxBytes {
		return nil, c.tooBig(where)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return nil, c.transportError(ctx, where, err)
	}
	if int64(len(body)) > c.maxBytes {
		return nil, c.tooBig(where)
	}
	return &response{body: body, header: resp.Header}, nil
}

// transportError explains a request that got no complete answer. The caller's own
// cancellation is passed through as it is; anything else may work if tried again.
func (c *Client) transportError(ctx context.Context, where string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("taxii: GET %s: %w", where, ctx.Err())
	}
	msg := "cannot reach the TAXII server; check the address and the network, or try again later"
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("the TAXII server did not answer within %s; try again later", c.timeout)
	}
	return &Error{URL: where, Err: vigil.Errorf(vigil.EUNAVAILABLE, "%s", msg), Cause: err}
}

func (c *Client) tooBig(where string) *Error {
	return &Error{URL: where, Status: http.StatusOK, Err: vigil.Errorf(vigil.EINVALID,
		"the TAXII server sent more than %s in one response; ask for fewer objects per page or raise the cap",
		sizeName(c.maxBytes))}
}

// getJSON fetches u and decodes the JSON object it returns into v; what names the
// resource in the error when it is malformed.
func (c *Client) getJSON(ctx context.Context, u *url.URL, what string, v any) error {
	resp, err := c.get(ctx, u)
	if err != nil {
		return err
	}
	if err := decodeObject(resp.body, v); err != nil {
		return malformed(u, what, err)
	}
	return nil
}

// decodeObject decodes a JSON object (not null, not an array) into v.
func decodeObject(b []byte, v any) error {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return errors.New("not a JSON object")
	}
	return json.Unmarshal(b, v)
}

func malformed(u *url.URL, what string, cause error) *Error {
	return &Error{URL: vigil.RedactURL(u.String()), Status: http.StatusOK, Cause: cause,
		Err: vigil.Errorf(vigil.EINVALID, "the TAXII server sent a malformed %s", what)}
}
