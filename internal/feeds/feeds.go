package feeds

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// feed is a registered source (vigil.Feed) with the parse options its pull uses.
type feed struct {
	vigil.Feed
	opts intel.Options
	lim  *intel.Limit // the bytes this pull may unpack
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
	// Identities and Markings are the STIX identities (id → name) and TLP
	// marking-definitions (id → TLP) a TAXII collection has defined, for later pulls
	// whose objects refer to them.
	Identities map[string]string `json:"identities,omitempty"`
	Markings   map[string]string `json:"markings,omitempty"`
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
	// Partial is true when the pull failed part way through a delta (a TAXII page) but
	// what it emitted before is sound and State resumes after it: store those indicators,
	// keep State, and show the error.
	Partial bool
}

// WholeSet reports whether every pull of f that succeeds returns the source's whole
// current set (Result.Complete), as a list at a URL does, rather than a delta.
func WholeSet(f vigil.Feed) bool { return f.Kind == vigil.FeedURL }

// ErrNotPullable is returned for upload-only feeds.
var ErrNotPullable = errors.New("this feed is filled by uploads and has nothing to pull")

// Fetch pulls f once, starting from prev, and passes every parsed indicator to emit.
//
// A URL feed is fetched with a conditional GET and parsed whole (Result.Complete); a MISP
// feed fetches only the events its manifest says changed since prev; a TAXII collection
// asks for the objects added after prev.AddedAfter. Problems inside the data (a malformed
// line, one broken MISP event) are counted in Result.Report and do not stop the pull.
//
// On an error Result.State is prev, so the next pull starts again from where this one
// did; indicators already emitted were parsed correctly, but the caller should keep the
// feed's previous set rather than treat them as complete. The exception is a delta that
// failed part way (Result.Partial): its State resumes after what was emitted, which the
// caller should store. client should come from
// NewClient, which refuses private addresses; nil means NewClient(nil, nil).
//
// Every indicator is credited to f.Name, whoever the data names as its publisher (a MISP
// event's Orgc, a STIX created_by_ref): the publisher a delta pull can resolve changes
// from page to page, and the caller keeps and withdraws indicators per feed.
func Fetch(ctx context.Context, client *http.Client, vf vigil.Feed, o intel.Options, prev State, emit func(vigil.Indicator)) (Result, error) {
	return FetchLimited(ctx, client, intel.DefaultMaxBytes, vf, o, prev, emit)
}

// FetchLimited is Fetch with the bytes the whole pull may unpack (every file of a MISP
// feed together, after decompression) capped at maxBytes; past it the pull fails with an
// error wrapping *intel.TooLargeError and the feed keeps its previous set.
func FetchLimited(ctx context.Context, client *http.Client, maxBytes int64, vf vigil.Feed, o intel.Options, prev State, emit func(vigil.Indicator)) (Result, error) {
	f := feed{Feed: vf, opts: parseOptions(vf, o), lim: intel.NewLimit(maxBytes)}
	if client == nil {
		client = defaultClient
	}
	emit = creditTo(f, emit)
	var (
		res Result
		err error
	)
	switch f.Kind {
	case vigil.FeedURL, vigil.FeedMISPFeed, vigil.FeedTAXII:
		if err = checkURL(f); err != nil {
			break
		}
		res, err = pullers[f.Kind](ctx, client, f, prev, emit)
	case vigil.FeedUpload:
		err = ErrNotPullable
	default:
		err = fmt.Errorf("feed %q: unknown kind %q (want url, misp_feed, taxii or upload)", f.Name, f.Kind)
	}
	if res.Report == nil {
		res.Report = &intel.Report{}
	}
	if err != nil && !res.Partial {
		res.State = prev
	}
	if err != nil {
		res.NotModified, res.Complete = false, false
	}
	if err != nil && (errors.Is(err, ErrPrivateAddress) || strings.Contains(err.Error(), ErrPrivateAddress.Error())) {
		err = step(refusal(err), "fetch %s", redact(f.URL)) // nothing of what was dialled
	}
	return res, err
}

// refusal is the refusal err reports: the redirect it names, or ErrPrivateAddress.
func refusal(err error) error {
	var rr *RedirectRefusedError
	if errors.As(err, &rr) {
		return rr
	}
	return ErrPrivateAddress
}

// parseOptions are o with what the feed says: its name as the source, and its marking and
// grade unless o sets its own.
func parseOptions(f vigil.Feed, o intel.Options) intel.Options {
	o.Source = f.Name
	if o.TLP == "" {
		o.TLP = f.TLP
	}
	if o.Reliability == 0 && o.Credibility == 0 {
		o.Reliability, o.Credibility = f.Reliability, f.Credibility
	}
	return o
}

// pullers fetch each kind of pullable feed.
var pullers = map[string]func(context.Context, *http.Client, feed, State, func(vigil.Indicator)) (Result, error){
	vigil.FeedURL:      fetchURL,
	vigil.FeedMISPFeed: fetchMISP,
	vigil.FeedTAXII:    fetchTAXII,
}

// creditTo wraps emit so that every indicator is credited to the feed.
func creditTo(f feed, emit func(vigil.Indicator)) func(vigil.Indicator) {
	if f.Name == "" {
		return emit
	}
	return func(i vigil.Indicator) {
		i.Provenance.Source = f.Name
		emit(i)
	}
}

// Threshold is the decay score below which an indicator stops matching.
const Threshold = 0.2

// Score is an indicator's decay score in (0, 1] at now, given the last time a source
// published it or it was sighted: 0.5^(age/HalfLife(t)). It is 1 for types that never
// decay (file hashes), for an age of zero or less, and when last is unknown (zero).
func Score(t vigil.IndicatorType, last, now time.Time) float64 {
	hl := HalfLife(t)
	age := now.Sub(last)
	if hl == 0 || last.IsZero() || age <= 0 {
		return 1
	}
	return math.Exp2(-float64(age) / float64(hl))
}

// Why explains a score below Threshold in words an analyst can act on, such as "not
// published or sighted for 41 days; IP addresses go stale in weeks (half-life 14 days),
// so it no longer matches". It is "" while the indicator still matches.
func Why(t vigil.IndicatorType, last, now time.Time) string {
	if Score(t, last, now) >= Threshold {
		return ""
	}
	return fmt.Sprintf("not published or sighted for %s; %s (half-life %s), so it no longer matches",
		days(now.Sub(last)), staleness(t), days(HalfLife(t)))
}
