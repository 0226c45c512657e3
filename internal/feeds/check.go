package feeds

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/intel/taxii"
)

// Check is what a feed's source answered when tried before the feed is added or saved.
type Check struct {
	// OK is true when a pull of the feed as set up would work.
	OK bool
	// Message says what was found, in words an analyst can act on.
	Message string
	// APIRoot is the TAXII API root read (the default one when the address was the
	// server's discovery address).
	APIRoot string
	// Collections are the TAXII API root's collections.
	Collections []taxii.Collection
	// Indicators and Problems count what one pull of a list or MISP feed would import
	// and what it could not read.
	Indicators, Problems int64
	// Report is what that pull would find, with what it would leave out and why (internal
	// addresses, warninglisted values, expired entries...); nil for a TAXII feed.
	Report *intel.Report
	// Err is the failure in full (with the URL redacted), for the server log: Message
	// says what a person can act on and leaves out addresses and internals.
	Err error
}

// feedAllowSetting is the configuration setting that lets feeds reach an internal network.
const feedAllowSetting = "feed_allow_private"

// CheckFeed tries vf's source without storing anything: a TAXII feed's API root is asked
// for its collections (is the feed's collection there, and may we read it?); a list or
// MISP feed is pulled once and what it would import counted. Failures are part of the
// Check, not errors: they are what the person asked to know. opts are those a pull uses
// (the warninglists, the time), so that the count is what the pull would import.
func CheckFeed(ctx context.Context, client *http.Client, maxBytes int64, vf vigil.Feed, opts intel.Options) Check {
	if client == nil {
		client = defaultClient
	}
	f := feed{Feed: vf, lim: intel.NewLimit(maxBytes)}
	if vf.Kind == vigil.FeedUpload {
		return Check{OK: true, Message: "an upload feed has no source to try: it is filled by uploads"}
	}
	if err := checkURL(f); err != nil {
		return Check{Message: FailureReason(err, feedAllowSetting), Err: err}
	}
	if vf.Kind == vigil.FeedTAXII {
		return checkTAXII(ctx, client, f)
	}
	var n int64
	res, err := FetchLimited(ctx, client, maxBytes, vf, opts, State{}, func(vigil.Indicator) { n++ })
	if err != nil {
		return Check{Message: "the source could not be read: " + FailureReason(err, feedAllowSetting), Err: err}
	}
	rep := res.Report
	bad := int64(rep.Rejected + rep.Failed)
	return Check{OK: true, Indicators: n, Problems: bad, Report: rep,
		Message: fmt.Sprintf("the source answered: a pull would import %d indicators%s", n, leftOutPhrase(rep))}
}

// leftOutPhrase says what a pull would leave out, most to least telling, or "".
func leftOutPhrase(rep *intel.Report) string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{rep.Internal, "internal addresses"}, {rep.NotMatchable - rep.Internal, "that cannot be matched one value at a time"},
		{rep.Warninglisted, "on warninglists of harmless values"}, {rep.Expired, "expired"}, {rep.Revoked, "withdrawn by their publisher"},
		{rep.NotForDetection, "marked not for detection"}, {rep.Rejected + rep.Failed, "not understood"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " and leave out " + strings.Join(parts, ", ")
}

// checkTAXII lists the collections of the feed's API root.
func checkTAXII(ctx context.Context, client *http.Client, f feed) Check {
	c, err := taxiiClient(client, f)
	if err != nil {
		return Check{Message: FailureReason(err, feedAllowSetting), Err: err}
	}
	root, err := taxiiRoot(ctx, c, f.URL)
	if err != nil {
		return Check{Message: FailureReason(err, feedAllowSetting), Err: err}
	}
	colls, err := c.Collections(ctx, root)
	if err != nil {
		return Check{APIRoot: root, Message: FailureReason(err, feedAllowSetting), Err: err}
	}
	ch := Check{APIRoot: root, Collections: colls}
	ch.OK, ch.Message = collectionVerdict(f.Collection, colls)
	return ch
}

// collectionVerdict says whether the chosen collection is there and readable.
func collectionVerdict(id string, colls []taxii.Collection) (bool, string) {
	var names []string
	for _, c := range colls {
		if c.ID == id {
			if !c.CanRead {
				return false, fmt.Sprintf("collection %s (%s) is there, but the server says these credentials may not read it", c.ID, c.Title)
			}
			return true, fmt.Sprintf("collection %s (%s) is there and can be read", c.ID, c.Title)
		}
		names = append(names, fmt.Sprintf("%s (%s)", c.ID, c.Title))
	}
	switch {
	case len(colls) == 0:
		return false, "the API root lists no collections these credentials can see"
	case id == "":
		return false, "choose one of the API root's collections: " + strings.Join(names, ", ")
	}
	return false, fmt.Sprintf("collection %q is not in this API root; it has: %s", id, strings.Join(names, ", "))
}
