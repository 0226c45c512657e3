package vigil

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"time"
)

// The kinds of advisory source.
const (
	AdvisoryOSV  = "osv"  // OSV records: a zip (such as an ecosystem's all.zip), a directory or one .json record
	AdvisoryKEV  = "kev"  // CISA's Known Exploited Vulnerabilities catalogue (JSON)
	AdvisoryEPSS = "epss" // FIRST's daily EPSS scores (CSV, gzip allowed)
)

// AdvisoryKinds lists the kinds of advisory source.
var AdvisoryKinds = []string{AdvisoryOSV, AdvisoryKEV, AdvisoryEPSS}

// DefaultAdvisorySchedule is how often an advisory source is pulled when its Schedule is
// zero: OSV and EPSS publish daily, KEV several times a week.
const DefaultAdvisorySchedule = 6 * time.Hour

// AdvisorySource is a registered source of vulnerability data, pulled like an intel
// feed: from a URL, or from a file on the server for a closed network that mirrors the
// data.
type AdvisorySource struct {
	// ID identifies the source.
	ID int64
	// Name is how people refer to it ("OSV Maven", "CISA KEV"); unique.
	Name string
	// Kind is what it holds: AdvisoryOSV, AdvisoryKEV or AdvisoryEPSS.
	Kind string
	// URL is where it is downloaded from (http or https); empty when Path is set.
	URL string
	// Path is a file (or, for OSV, a directory) on the server to read it from instead,
	// inside the configured advisory directory; empty when URL is set.
	Path string
	// Schedule is how often it is pulled.
	Schedule time.Duration
	// Enabled sources are pulled on their schedule.
	Enabled bool
	// State is what the last pull left for the next (ETag, Last-Modified) as JSON.
	State json.RawMessage
	// Status is FeedNever, FeedOK or FeedError.
	Status string
	// LastError is why the last pull failed; empty after a success.
	LastError string
	// Counts summarises what the last pull changed (JSON object: new, changed,
	// withdrawn, removed, records).
	Counts json.RawMessage
	// LastPullAt and LastSuccessAt are when it was last pulled and last pulled successfully.
	LastPullAt, LastSuccessAt time.Time
	// CreatedAt is when it was registered.
	CreatedAt time.Time
}

// Where says where the source is read from: its URL, redacted, or its path.
func (a AdvisorySource) Where() string {
	if a.URL != "" {
		return RedactURL(a.URL)
	}
	return a.Path
}

// Validate checks and normalises a source before it is stored: a known kind, exactly one
// of URL and Path, and a schedule within the feed bounds.
func (a *AdvisorySource) Validate() error {
	var err error
	if a.Name, err = SourceName(a.Name); err != nil {
		return err
	}
	switch a.Kind {
	case AdvisoryOSV, AdvisoryKEV, AdvisoryEPSS:
	default:
		return Errorf(EINVALID, "advisory source kind %q is not known: use osv, kev or epss", a.Kind)
	}
	a.URL, a.Path = strings.TrimSpace(a.URL), strings.TrimSpace(a.Path)
	switch {
	case a.URL != "" && a.Path != "":
		return Errorf(EINVALID, "give the source a url or a path on the server, not both")
	case a.URL == "" && a.Path == "":
		return Errorf(EINVALID, "the source needs a url to download from, or a path on the server to read")
	case a.URL != "":
		if err := checkFeedURL(a.URL); err != nil {
			return err
		}
	case !filepath.IsAbs(a.Path) || filepath.Clean(a.Path) != a.Path:
		return Errorf(EINVALID, "path %q must be an absolute, clean path on the server", a.Path)
	}
	if a.Schedule == 0 {
		a.Schedule = DefaultAdvisorySchedule
	}
	if a.Schedule < MinFeedSchedule || a.Schedule > MaxFeedSchedule {
		return Errorf(EINVALID, "schedule %s is out of range: pull between every %s and every %s",
			a.Schedule, MinFeedSchedule, MaxFeedSchedule)
	}
	return nil
}

// AdvisorySourcePatch changes an advisory source; nil fields stay as they are. Its kind
// does not change: the data it holds is of that kind (delete it and add another).
type AdvisorySourcePatch struct {
	// Name renames the source.
	Name *string
	// URL and Path move it: set one and empty the other to switch between downloading
	// and reading a file on the server. The URL as shown (RedactURL) keeps the stored one.
	URL, Path *string
	// Schedule is how often it is pulled.
	Schedule *time.Duration
	// Enabled pauses (false) or resumes (true) its scheduled pulls.
	Enabled *bool
}

// Patched returns the source with p applied, and whether it now reads from another
// place (the last pull's ETag then says nothing about the new one). A URL that is the
// stored one as RedactURL shows it keeps the stored one (KeepRedactedURL). Call Validate
// on it.
func (a AdvisorySource) Patched(p AdvisorySourcePatch) (out AdvisorySource, moved bool) {
	out = a
	for _, f := range []struct {
		dst *string
		v   *string
	}{{&out.Name, p.Name}, {&out.URL, p.URL}, {&out.Path, p.Path}} {
		if f.v != nil {
			*f.dst = strings.TrimSpace(*f.v)
		}
	}
	out.URL = KeepRedactedURL(a.URL, out.URL)
	if p.Schedule != nil {
		out.Schedule = *p.Schedule
	}
	if p.Enabled != nil {
		out.Enabled = *p.Enabled
	}
	return out, out.URL != a.URL || out.Path != a.Path
}
