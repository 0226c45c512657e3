package feeds

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// fetchMISP pulls a MISP feed: the manifest, then each event that is new or whose
// timestamp moved since prev. Events are fetched one after another in UUID order so that
// emit is called from one goroutine and pulls are repeatable.
func fetchMISP(ctx context.Context, client *http.Client, f feed, prev State, emit func(vigil.Indicator)) (Result, error) {
	manifestURL, err := url.JoinPath(f.URL, "manifest.json")
	if err != nil {
		return Result{}, step(err, "fetch %s: not a usable URL", redact(f.URL))
	}
	events, etag, lastMod, notModified, err := fetchManifest(ctx, client, f, manifestURL, prev)
	if err != nil || notModified {
		return Result{NotModified: notModified, State: prev}, err
	}
	p := &mispPull{ctx: ctx, client: client, feed: f, emit: emit, rep: &intel.Report{}}
	p.sink = intel.NewSink(f.opts, p.rep, emit)
	next := State{Events: map[string]int64{}}
	for _, id := range slices.Sorted(maps.Keys(events)) {
		p.event(manifestURL, id, events[id], prev.Events, next.Events)
		if err := f.lim.Err(); err != nil {
			return Result{Report: p.rep}, step(err, "fetch %s", redact(f.URL))
		}
		if err := ctx.Err(); err != nil {
			return Result{Report: p.rep}, step(err, "fetch %s: stopped", redact(f.URL))
		}
	}
	if p.tried > 0 && p.failed == p.tried {
		return Result{Report: p.rep}, fmt.Errorf("fetch %s: none of the %d new or changed events could be read; first: %s",
			redact(f.URL), p.tried, firstFailure(p.rep))
	}
	if p.failed == 0 {
		// Only a pull that left nothing behind may make the next one conditional:
		// otherwise an unchanged manifest would answer 304 and the failed events would
		// never be fetched again.
		next.ETag, next.LastModified = etag, lastMod
	}
	return Result{State: next, Report: p.rep}, nil
}

// fetchManifest GETs manifest.json, conditionally when prev has validators.
func fetchManifest(ctx context.Context, client *http.Client, f feed, u string, prev State) (events map[string]int64, etag, lastMod string, notModified bool, err error) {
	resp, err := get(ctx, client, f, u, conditional(prev))
	if err != nil {
		return nil, "", "", false, err
	}
	defer drainClose(resp.Body)
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, "", "", true, nil
	case http.StatusOK:
	default:
		return nil, "", "", false, statusError(u, resp)
	}
	cb := newCappedBody(resp.Body, maxManifestBytes)
	events, err = intel.ParseMISPManifest(cb)
	if cb.err != nil {
		err = cb.err
	}
	if err != nil {
		return nil, "", "", false, step(err, "parse %s: the MISP feed manifest cannot be read", redact(u))
	}
	return events, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), false, nil
}

// mispPull is one pull of a MISP feed's events.
type mispPull struct {
	ctx           context.Context
	client        *http.Client
	feed          feed
	emit          func(vigil.Indicator)
	rep           *intel.Report
	sink          *intel.Sink // records failures in rep
	tried, failed int
}

// event fetches event id when it is new or changed and records in next the timestamp to
// remember: the new one when the event was read, the old one (if any) when it was not.
func (p *mispPull) event(manifestURL, id string, ts int64, prev, next map[string]int64) {
	old, seen := prev[id]
	if seen && ts != 0 && ts <= old {
		next[id] = old
		return
	}
	if !intel.IsMISPEventID(id) {
		p.sink.Failed(intel.Location{File: redact(manifestURL), Ref: shorten(id)},
			"the manifest lists an event whose UUID is not a plain UUID; it was not fetched")
		return
	}
	p.tried++
	if err := p.fetchEvent(id); err != nil {
		p.failed++
		p.sink.Failed(intel.Location{File: redact(p.eventURL(id)), Ref: id}, err.Error())
		if seen {
			next[id] = old
		}
		return
	}
	next[id] = ts
}

func (p *mispPull) eventURL(id string) string {
	u, _ := url.JoinPath(p.feed.URL, id+".json") // f.URL already joined once for the manifest
	return u
}

// fetchEvent GETs and parses one event file.
func (p *mispPull) fetchEvent(id string) error {
	u := p.eventURL(id)
	resp, err := get(p.ctx, p.client, p.feed, u, nil)
	if err != nil {
		return err
	}
	defer drainClose(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return statusError(u, resp)
	}
	sub, err := parseBody(resp.Body, u, p.feed, p.emit)
	if sub != nil {
		sub.Failed, sub.Problems = 0, withoutFailures(sub.Problems) // counted once, by event
		p.rep.Merge(sub)
	}
	return err
}

// withoutFailures drops "failed" problems, which the caller reports for the event as a whole.
func withoutFailures(ps []intel.Problem) []intel.Problem {
	return slices.DeleteFunc(ps, func(p intel.Problem) bool { return p.Kind == intel.ProblemFailed })
}
