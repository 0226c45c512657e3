package feeds

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// Kind is how a feed is fetched.
type Kind string

// The kinds of feed.
const (
	KindURL      Kind = "url"       // a plain list or CSV over HTTP(S); format detected from content
	KindMISPFeed Kind = "misp_feed" // a MISP feed: URL of the directory holding manifest.json
	KindTAXII    Kind = "taxii"     // a TAXII 2.1 collection: URL of the API root plus Collection
	KindUpload   Kind = "upload"    // filled only by uploads (POST /api/v1/intel); never pulled
)

// Feed is a registered source as the fetcher needs it.
type Feed struct {
	// Name is the source name indicators are credited to.
	Name string
	// Kind says how to fetch it.
	Kind Kind
	// URL is the list's URL, the MISP feed directory's URL or the TAXII API root's URL.
	URL string
	// Collection is the TAXII collection id.
	Collection string
	// Username and Password are for HTTP basic auth; Token for a bearer token.
	Username, Password, Token string
	// Options are the parse options: source name, default TLP, Admiralty grade.
	Options intel.Options
}

// State is what one pull leaves for the next.
type State struct {
	// ETag and LastModified make the next pull of a URL feed conditional.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// AddedAfter is the TAXII date-added high-water mark: the next pull asks for later objects.
	AddedAfter string `json:"added_after,omitempty"`
	// Events maps a MISP feed's event UUIDs to the timestamp last fetched, so that only
	// changed events are fetched again.
	Events map[string]int64 `json:"events,omitempty"`
}

// Result is what one pull found.
type Result struct {
	// NotModified is true when the source answered that nothing changed (HTTP 304).
	NotModified bool
	// Complete is true when the pull returned the source's whole current set, so that
	// indicators it no longer lists should be withdrawn; false for a delta (TAXII
	// added_after, changed MISP events).
	Complete bool
	// State is the state to keep for the next pull.
	State State
	// Report is the import report of what was parsed.
	Report *intel.Report
}

// ErrNotPullable is returned for upload-only feeds.
var ErrNotPullable = errors.New("this feed is filled by uploads and has nothing to pull")

// Fetch pulls f once, starting from prev, and passes every parsed indicator to emit.
// (Stub: replaced by the feeds work.)
func Fetch(ctx context.Context, client *http.Client, f Feed, prev State, emit func(vigil.Indicator)) (Result, error) {
	return Result{State: prev, Report: &intel.Report{}}, errors.New("feeds: not implemented yet")
}

// Threshold is the decay score below which an indicator stops matching.
const Threshold = 0.2

// Score is an indicator's decay score in (0, 1] at now, given the last time a source
// published it or it was sighted. (Stub: replaced by the feeds work; never decays.)
func Score(t vigil.IndicatorType, last, now time.Time) float64 { return 1 }

// Why explains a score below Threshold in words an analyst can act on, such as "an IP
// address last published 41 days ago: IP addresses go stale in weeks". (Stub.)
func Why(t vigil.IndicatorType, last, now time.Time) string { return "" }
