package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// CreateFeed registers a feed. Its status starts as FeedNever; a second feed of the same
// name is a conflict.
func (s *Store) CreateFeed(ctx context.Context, f vigil.Feed) (vigil.Feed, error) {
	if err := f.Validate(); err != nil {
		return vigil.Feed{}, err
	}
	now := dbTime(s.now())
	rows, err := s.wdb().query(ctx, `INSERT INTO feeds (name, kind, url, collection, username, password, token,
		schedule_seconds, tlp, reliability, credibility, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.Name, f.Kind, f.URL, f.Collection, s.seal(f.Username), s.seal(f.Password), s.seal(f.Token), int64(f.Schedule/time.Second),
		string(f.TLP), vigil.AdmiraltyCode(f.Reliability, 0), int(f.Credibility), f.Enabled, now, now)
	if err != nil {
		return vigil.Feed{}, feedWriteError(f.Name, err)
	}
	id, err := scanOptionalID(rows)
	if err != nil {
		return vigil.Feed{}, feedWriteError(f.Name, err)
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

func scanFeed(sc scanner) (vigil.Feed, error) {
	var f vigil.Feed
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
func (s *Store) GetFeed(ctx context.Context, id int64) (vigil.Feed, error) {
	return s.feedWhere(ctx, s.rdb(), "id = ?", id)
}

// GetFeedByName returns the feed with the given name.
func (s *Store) GetFeedByName(ctx context.Context, name string) (vigil.Feed, error) {
	return s.feedWhere(ctx, s.rdb(), "name = ?", strings.TrimSpace(name))
}

func (s *Store) feedWhere(ctx context.Context, c conn, cond string, arg any) (vigil.Feed, error) {
	f, err := scanFeed(c.row(ctx, `SELECT `+feedColumns+` FROM feeds WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Feed{}, vigil.Errorf(vigil.ENOTFOUND, "no feed %v: list them with GET /api/v1/feeds", arg)
	}
	if err != nil {
		return vigil.Feed{}, fmt.Errorf("get feed %v: %w", arg, err)
	}
	return s.unsealFeed(f), nil
}

// feedOrders are the orders of the list of feeds (vigil.FeedSort); the list is not
// paged, so it needs no cursor.
var feedOrders = sortedList[vigil.FeedSort, vigil.Feed]{tie: "name", orders: map[vigil.FeedSort]keyOrder[vigil.Feed]{
	vigil.FeedByName:     {col: "name", keyAsc: true},
	vigil.FeedByLastPull: {col: orNever("last_pull_at"), tieAsc: true},
	vigil.FeedByStatus:   {col: "status", keyAsc: true, tieAsc: true},
}}

// ListFeeds returns every registered feed in sort's order (by name when empty).
func (s *Store) ListFeeds(ctx context.Context, sort vigil.FeedSort) ([]vigil.Feed, error) {
	if err := sort.Check(); err != nil {
		return nil, err
	}
	rows, err := s.rdb().query(ctx, `SELECT `+feedColumns+` FROM feeds`+feedOrders.orderBy(sort.Or()))
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	defer rows.Close()
	var out []vigil.Feed
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
func (s *Store) UpdateFeed(ctx context.Context, id int64, p vigil.FeedPatch) (vigil.Feed, error) {
	var out vigil.Feed
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		cur, err := tx.feedWhere(ctx, c, "id = ?", id)
		if err != nil {
			return err
		}
		f := applyFeedPatch(cur, p)
		if err := f.Validate(); err != nil {
			return err
		}
		if err := tx.writeFeed(ctx, c, f); err != nil {
			return err
		}
		if f.Name != cur.Name {
			for _, table := range []string{"indicator_sources", "source_listings"} {
				if _, err := c.exec(ctx, `UPDATE `+table+` SET source = ? WHERE source = ?`, f.Name, cur.Name); err != nil {
					return fmt.Errorf("rename source %q: %w", cur.Name, err)
				}
			}
		}
		if err := tx.bumpVersion(ctx, c, ScopeIntel); err != nil {
			return err
		}
		out, err = tx.feedWhere(ctx, c, "id = ?", id)
		return err
	})
	return out, err
}

func applyFeedPatch(f vigil.Feed, p vigil.FeedPatch) vigil.Feed {
	out, _ := f.Patched(p) // the domain rule: another origin drops the credentials
	return out
}

func (s *Store) writeFeed(ctx context.Context, c conn, f vigil.Feed) error {
	_, err := c.exec(ctx, `UPDATE feeds SET name = ?, url = ?, collection = ?, username = ?, password = ?, token = ?,
		schedule_seconds = ?, tlp = ?, reliability = ?, credibility = ?, enabled = ?, updated_at = ? WHERE id = ?`,
		f.Name, f.URL, f.Collection, s.seal(f.Username), s.seal(f.Password), s.seal(f.Token), int64(f.Schedule/time.Second), string(f.TLP),
		vigil.AdmiraltyCode(f.Reliability, 0), int(f.Credibility), f.Enabled, dbTime(s.now()), f.ID)
	if err != nil {
		return feedWriteError(f.Name, err)
	}
	return nil
}

// DeleteFeed removes the feed and withdraws every indicator it holds; indicators no
// other source holds are removed. It returns how many indicators it withdrew. The feed's
// pull jobs still queued or running fail with why, so that the server running one stops
// it at its next lease renewal (jobTick), and nobody takes a queued one.
//
// It is ordered against a pull of the feed storing a batch (SourceImport.OfFeed): the
// feed row is locked first, so a batch that checked the feed committed before it (its
// claims are withdrawn here) or finds the feed gone once this commits, and stores
// nothing. Both then lock indicator_sources, in that order, so neither waits on the other.
func (s *Store) DeleteFeed(ctx context.Context, id int64) (vigil.Feed, int, error) {
	var f vigil.Feed
	var withdrawn int
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		var err error
		if f, err = tx.feedWhere(ctx, c, "id = ?"+tx.forUpdate(), id); err != nil {
			return err
		}
		if err := tx.failFeedPulls(ctx, c, f); err != nil {
			return err
		}
		if err := tx.lockTable(ctx, c, "indicator_sources"); err != nil {
			return err
		}
		if withdrawn, err = tx.withdrawUnmarked(ctx, c, f.Name, withdrawAll); err != nil {
			return err
		}
		if _, err = c.exec(ctx, `DELETE FROM source_listings WHERE source = ?`, f.Name); err != nil {
			return err
		}
		if _, err = c.exec(ctx, `DELETE FROM feeds WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.bumpVersion(ctx, c, ScopeIntel)
	})
	return f, withdrawn, err
}

// forShare is forUpdate for a reader that only needs the rows to stay as they are
// until its transaction ends (another may read them so too, none may change them).
func (s *Store) forShare() string {
	if s.isPG() {
		return " FOR SHARE"
	}
	return ""
}

// failFeedPulls fails feed f's pull jobs queued or running, saying it was deleted.
func (s *Store) failFeedPulls(ctx context.Context, c conn, f vigil.Feed) error {
	_, err := c.exec(ctx, `UPDATE import_jobs SET state = ?, error = ?, finished_at = ?, lease_until = NULL
		WHERE kind = ? AND feed_id = ? AND state IN (?, ?)`,
		string(vigil.JobFailed), vigil.ErrorMessage(FeedDeletedError(f.Name)), dbTime(s.now()),
		vigil.JobFeedPull, f.ID, string(vigil.JobQueued), string(vigil.JobRunning))
	if err != nil {
		return fmt.Errorf("fail the pulls of deleted feed %q: %w", f.Name, err)
	}
	return nil
}

// ErrFeedDeleted is in the error of an import whose feed was deleted while it ran
// (errors.Is): it stored nothing more, and the delete withdrew what it had stored.
var ErrFeedDeleted = errors.New("feed deleted")

// FeedDeletedError is the error of a pull or upload of feed name, which was deleted while
// it ran, worded for the person following it; it wraps ErrFeedDeleted.
func FeedDeletedError(name string) error {
	return fmt.Errorf("%w (%w)", vigil.Errorf(vigil.ECONFLICT, "feed %q was deleted while indicators were being stored for it, so this "+
		"pull or upload stopped: nothing more of it was stored, and what the feed held was withdrawn. Add the feed again (or upload "+
		"again) to fill it anew", name), ErrFeedDeleted)
}

// FeedRenamedError is the error of a pull or upload of feed name, which was renamed to
// now while it ran. The import credits the name it began with, so it stops; what it had
// stored moved to the new name with the rename. It wraps ErrFeedDeleted: the feed of
// that name is gone, and the import ends as for a deletion.
func FeedRenamedError(name, now string) error {
	return fmt.Errorf("%w (%w)", vigil.Errorf(vigil.ECONFLICT, "feed %q was renamed to %q while indicators were being stored for it, so "+
		"this pull or upload stopped: what it had stored is under the new name. Pull the feed (or upload) again to complete it", name, now), ErrFeedDeleted)
}

// feedStillThere checks, in a transaction that stores feed id's indicators under source,
// that the feed is still registered under that name, and keeps it so (FOR SHARE) until
// the transaction ends: a delete or a rename waits for the batch, then withdraws it or
// moves it to the new name (see DeleteFeed, UpdateFeed).
func (s *Store) feedStillThere(ctx context.Context, c conn, id int64, source string) error {
	var name string
	err := c.row(ctx, `SELECT name FROM feeds WHERE id = ?`+s.forShare(), id).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return FeedDeletedError(source)
	case err != nil:
		return fmt.Errorf("check feed %q is still registered: %w", source, err)
	case name != source:
		return FeedRenamedError(source, name)
	}
	return nil
}

// RecordPull records the outcome of a pull of feed id: a failure keeps the state and
// the last success time and shows the error.
func (s *Store) RecordPull(ctx context.Context, id int64, p vigil.FeedPull) error {
	status, msg, success := vigil.FeedOK, "", dbTime(p.At)
	if p.Err != nil {
		status, msg, success = vigil.FeedError, pullMessage(p.Err), nil
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
