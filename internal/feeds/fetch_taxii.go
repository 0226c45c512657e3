package feeds

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/intel/taxii"
)

// fetchTAXII pulls the objects added to a TAXII 2.1 collection since prev.AddedAfter,
// following the server's paging, and keeps the newest date added for the next pull. The
// feed's address may be an API root or the server's discovery address (its default or
// only API root is then used).
//
// A page the STIX parser cannot read is counted as failed in the report and the pull
// goes on past it: stopping would leave the feed stuck on that page for ever. A pull that
// fails part way keeps the pages it finished (Result.Partial): their indicators were
// emitted and State resumes after them. Identities and TLP markings the collection has
// defined are kept in State, so a later delta pull's indicators that refer to them are
// marked as the collection meant.
func fetchTAXII(ctx context.Context, client *http.Client, f feed, prev State, emit func(vigil.Indicator)) (Result, error) {
	if f.Collection == "" {
		return Result{}, fmt.Errorf("feed %q: a TAXII feed needs the id of the collection to read", f.Name)
	}
	c, err := taxiiClient(limitBodies(client, f.lim), f)
	if err != nil {
		return Result{}, err
	}
	root, err := taxiiRoot(ctx, c, f.URL)
	if err != nil {
		return Result{}, step(err, "pull TAXII collection %q", f.Collection)
	}
	rep := &intel.Report{}
	refs := intel.NewSTIXRefs()
	refs.Remember(prev.Identities, prev.Markings)
	last, err := taxii.Pull(ctx, c, root, f.Collection, addedAfter(prev), refs, intel.NewSink(f.opts, rep, emit))
	if lerr := f.lim.Err(); lerr != nil {
		err = lerr
	}
	next := prev
	next.Identities, next.Markings = refs.Known()
	if !last.IsZero() {
		next.AddedAfter = last.UTC().Format(time.RFC3339Nano)
	}
	res := Result{State: next, Report: rep}
	if err != nil {
		res.Partial = next.AddedAfter != prev.AddedAfter
		return res, step(err, "pull TAXII collection %q", f.Collection)
	}
	return res, nil
}

// taxiiRoot is the API root to read: the feed's address, or the default API root when the
// address is the server's discovery resource.
func taxiiRoot(ctx context.Context, c *taxii.Client, u string) (string, error) {
	if !taxii.IsDiscoveryURL(u) {
		return u, nil
	}
	return c.DefaultRoot(ctx)
}

// taxiiClient builds a TAXII client for the feed's API root with its credentials.
func taxiiClient(client *http.Client, f feed) (*taxii.Client, error) {
	opts := []taxii.Option{taxii.WithHTTPClient(client), taxii.WithUserAgent(UserAgent)}
	if f.Username != "" || f.Password != "" {
		opts = append(opts, taxii.WithBasicAuth(f.Username, f.Password))
	}
	if f.Token != "" {
		opts = append(opts, taxii.WithBearerToken(f.Token))
	}
	c, err := taxii.New(f.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("feed %q: %s", f.Name, vigil.ErrorMessage(err))
	}
	return c, nil
}

// addedAfter reads the stored high-water mark. One that cannot be read (written by hand,
// or by an older version) means the start of the collection: a full pull repeats some
// indicators but loses none.
func addedAfter(prev State) time.Time {
	t, err := time.Parse(time.RFC3339Nano, prev.AddedAfter)
	if err != nil {
		return time.Time{}
	}
	return t
}

// limitBodies returns a copy of client whose response bodies count against lim, so that
// a TAXII pull's pages together unpack no more than the pull's cap.
func limitBodies(client *http.Client, lim *intel.Limit) *http.Client {
	c := *client
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = limitedTransport{rt: rt, lim: lim}
	return &c
}

type limitedTransport struct {
	rt  http.RoundTripper
	lim *intel.Limit
}

func (t limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err == nil && resp.Body != nil {
		resp.Body = limitedBody{Reader: t.lim.Reader(resp.Body), Closer: resp.Body}
	}
	return resp, err
}

type limitedBody struct {
	io.Reader
	io.Closer
}
