package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
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
	TLP vigil.TLP
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

// HasCredentials reports whether the feed has any credential set.
func (f Feed) HasCredentials() bool { return f.Username != "" || f.Password != "" || f.Token != "" }

// Grade returns the Admiralty code, such as "B2", or "" when not graded.
func (f Feed) Grade() string { return grade(f.Reliability, f.Credibility) }

func grade(rel byte, cred uint8) string {
	var b []byte
	if rel != 0 {
		b = append(b, rel)
	}
	if cred != 0 {
		b = append(b, '0'+cred)
	}
	return string(b)
}

// FeedPatch changes a feed; nil fields stay as they are.
type FeedPatch struct {
	Name, URL, Collection     *string
	Username, Password, Token *string
	Schedule                  *time.Duration
	TLP                       *vigil.TLP
	Reliability               *byte
	Credibility               *uint8
	Enabled                   *bool
}

// validate checks and normalises a feed before it is stored.
func (f *Feed) validate() error {
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
			return vigil.Errorf(vigil.EINVALID, "an upload feed has no url: leave it out, or pick kind url, misp_feed or taxii")
		}
	default:
		return vigil.Errorf(vigil.EINVALID, "feed kind %q is not known: use url, misp_feed, taxii or upload", f.Kind)
	}
	if f.Kind == FeedTAXII && strings.TrimSpace(f.Collection) == "" {
		return vigil.Errorf(vigil.EINVALID, "a taxii feed needs the collection id to pull")
	}
	return f.validateTerms()
}

// validateTerms checks the schedule, marking and grade.
func (f *Feed) validateTerms() error {
	if f.Schedule == 0 {
		f.Schedule = DefaultFeedSchedule
	}
	if f.Schedule < MinFeedSchedule || f.Schedule > MaxFeedSchedule {
		return vigil.Errorf(vigil.EINVALID, "schedule %s is out of range: pull between every %s and every %s",
			f.Schedule, MinFeedSchedule, MaxFeedSchedule)
	}
	if f.TLP != "" {
		t, ok := vigil.ParseTLP(string(f.TLP))
		if !ok {
			return vigil.Errorf(vigil.EINVALID, "TLP %q is not a TLP 2.0 marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", f.TLP)
		}
		f.TLP = t
	}
	if f.Reliability != 0 && (f.Reliability < 'A' || f.Reliability > 'F') {
		return vigil.Errorf(vigil.EINVALID, "source reliability %q is not an Admiralty grade: use A (reliable) to F (cannot be judged)", f.Reliability)
	}
	if f.Credibility > 6 {
		return vigil.Errorf(vigil.EINVALID, "information credibility %d is not an Admiralty grade: use 1 (confirmed) to 6 (cannot be judged)", f.Credibility)
	}
	return nil
}

// checkFeedURL accepts absolute http and https URLs only.
func checkFeedURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return vigil.Errorf(vigil.EINVALID, "the feed needs a url to pull from (http:// or https://)")
	case err != nil:
		return vigil.Errorf(vigil.EINVALID, "url %q does not parse: %v", raw, errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return vigil.Errorf(vigil.EINVALID, "url %q must start with http:// or https://", raw)
	case u.Host == "":
		return vigil.Errorf(vigil.EINVALID, "url %q has no host", raw)
	case u.User != nil:
		return vigil.Errorf(vigil.EINVALID, "put the credentials in username and password, not in the url")
	}
	return nil
}

// SourceName checks and trims a source name: 1 to 100 printable characters.
func SourceName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) {
		return "", vigil.Errorf(vigil.EINVALID, "a source name must be UTF-8 text")
	}
	if name == "" || len(name) > 100 {
		return "", vigil.Errorf(vigil.EINVALID, "a source name needs 1 to 100 characters")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", vigil.Errorf(vigil.EINVALID, "source name %q holds a control character", name)
		}
	}
	return name, nil
}

// CreateFeed registers a feed. Its status starts as FeedNever; a second feed of the same
// name is a conflict.
func (s *Store) CreateFeed(ctx context.Context, f Feed) (Feed, error) {
	if err := f.validate(); err != nil {
		return Feed{}, err
	}
	now := dbTime(s.now())
	rows, err := s.wdb().query(ctx, `INSERT INTO feeds (name, kind, url, collection, username, password, token,
		schedule_seconds, tlp, reliability, credibility, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.Name, f.Kind, f.URL, f.Collection, s.seal(f.Username), s.seal(f.Password), s.seal(f.Token), int64(f.Schedule/time.Second),
		string(f.TLP), grade(f.Reliability, 0), int(f.Credibility), f.Enabled, now, now)
	if err != nil {
		return Feed{}, feedWriteError(f.Name, err)
	}
	id, err := scanOptionalID(rows)
	if err != nil {
		return Feed{}, feedWriteError(f.Name, err)
	}
	return s.GetFeed(ctx, id)
}

func feedWriteError(name string, err error) error {
	if isUniqueViolation(err) {
		return vigil.Errorf(vigil.ECONFLICT, "a feed named %q is already registered: pick another name", name)
	}
	return fmt.Errorf("write feed %q: %w", name, err)
}

const feedColumns = `id, name, kind, url, collection, username, password, token, schedule_seconds, tlp,
	reliability, credibility, enabled, state, status, last_error, counts, last_pull_at, last_success_at, created_at,
	(SELECT COUNT(*) FROM indicator_sources WHERE source = feeds.name)`

func scanFeed(sc scanner) (Feed, error) {
	var f Feed
	var secs int64
	var rel, state, counts string
	var cred int
	err := sc.Scan(&f.ID, &f.Name, &f.Kind, &f.URL, &f.Collection, &f.Username, &f.Password, &f.Token, &secs,
		&f.TLP, &rel, &cred, &f.Enabled, &state, &f.Status, &f.LastError, &counts,
		scanTime(&f.LastPullAt), scanTime(&f.LastSuccessAt), scanTime(&f.CreatedAt), &f.Indicators)
	f.Schedule = time.Duration(secs) * time.Second
	if rel != "" {
		f.Reliability = rel[0]
	}
	f.Credibility = uint8(cred)
	f.State, f.Counts = json.RawMessage(state), json.RawMessage(counts)
	return f, err
}

// GetFeed returns the feed with the given id.
func (s *Store) GetFeed(ctx context.Context, id int64) (Feed, error) {
	return s.feedWhere(ctx, s.rdb(), "id = ?", id)
}

// GetFeedByName returns the feed with the given name.
func (s *Store) GetFeedByName(ctx context.Context, name string) (Feed, error) {
	return s.feedWhere(ctx, s.rdb(), "name = ?", strings.TrimSpace(name))
}

func (s *Store) feedWhere(ctx context.Context, c conn, cond string, arg any) (Feed, error) {
	f, err := scanFeed(c.row(ctx, `SELECT `+feedColumns+` FROM feeds WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Feed{}, vigil.Errorf(vigil.ENOTFOUND, "no feed %v: list them with GET /api/v1/feeds", arg)
	}
	if err != nil {
		return Feed{}, fmt.Errorf("get feed %v: %w", arg, err)
	}
	return s.unsealFeed(f), nil
}

// ListFeeds returns every registered feed in name order.
func (s *Store) ListFeeds(ctx context.Context) ([]Feed, error) {
	rows, err := s.rdb().query(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("list feeds: %w", err)
		}
		out = append(out, s.unsealFeed(f))
	}
	return out, rows.Err()
}

// UpdateFeed applies p to the feed and returns it. Renaming a feed re-credits the
// indicators it holds to the new name.
func (s *Store) UpdateFeed(ctx context.Context, id int64, p FeedPatch) (Feed, error) {
	var out Feed
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		cur, err := tx.feedWhere(ctx, c, "id = ?", id)
		if err != nil {
			return err
		}
		f := applyFeedPatch(cur, p)
		if err := f.validate(); err != nil {
			return err
		}
		if err := tx.writeFeed(ctx, c, f); err != nil {
			return err
		}
		if f.Name != cur.Name {
			if _, err := c.exec(ctx, `UPDATE indicator_sources SET source = ? WHERE source = ?`, f.Name, cur.Name); err != nil {
				return fmt.Errorf("rename source %q: %w", cur.Name, err)
			}
		}
		out, err = tx.feedWhere(ctx, c, "id = ?", id)
		return err
	})
	return out, err
}

func applyFeedPatch(f Feed, p FeedPatch) Feed {
	f.Name = deref(p.Name, f.Name)
	f.URL = deref(p.URL, f.URL)
	f.Collection = deref(p.Collection, f.Collection)
	f.Username = deref(p.Username, f.Username)
	f.Password = deref(p.Password, f.Password)
	f.Token = deref(p.Token, f.Token)
	f.Schedule = deref(p.Schedule, f.Schedule)
	f.TLP = deref(p.TLP, f.TLP)
	f.Reliability = deref(p.Reliability, f.Reliability)
	f.Credibility = deref(p.Credibility, f.Credibility)
	f.Enabled = deref(p.Enabled, f.Enabled)
	return f
}

func (s *Store) writeFeed(ctx context.Context, c conn, f Feed) error {
	_, err := c.exec(ctx, `UPDATE feeds SET name = ?, url = ?, collection = ?, username = ?, password = ?, token = ?,
		schedule_seconds = ?, tlp = ?, reliability = ?, credibility = ?, enabled = ?, updated_at = ? WHERE id = ?`,
		f.Name, f.URL, f.Collection, s.seal(f.Username), s.seal(f.Password), s.seal(f.Token), int64(f.Schedule/time.Second), string(f.TLP),
		grade(f.Reliability, 0), int(f.Credibility), f.Enabled, dbTime(s.now()), f.ID)
	if err != nil {
		return feedWriteError(f.Name, err)
	}
	return nil
}

// DeleteFeed removes the feed and withdraws every indicator it holds; indicators no
// other source holds are removed. It returns how many indicators it withdrew.
func (s *Store) DeleteFeed(ctx context.Context, id int64) (Feed, int, error) {
	var f Feed
	var withdrawn int
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		var err error
		if f, err = tx.feedWhere(ctx, c, "id = ?", id); err != nil {
			return err
		}
		if withdrawn, err = tx.withdrawSource(ctx, c, f.Name, nil); err != nil {
			return err
		}
		_, err = c.exec(ctx, `DELETE FROM feeds WHERE id = ?`, id)
		return err
	})
	return f, withdrawn, err
}

// Pull is what one pull of a feed did, for RecordPull.
type Pull struct {
	// At is when the pull started.
	At time.Time
	// Err is why it failed; nil for a success.
	Err error
	// State replaces the feed's state when not nil (a failed pull keeps the old one).
	State json.RawMessage
	// Counts summarises what it found; nil keeps the previous summary.
	Counts json.RawMessage
}

// RecordPull records the outcome of a pull of feed id: a failure keeps the state and
// the last success time and shows the error.
func (s *Store) RecordPull(ctx context.Context, id int64, p Pull) error {
	status, msg, success := FeedOK, "", dbTime(p.At)
	if p.Err != nil {
		status, msg, success = FeedError, pullMessage(p.Err), nil
	}
	_, err := s.wdb().exec(ctx, `UPDATE feeds SET status = ?, last_error = ?, last_pull_at = ?,
		last_success_at = COALESCE(?, last_success_at), state = COALESCE(?, state), counts = COALESCE(?, counts)
		WHERE id = ?`, status, msg, dbTime(p.At), success, rawOrNil(p.State), rawOrNil(p.Counts), id)
	if err != nil {
		return fmt.Errorf("record pull of feed %d: %w", id, err)
	}
	return nil
}

// pullMessage is the error an analyst sees on the feed, bounded in length.
func pullMessage(err error) string {
	msg := err.Error()
	if len(msg) > 1000 {
		msg = msg[:1000] + "…"
	}
	return msg
}

func rawOrNil(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}
