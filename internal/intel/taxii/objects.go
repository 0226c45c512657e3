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
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// Query selects objects of a collection and sets the page size. The zero Query asks for
// what the server gives by default: the newest version of every object, in pages of the
// server's choosing.
type Query struct {
	// AddedAfter asks only for objects added to the collection after this time; zero means from the start.
	AddedAfter time.Time
	// Limit asks for at most this many objects per page; 0 lets the server choose. Servers may send fewer.
	Limit int
	// Types keeps only objects of these STIX types (match[type]), e.g. "indicator".
	Types []string
	// IDs keeps only objects with these STIX ids (match[id]).
	IDs []string
	// SpecVersions keeps only objects of these STIX versions (match[spec_version]); empty means the newest of each object.
	SpecVersions []string
	// Versions picks versions of each object (match[version]): "all", "first", "last" or timestamps; empty means "last".
	Versions []string
}

// values encodes the query as URL parameters.
func (q Query) values() url.Values {
	v := url.Values{}
	if !q.AddedAfter.IsZero() {
		v.Set("added_after", timestamp(q.AddedAfter))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	for name, list := range map[string][]string{
		"match[type]": q.Types, "match[id]": q.IDs, "match[spec_version]": q.SpecVersions, "match[version]": q.Versions,
	} {
		if len(list) > 0 {
			v.Set(name, strings.Join(list, ","))
		}
	}
	return v
}

// timestamp writes a time as TAXII does: RFC 3339 in UTC.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Page is one page of a collection's objects.
type Page struct {
	// Objects are the page's STIX objects, each a JSON object exactly as the server sent it.
	Objects []json.RawMessage
	// More reports whether the server has more objects after this page.
	More bool
	// Next is the server's token for the following page; empty when it sent none.
	Next string
	// DateAddedFirst is when the page's first object was added to the collection; zero when the server did not say.
	DateAddedFirst time.Time
	// DateAddedLast is when the page's last object was added; store it to resume with Query.AddedAfter.
	DateAddedLast time.Time
}

// Reader presents the page's objects as one JSON array, the input intel.ParseSTIX takes.
func (p Page) Reader() io.Reader {
	rs := make([]io.Reader, 0, 2*len(p.Objects)+1)
	rs = append(rs, strings.NewReader("["))
	for i, o := range p.Objects {
		if i > 0 {
			rs = append(rs, strings.NewReader(","))
		}
		rs = append(rs, bytes.NewReader(o))
	}
	return io.MultiReader(append(rs, strings.NewReader("]"))...)
}

// Objects pages through the objects of collection collectionID in the API root at
// rootURL, calling fn with each page in turn, an empty one included. It follows the
// server's next tokens, or, when a server says more without one, the last page's
// X-TAXII-Date-Added-Last as added_after. It stops at the last page, at the first error
// from the server, when fn returns an error (returned as it is), when ctx ends, or past
// the client's cap on pages or objects (WithMaxPages, WithMaxObjects).
//
// A server may send the same next token for every page of a paging session (medallion
// does; TAXII 2.1 allows it), so a repeated token is followed, and the caps are what stop
// a server that says "more" for ever.
func (c *Client) Objects(ctx context.Context, rootURL, collectionID string, q Query, fn func(page Page) error) error {
	u, err := c.collectionURL(rootURL, collectionID, "objects")
	if err != nil {
		return err
	}
	if q.Limit < 0 {
		return vigil.Errorf(vigil.EINVALID, "the page limit must not be negative, not %d", q.Limit)
	}
	params := q.values()
	for pages, objects := 0, 0; ; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("taxii: stopped paging %s: %w", vigil.RedactURL(u.String()), err)
		}
		pu := *u
		pu.RawQuery = params.Encode()
		p, err := c.page(ctx, &pu)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if !p.More {
			return nil
		}
		pages, objects = pages+1, objects+len(p.Objects)
		if err := c.checkCaps(&pu, pages, objects); err != nil {
			return err
		}
		if err := advance(params, p); err != nil {
			return malformed(&pu, "envelope", err)
		}
	}
}

// advance sets the parameters for the page after p, and refuses to loop forever.
func advance(params url.Values, p Page) error {
	switch {
	case len(p.Objects) == 0:
		return errors.New(`"more" is true but the page holds no objects`)
	case p.Next != "":
		params.Set("next", p.Next)
	case !p.DateAddedLast.IsZero():
		if prev, err := time.Parse(time.RFC3339Nano, params.Get("added_after")); err == nil && !p.DateAddedLast.After(prev) {
			return errors.New(`"more" is true but X-TAXII-Date-Added-Last does not move forward`)
		}
		params.Set("added_after", timestamp(p.DateAddedLast))
		params.Del("next")
	default:
		return errors.New(`"more" is true but neither "next" nor X-TAXII-Date-Added-Last says where to go on`)
	}
	return nil
}

// checkCaps stops a pull that has read as many pages or objects as one pull may.
func (c *Client) checkCaps(u *url.URL, pages, objects int) error {
	what := ""
	switch {
	case pages >= c.maxPages:
		what = fmt.Sprintf("%d pages", pages)
	case objects >= c.maxObjects:
		what = fmt.Sprintf("%d objects", objects)
	default:
		return nil
	}
	return &Error{URL: vigil.RedactURL(u.String()), Status: http.StatusOK, Err: vigil.Errorf(vigil.EUNAVAILABLE,
		"stopped after %s, the most one pull reads; the next pull goes on from the last page read", what)}
}

// page fetches and decodes one page of objects.
func (c *Client) page(ctx context.Context, u *url.URL) (Page, error) {
	resp, err := c.get(ctx, u)
	if err != nil {
		return Page{}, err
	}
	env, err := decodeEnvelope(resp.body)
	if err != nil {
		return Page{}, malformed(u, "envelope", err)
	}
	p := Page{Objects: env.Objects, More: env.More, Next: env.Next}
	if p.DateAddedFirst, err = headerTime(resp.header.Get("X-TAXII-Date-Added-First")); err != nil {
		return Page{}, malformed(u, "X-TAXII-Date-Added-First header", err)
	}
	if p.DateAddedLast, err = headerTime(resp.header.Get("X-TAXII-Date-Added-Last")); err != nil {
		return Page{}, malformed(u, "X-TAXII-Date-Added-Last header", err)
	}
	return p, nil
}

// headerTime reads a TAXII timestamp header; absent is the zero time.
func headerTime(h string) (time.Time, error) {
	if h = strings.TrimSpace(h); h == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, h)
}

// envelope is the TAXII 2.1 envelope the objects endpoint answers with.
type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next"`
	Objects []json.RawMessage `json:"objects"`
}

// decodeEnvelope decodes an envelope and checks that each object is a JSON object.
func decodeEnvelope(b []byte) (envelope, error) {
	var env envelope
	if err := decodeObject(b, &env); err != nil {
		return envelope{}, err
	}
	for i, o := range env.Objects {
		if len(o) == 0 || o[0] != '{' {
			return envelope{}, fmt.Errorf("objects[%d] is not a JSON object", i)
		}
	}
	return env, nil
}
