package vigil

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// The kinds of feed, as internal/feeds names them.
const (
	FeedURL      = "url"       // a plain list or CSV over HTTP(S)
	FeedMISPFeed = "misp_feed" // a MISP feed directory
	FeedTAXII    = "taxii"     // a TAXII 2.1 collection
	FeedUpload   = "upload"    // filled by uploads only; never pulled
)

// Feed statuses after a pull.
const (
	FeedNever = "never" // not pulled yet
	FeedOK    = "ok"    // the last pull succeeded (or the source said nothing changed)
	FeedError = "error" // the last pull failed; LastError says why
)

// Schedule bounds: a feed is pulled at most once a minute and at least once a week.
const (
	DefaultFeedSchedule = time.Hour          // DefaultFeedSchedule applies when a Feed's Schedule is zero.
	MinFeedSchedule     = time.Minute        // MinFeedSchedule is the shortest schedule accepted.
	MaxFeedSchedule     = 7 * 24 * time.Hour // MaxFeedSchedule is the longest schedule accepted.
)

// Feed is a registered source of indicators and what its last pull did.
type Feed struct {
	// ID identifies the feed.
	ID int64
	// Name is the source name its indicators are credited to; unique.
	Name string
	// Kind is how it is fetched: FeedURL, FeedMISPFeed, FeedTAXII or FeedUpload.
	Kind string
	// URL is the list's URL, the MISP feed directory's URL or the TAXII API root's URL.
	URL string
	// Collection is the TAXII collection id.
	Collection string
	// Username, Password and Token are the source's credentials; never show them.
	Username, Password, Token string
	// Schedule is how often it is pulled.
	Schedule time.Duration
	// TLP marks indicators the source does not mark itself.
	TLP TLP
	// Reliability ('A'..'F') and Credibility (1..6) are the Admiralty grade of the source; 0 when not graded.
	Reliability byte
	Credibility uint8
	// Enabled feeds are pulled on their schedule.
	Enabled bool
	// State is what the last pull left for the next (feeds.State as JSON).
	State json.RawMessage
	// Status is FeedNever, FeedOK or FeedError.
	Status string
	// LastError is why the last pull failed; empty after a success.
	LastError string
	// Counts summarises what the last pull found (JSON object).
	Counts json.RawMessage
	// LastPullAt and LastSuccessAt are when it was last pulled and last pulled successfully.
	LastPullAt, LastSuccessAt time.Time
	// CreatedAt is when it was registered.
	CreatedAt time.Time
	// Indicators is how many indicators the source currently holds (read only).
	Indicators int64
}

// FeedSort is an order the list of feeds can come in; feeds that tie follow their names.
type FeedSort string

// The orders of the list of feeds.
const (
	FeedByName     FeedSort = "name"      // by name, A to Z (the default)
	FeedByLastPull FeedSort = "last_pull" // most recently pulled first, those never pulled last
	FeedByStatus   FeedSort = "status"    // failing first (error, never pulled, ok)
)

// FeedSorts are the orders of the list of feeds, the default first.
var FeedSorts = []FeedSort{FeedByName, FeedByLastPull, FeedByStatus}

// Or returns s, or FeedByName when s is empty.
func (s FeedSort) Or() FeedSort { return sortOr(s, FeedSorts) }

// Check returns an EINVALID error naming the choices when s is not one of FeedSorts.
func (s FeedSort) Check() error { return checkSort(s, FeedSorts) }

// FeedPatch changes a feed; nil fields stay as they are.
type FeedPatch struct {
	Name, URL, Collection     *string
	Username, Password, Token *string
	Schedule                  *time.Duration
	TLP                       *TLP
	Reliability               *byte
	Credibility               *uint8
	Enabled                   *bool
}

// FeedPull is what one pull of a feed did, for RecordPull.
type FeedPull struct {
	// At is when the pull started.
	At time.Time
	// Err is why it failed; nil for a success.
	Err error
	// State replaces the feed's state when not nil (a failed pull keeps the old one).
	State json.RawMessage
	// Counts summarises what it found; nil keeps the previous summary.
	Counts json.RawMessage
}

// AdmiraltyCode writes a reliability letter and credibility digit as one code such as "B2"; "" when neither is known.
func AdmiraltyCode(rel byte, cred uint8) string {
	var b []byte
	if rel != 0 {
		b = append(b, rel)
	}
	if cred != 0 {
		b = append(b, '0'+cred)
	}
	return string(b)
}

// checkFeedURL accepts absolute http and https URLs only.
func checkFeedURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return Errorf(EINVALID, "the feed needs a url to pull from (http:// or https://)")
	case err != nil:
		return Errorf(EINVALID, "url %q does not parse: %s", RedactURL(raw), parseProblem(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return Errorf(EINVALID, "url %q must start with http:// or https://", RedactURL(raw))
	case u.Host == "":
		return Errorf(EINVALID, "url %q has no host", RedactURL(raw))
	case u.User != nil:
		return Errorf(EINVALID, "put the credentials in username and password, not in the url")
	case redactedParts(u):
		return Errorf(EINVALID, "url %q still holds the \"…\" that stands for a query or fragment vigil does not show: "+
			"type the address in full, query included, or send back the address exactly as shown to keep the stored one", RedactURL(raw))
	}
	return nil
}

// redactedParts reports whether u's query or fragment holds the "…" RedactURL puts for
// a hidden one, however escaped (%E2%80%A6, or the HTML entity a copy from a page may
// bring): it is a redacted address with something else changed (its path, say), which
// would be pulled without the key the query held. No real key holds an ellipsis.
func redactedParts(u *url.URL) bool {
	query, err := url.QueryUnescape(u.RawQuery)
	if err != nil {
		query = u.RawQuery
	}
	for _, part := range []string{query, u.Fragment} {
		if strings.Contains(part, "…") || strings.Contains(part, "&hellip;") || strings.Contains(part, "&#8230;") {
			return true
		}
	}
	return false
}

// parseProblem is why url.Parse refused a URL, without the port it quotes: a password
// holding a "/" makes the part of it before the "/" read as the port.
func parseProblem(err error) string {
	if inner := errors.Unwrap(err); inner != nil {
		err = inner // the *url.Error around it repeats the URL whole
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "invalid port") {
		return "the port after the host is not a number (a password holding a / or ? is read as one: give it in password instead)"
	}
	return msg
}

// SourceName checks and trims a source name: 1 to 100 printable characters.
func SourceName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) {
		return "", Errorf(EINVALID, "a source name must be UTF-8 text")
	}
	if name == "" || len(name) > 100 {
		return "", Errorf(EINVALID, "a source name needs 1 to 100 characters")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", Errorf(EINVALID, "source name %q holds a control character", name)
		}
	}
	return name, nil
}

// HasCredentials reports whether the feed has any credential set.
func (f Feed) HasCredentials() bool {
	return f.Username != "" || f.Password != "" || f.Token != ""
}

// Grade returns the Admiralty code, such as "B2", or "" when not graded.
func (f Feed) Grade() string { return AdmiraltyCode(f.Reliability, f.Credibility) }

// Validate checks and normalises a feed before it is stored.
func (f *Feed) Validate() error {
	var err error
	if f.Name, err = SourceName(f.Name); err != nil {
		return err
	}
	switch f.Kind {
	case FeedURL, FeedMISPFeed, FeedTAXII:
		if err := checkFeedURL(f.URL); err != nil {
			return err
		}
	case FeedUpload:
		if f.URL != "" {
			return Errorf(EINVALID, "an upload feed has no url: leave it out, or pick kind url, misp_feed or taxii")
		}
	default:
		return Errorf(EINVALID, "feed kind %q is not known: use url, misp_feed, taxii or upload", f.Kind)
	}
	if f.Kind == FeedTAXII && strings.TrimSpace(f.Collection) == "" {
		return Errorf(EINVALID, "a taxii feed needs the collection id to pull")
	}
	return f.validateTerms()
}

// validateTerms checks the schedule, marking and grade.
func (f *Feed) validateTerms() error {
	if f.Schedule == 0 {
		f.Schedule = DefaultFeedSchedule
	}
	if f.Schedule < MinFeedSchedule || f.Schedule > MaxFeedSchedule {
		return Errorf(EINVALID, "schedule %s is out of range: pull between every %s and every %s",
			f.Schedule, MinFeedSchedule, MaxFeedSchedule)
	}
	if f.TLP != "" {
		t, ok := ParseTLP(string(f.TLP))
		if !ok {
			return Errorf(EINVALID, "TLP %q is not a TLP 2.0 marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", f.TLP)
		}
		f.TLP = t
	}
	if f.Reliability != 0 && (f.Reliability < 'A' || f.Reliability > 'F') {
		return Errorf(EINVALID, "source reliability %q is not an Admiralty grade: use A (reliable) to F (cannot be judged)", f.Reliability)
	}
	if f.Credibility > 6 {
		return Errorf(EINVALID, "information credibility %d is not an Admiralty grade: use 1 (confirmed) to 6 (cannot be judged)", f.Credibility)
	}
	return nil
}

// Patched returns f with p applied. A URL that is the stored one as RedactURL shows it
// keeps the stored one (KeepRedactedURL). When p moves the feed to another origin (scheme,
// host or port), the stored credentials are dropped, each one that p does not give again:
// they were given for the old address and must not be sent to the new one. dropped
// reports whether any stored credential was dropped.
func (f Feed) Patched(p FeedPatch) (out Feed, dropped bool) {
	out = f
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&out.Name, p.Name)
	if p.URL != nil {
		out.URL = KeepRedactedURL(f.URL, *p.URL)
	}
	set(&out.Collection, p.Collection)
	if p.URL != nil && !SameOrigin(f.URL, out.URL) {
		for _, c := range []struct {
			dst *string
			v   *string
		}{{&out.Username, p.Username}, {&out.Password, p.Password}, {&out.Token, p.Token}} {
			if c.v == nil && *c.dst != "" {
				*c.dst, dropped = "", true
			}
		}
	}
	set(&out.Username, p.Username)
	set(&out.Password, p.Password)
	set(&out.Token, p.Token)
	if p.Schedule != nil {
		out.Schedule = *p.Schedule
	}
	if p.TLP != nil {
		out.TLP = *p.TLP
	}
	if p.Reliability != nil {
		out.Reliability = *p.Reliability
	}
	if p.Credibility != nil {
		out.Credibility = *p.Credibility
	}
	if p.Enabled != nil {
		out.Enabled = *p.Enabled
	}
	return out, dropped
}

// SameOrigin reports whether two feed URLs have the same scheme, host and port (the
// scheme's default port when none is written). Hosts compare without regard to case.
// A URL that does not parse has no origin in common with any other.
func SameOrigin(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Hostname(), ub.Hostname()) &&
		effectivePort(ua) == effectivePort(ub)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// RedactURL returns a URL fit for a message, a page or the audit log: without user info
// and with its query and fragment replaced by "?…" and "#…". Feeds carry credentials in
// both ("user:pw@", "?auth-key=…", "?code=…") and no list of parameter names catches every
// publisher's, so no value of either is shown. A URL that does not parse is cut the same
// way by hand, so that the message refusing it still names it without its secrets.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Opaque != "" {
		return redactRawURL(u)
	}
	p.User = nil
	var tail string
	if p.RawQuery != "" || p.ForceQuery {
		tail = "?…"
	}
	if p.Fragment != "" || p.RawFragment != "" || strings.HasSuffix(u, "#") {
		tail += "#…"
	}
	p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = "", false, "", ""
	return hostAsTyped(p.String(), p.Host) + tail
}

// hostAsTyped is u (a URL's String) with its host as typed when the host is not ASCII:
// url.URL escapes "bücher.example" as "b%C3%BCcher.example", which nobody reads as the
// address they typed.
func hostAsTyped(u, host string) string {
	if !strings.ContainsFunc(host, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return u
	}
	return strings.Replace(u, (&url.URL{Host: host}).String(), "//"+host, 1)
}

// KeepRedactedURL is the URL a change to a stored one asks for. vigil never shows a
// stored URL whole (RedactURL), so a client that reads a source, changes something else
// and sends everything back (a form saved as shown, GET then PATCH) sends the redacted
// form: that means "keep it", and stored comes back with the secrets the redaction hid.
// Any other URL replaces stored.
func KeepRedactedURL(stored, given string) string {
	if stored == "" {
		return given
	}
	shown, g := RedactURL(stored), strings.TrimSpace(given)
	if g == shown || ellipsisEscaped.Replace(g) == shown {
		return stored
	}
	return given
}

// ellipsisEscaped turns the "…" a client escaped back into the one RedactURL wrote: a
// browser's URL parser, say, sends the address as shown with its "?…" as "?%E2%80%A6".
var ellipsisEscaped = strings.NewReplacer("%E2%80%A6", "…", "%e2%80%a6", "…")

// redactRawURL cuts what may be user info, query or fragment out of a string url.Parse
// refuses. Such a string has no reliable shape (user info may hold "/", "?" or "#"), so
// everything up to its last "@" goes, then everything from the first "?" or "#"; when a
// "?" or "#" comes before that "@", what follows the "@" may be query, and only the scheme
// is kept.
func redactRawURL(u string) string {
	prefix, rest := "", u
	if i := strings.Index(u, "://"); i >= 0 {
		prefix, rest = u[:i+3], u[i+3:]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if strings.ContainsAny(rest[:at], "?#") {
			return prefix + "…"
		}
		rest = rest[at+1:]
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i] + string(rest[i]) + "…"
	}
	return prefix + rest
}
