package taxii

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

const (
	// MediaType is the media type the client asks for: TAXII 2.1 JSON.
	MediaType = "application/taxii+json;version=2.1"
	// DefaultMaxPageBytes caps one response body unless WithMaxPageBytes says otherwise.
	DefaultMaxPageBytes = 64 << 20
	// DefaultMaxPages caps the pages one call of Objects reads unless WithMaxPages says otherwise.
	DefaultMaxPages = 10_000
	// DefaultMaxObjects caps the objects one call of Objects reads unless WithMaxObjects says otherwise.
	DefaultMaxObjects = 5_000_000
	// DefaultPageLimit is the page size Pull asks for. Sending a limit with every request
	// also keeps servers that need one on follow-up pages (medallion) working.
	DefaultPageLimit = 1000
	// DefaultTimeout bounds one request, reading the body included, unless WithTimeout says otherwise.
	DefaultTimeout = 2 * time.Minute
	// DefaultUserAgent is the User-Agent sent unless WithUserAgent says otherwise.
	DefaultUserAgent = "vigil-taxii/2.1"
)

// maxRedirects is how many redirects one request follows.
const maxRedirects = 10

// Client talks to one TAXII 2.1 server. It is safe for concurrent use.
type Client struct {
	discovery *url.URL
	http      *http.Client
	userAgent string
	timeout   time.Duration
	maxBytes  int64
	// maxPages and maxObjects cap one call of Objects.
	maxPages, maxObjects int

	basic              bool
	username, password string
	bearer             string
	keyHeader, key     string

	optErr error // the first invalid option, reported by New
}

// Option configures a Client in New.
type Option func(*Client)

// WithBasicAuth sends HTTP basic credentials with every request.
func WithBasicAuth(username, password string) Option {
	return func(c *Client) { c.basic, c.username, c.password = true, username, password }
}

// WithBearerToken sends "Authorization: Bearer token" with every request.
func WithBearerToken(token string) Option {
	return func(c *Client) {
		if token == "" {
			c.invalid("the bearer token is empty")
		}
		c.bearer = token
	}
}

// WithAPIKey sends key in the request header named header (e.g. "X-API-Key") with every
// request. It may be combined with basic auth or a bearer token.
func WithAPIKey(header, key string) Option {
	return func(c *Client) {
		if !validHeaderName(header) {
			c.invalid("%q is not a valid HTTP header name for the API key", header)
		}
		c.keyHeader, c.key = header, key
	}
}

// WithHTTPClient makes requests with hc (for proxies, TLS settings or client certificates).
// The Client uses a copy of hc; unless hc has its own CheckRedirect, credentials are not
// sent on when a redirect leads to another host.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc == nil {
			c.invalid("the HTTP client is nil")
			return
		}
		cp := *hc
		c.http = &cp
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// WithTimeout bounds each request, reading its body included; 0 or less means no bound
// other than the caller's context.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithMaxPages caps the pages one call of Objects reads.
func WithMaxPages(n int) Option {
	return func(c *Client) {
		if n <= 0 {
			c.invalid("the cap on pages must be positive, not %d", n)
		}
		c.maxPages = n
	}
}

// WithMaxObjects caps the objects one call of Objects reads.
func WithMaxObjects(n int) Option {
	return func(c *Client) {
		if n <= 0 {
			c.invalid("the cap on objects must be positive, not %d", n)
		}
		c.maxObjects = n
	}
}

// WithMaxPageBytes caps the size of one response body, such as one page of objects.
func WithMaxPageBytes(n int64) Option {
	return func(c *Client) {
		if n <= 0 {
			c.invalid("the page size cap must be positive, not %d", n)
		}
		c.maxBytes = n
	}
}

func (c *Client) invalid(format string, args ...any) {
	if c.optErr == nil {
		c.optErr = vigil.Errorf(vigil.EINVALID, format, args...)
	}
}

// New returns a Client for the TAXII server at base. A base with no path ("https://host")
// means the discovery resource is at /taxii2/; a base with a path is the discovery URL
// itself.
func New(base string, opts ...Option) (*Client, error) {
	u, err := parseHTTPURL(base)
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "the TAXII server address %q is not usable: %s", vigil.RedactURL(base), err)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/taxii2/"
	}
	u.Path, u.RawPath = withSlash(u.Path), ""
	c := &Client{discovery: u, userAgent: DefaultUserAgent, timeout: DefaultTimeout, maxBytes: DefaultMaxPageBytes,
		maxPages: DefaultMaxPages, maxObjects: DefaultMaxObjects}
	for _, o := range opts {
		o(c)
	}
	if c.optErr != nil {
		return nil, c.optErr
	}
	if c.basic && c.bearer != "" {
		return nil, vigil.Errorf(vigil.EINVALID, "choose basic auth or a bearer token for the TAXII server, not both")
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.http.CheckRedirect == nil {
		c.http.CheckRedirect = c.checkRedirect
	}
	return c, nil
}

// DiscoveryURL returns the URL of the server's discovery resource.
func (c *Client) DiscoveryURL() string { return c.discovery.String() }

// parseHTTPURL parses an absolute http or https URL.
func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("it must start with https:// (or http://)")
	}
	if u.Host == "" {
		return nil, errors.New("it names no host")
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func withSlash(p string) string {
	if strings.HasSuffix(p, "/") {
		return p
	}
	return p + "/"
}

// validHeaderName reports whether s is an HTTP header field name (an RFC 9110 token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > '~' || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// rootURL resolves an API root URL, absolute or relative to the discovery URL.
func (c *Client) rootURL(root string) (*url.URL, error) {
	ref, err := url.Parse(root)
	if root == "" || err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "%q is not an API root URL", vigil.RedactURL(root))
	}
	u, err := parseHTTPURL(c.discovery.ResolveReference(ref).String())
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "the API root %q is not usable: %s", vigil.RedactURL(root), err)
	}
	u.Path, u.RawPath, u.RawQuery = withSlash(u.Path), "", ""
	return u, nil
}

// collectionURL returns {root}/collections/{id}/ followed by more path segments.
func (c *Client) collectionURL(root, id string, more ...string) (*url.URL, error) {
	u, err := c.rootURL(root)
	if err != nil {
		return nil, err
	}
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/?#\\") {
		return nil, vigil.Errorf(vigil.EINVALID, "%q is not a TAXII collection id", id)
	}
	elems := append([]string{"collections", id}, more...)
	elems[len(elems)-1] += "/"
	return u.JoinPath(elems...), nil
}

// checkRedirect follows up to maxRedirects redirects and keeps credentials from hosts
// other than the one they were given for.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if orig := via[0].URL; req.URL.Scheme != orig.Scheme || req.URL.Host != orig.Host {
		req.Header.Del("Authorization")
		if c.keyHeader != "" {
			req.Header.Del(c.keyHeader)
		}
	}
	return nil
}

// setHeaders adds the Accept, User-Agent and credential headers to a request.
func (c *Client) setHeaders(req *http.Request) {
	req.Header.Set("Accept", MediaType)
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	switch {
	case c.basic:
		req.SetBasicAuth(c.username, c.password)
	case c.bearer != "":
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.keyHeader != "" {
		req.Header.Set(c.keyHeader, c.key)
	}
}
