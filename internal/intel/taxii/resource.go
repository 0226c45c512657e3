package taxii

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/vigil-health/vigil"
)

// Discovery is a TAXII server's discovery resource: who runs it and where its API roots are.
type Discovery struct {
	// Title is the server's human-readable name.
	Title string `json:"title"`
	// Description says what the server offers.
	Description string `json:"description,omitempty"`
	// Contact is how to reach the server's operator.
	Contact string `json:"contact,omitempty"`
	// Default is the API root the server suggests, as an absolute URL; empty when none.
	Default string `json:"default,omitempty"`
	// APIRoots are the URLs of the server's API roots, made absolute.
	APIRoots []string `json:"api_roots,omitempty"`
}

// APIRoot describes one API root: a group of collections, often one trust group.
type APIRoot struct {
	// Title is the API root's human-readable name.
	Title string `json:"title"`
	// Description says what the API root holds.
	Description string `json:"description,omitempty"`
	// Versions are the TAXII media types the API root speaks, e.g. "application/taxii+json;version=2.1".
	Versions []string `json:"versions"`
	// MaxContentLength is the largest request body, in bytes, the API root accepts.
	MaxContentLength int64 `json:"max_content_length"`
}

// Collection describes one collection of STIX objects.
type Collection struct {
	// ID identifies the collection within its API root; it goes in the collection's URL.
	ID string `json:"id"`
	// Title is the collection's human-readable name.
	Title string `json:"title"`
	// Description says what the collection holds.
	Description string `json:"description,omitempty"`
	// Alias is a human-friendly alternative to ID, when the server gives one.
	Alias string `json:"alias,omitempty"`
	// CanRead reports whether our credentials may read the collection's objects.
	CanRead bool `json:"can_read"`
	// CanWrite reports whether our credentials may add objects to the collection.
	CanWrite bool `json:"can_write"`
	// MediaTypes are the STIX media types the collection holds, e.g. "application/stix+json;version=2.1".
	MediaTypes []string `json:"media_types,omitempty"`
}

// Discovery fetches the server's discovery resource. Relative API root URLs in it are
// resolved against the discovery URL.
func (c *Client) Discovery(ctx context.Context) (*Discovery, error) {
	var d Discovery
	if err := c.getJSON(ctx, c.discovery, "discovery resource", &d); err != nil {
		return nil, err
	}
	d.Default = c.absolute(d.Default)
	for i, r := range d.APIRoots {
		d.APIRoots[i] = c.absolute(r)
	}
	return &d, nil
}

// absolute resolves a URL from the discovery resource; one that does not parse is kept
// as it is, for APIRoot to refuse with a clear error.
func (c *Client) absolute(s string) string {
	ref, err := url.Parse(s)
	if s == "" || err != nil {
		return s
	}
	return c.discovery.ResolveReference(ref).String()
}

// IsDiscoveryURL reports whether u is where TAXII 2.1 puts a server's discovery resource
// (a path ending in /taxii2/) rather than an API root.
func IsDiscoveryURL(u string) bool {
	pu, err := url.Parse(u)
	return err == nil && (pu.Path == "" || pu.Path == "/" || strings.HasSuffix(withSlash(pu.Path), "/taxii2/"))
}

// DefaultRoot reads the discovery resource and returns the API root to use: the one the
// server names as default, or its only one. With several and no default it says which
// there are, so a person can choose one.
func (c *Client) DefaultRoot(ctx context.Context) (string, error) {
	d, err := c.Discovery(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case d.Default != "":
		return d.Default, nil
	case len(d.APIRoots) == 1:
		return d.APIRoots[0], nil
	case len(d.APIRoots) == 0:
		return "", vigil.Errorf(vigil.EINVALID, "the TAXII server at %s lists no API roots; ask its operator for the API root to use", vigil.RedactURL(c.discovery.String()))
	}
	return "", vigil.Errorf(vigil.EINVALID, "the TAXII server at %s has %d API roots and names none as default; use one of them as the feed's address: %s",
		vigil.RedactURL(c.discovery.String()), len(d.APIRoots), strings.Join(d.APIRoots, ", "))
}

// APIRoot fetches the API root resource at rootURL: an absolute URL, or one relative
// to the discovery URL such as "/api1/".
func (c *Client) APIRoot(ctx context.Context, rootURL string) (*APIRoot, error) {
	u, err := c.rootURL(rootURL)
	if err != nil {
		return nil, err
	}
	var r APIRoot
	if err := c.getJSON(ctx, u, "API root resource", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Collections lists the collections of the API root at rootURL; none is an empty list.
func (c *Client) Collections(ctx context.Context, rootURL string) ([]Collection, error) {
	u, err := c.rootURL(rootURL)
	if err != nil {
		return nil, err
	}
	u = u.JoinPath("collections/")
	var resp struct {
		Collections []Collection `json:"collections"`
	}
	if err := c.getJSON(ctx, u, "collections resource", &resp); err != nil {
		return nil, err
	}
	for _, col := range resp.Collections {
		if col.ID == "" {
			return nil, malformed(u, "collections resource", errors.New("a collection has no id"))
		}
	}
	return resp.Collections, nil
}

// Collection fetches the collection resource with the given id in the API root at rootURL.
func (c *Client) Collection(ctx context.Context, rootURL, id string) (*Collection, error) {
	u, err := c.collectionURL(rootURL, id)
	if err != nil {
		return nil, err
	}
	var col Collection
	if err := c.getJSON(ctx, u, "collection resource", &col); err != nil {
		return nil, err
	}
	if col.ID == "" {
		return nil, malformed(u, "collection resource", errors.New("the collection has no id"))
	}
	return &col, nil
}
