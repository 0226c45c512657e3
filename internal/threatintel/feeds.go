package threatintel

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
)

// checkTimeout bounds a feed check ("check the connection"), which a person waits for
// with a page or an API call open: a source may take up to feeds.StallTimeout to answer,
// longer than a reverse proxy in front of vigil usually waits (60 s), and the person
// would get the proxy's error rather than vigil's words.
const checkTimeout = 30 * time.Second

// checkSource tries f's source as feeds.CheckFeed does, for at most checkTimeout: a
// source that has not answered in full by then fails the check with a message saying
// so, and that a pull (which waits longer) may still work.
func (s *Service) checkSource(ctx context.Context, f vigil.Feed) feeds.Check {
	bound := cmp.Or(s.checkTimeout, checkTimeout)
	bounded, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	c := feeds.CheckFeed(bounded, s.client, s.maxIntel, f, intel.Options{Now: s.now(), Warninglists: s.benign})
	if !c.OK && bounded.Err() != nil && ctx.Err() == nil {
		c = feeds.Check{Err: fmt.Errorf("feed check stopped after %v: %w", bound, cmp.Or(c.Err, bounded.Err())),
			Message: fmt.Sprintf("the source did not answer in full within %v, the longest a check waits; a slow source or a very large list "+
				"may still be pulled (a pull waits longer): save the feed and pull it, and its page shows how the pull went", bound)}
	}
	return c
}

// feedTick is how often Run looks for feeds that are due; decayTick how often it
// recompiles with nothing new, so that indicators that aged past the threshold stop
// matching.
const (
	feedTick  = time.Minute
	decayTick = time.Hour
)

// Run pulls registered feeds on their schedules until ctx ends, one at a time, and
// recompiles the snapshot every hour so that indicators that aged out stop matching.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(feedTick)
	defer t.Stop()
	compiled := s.now()
	for {
		s.once(ctx, "feed-pulls", 0, s.pullDue) // each feed's own schedule says when it is due
		s.takeOverJobs(ctx)
		if s.now().Sub(compiled) >= decayTick {
			if err := s.RecompileAll(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "recompile for decay", slog.Any("error", err))
			}
			compiled = s.now()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// pullDue pulls every enabled feed whose schedule says it is due.
func (s *Service) pullDue(ctx context.Context) {
	list, err := s.store.ListFeeds(ctx, "")
	if err != nil {
		if ctx.Err() == nil {
			s.log.ErrorContext(ctx, "list feeds", slog.Any("error", err))
		}
		return
	}
	for _, f := range list {
		if ctx.Err() != nil {
			return
		}
		if !f.Enabled || f.Kind == vigil.FeedUpload || !feeds.Due(f.Schedule, f.LastPullAt, s.now()) {
			continue
		}
		s.pullScheduled(ctx, f)
	}
}

// pullScheduled pulls f as its schedule asks, unless a pull of it is under way or a pull
// job of it is queued (that job pulls it).
func (s *Service) pullScheduled(ctx context.Context, f vigil.Feed) {
	_, queued, err := s.store.UnfinishedFeedPull(ctx, f.ID)
	if err != nil {
		if ctx.Err() == nil {
			s.log.ErrorContext(ctx, "feed pull", slog.String("feed", f.Name), slog.Any("error", err))
		}
		return
	}
	ran := !queued && s.once(ctx, pullJobName(f.ID), 0, func(ctx context.Context) {
		switch _, err := s.pull(ctx, f, nil); {
		case errors.Is(err, store.ErrFeedDeleted):
			s.log.InfoContext(ctx, "feed pull stopped: the feed was deleted or renamed", slog.String("feed", f.Name))
		case err != nil && ctx.Err() != nil:
			s.log.InfoContext(ctx, "scheduled feed pull cut short: the server is stopping; the feed is pulled when next due",
				slog.String("feed", f.Name))
		case err != nil:
			s.log.ErrorContext(ctx, "feed pull", slog.String("feed", f.Name), slog.Any("error", err))
		}
	})
	if !ran {
		s.log.InfoContext(ctx, "feed pull skipped: the feed is being pulled already", slog.String("feed", f.Name))
	}
}

// PullFeed pulls the feed now for the sector centre's p, whatever its schedule, and
// returns it with the pull's outcome. A pull that fails is not an error here: the feed
// keeps its previous indicators and shows the error in its status. The error is for a
// feed that does not exist, one filled by uploads, or a store that fails. The pull
// commits as it goes, so it is audited afterwards and a failed audit write is logged.
func (s *Service) PullFeed(ctx context.Context, p vigil.Principal, id int64) (vigil.Feed, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Feed{}, err
	}
	f, err := s.pullFeed(ctx, id)
	if err != nil {
		return f, err
	}
	if _, err := s.store.Audit(ctx, p.Email, "feed.pull", feedTarget(f), map[string]any{"status": f.Status}); err != nil {
		s.log.ErrorContext(ctx, "audit feed pull", "feed", f.Name, "error", err)
	}
	return f, nil
}

// pullFeed is PullFeed without the check and the audit.
func (s *Service) pullFeed(ctx context.Context, id int64) (vigil.Feed, error) {
	f, err := s.store.GetFeed(ctx, id)
	if err != nil {
		return f, err
	}
	if f.Kind == vigil.FeedUpload {
		return f, vigil.Errorf(vigil.EINVALID, "feed %q is filled by uploads (POST /api/v1/intel?source=%s) and has nothing to pull", f.Name, f.Name)
	}
	var pullErr error
	if !s.once(ctx, pullJobName(f.ID), 0, func(ctx context.Context) { _, pullErr = s.pull(ctx, f, nil) }) {
		return f, errPulling(f)
	}
	if pullErr != nil {
		return f, pullErr
	}
	return s.store.GetFeed(ctx, id)
}

// pull fetches f once, stores what it found batch by batch as it is parsed, records the
// outcome and, when the indicator set changed, recompiles and runs the hooks. It reports
// whether anything changed; its error is only for the store. progress, when set, hears
// of each batch stored.
func (s *Service) pull(ctx context.Context, f vigil.Feed, progress func(vigil.ImportProgress)) (bool, error) {
	at := s.now()
	var prev feeds.State
	if len(f.State) > 0 {
		if err := json.Unmarshal(f.State, &prev); err != nil {
			s.log.WarnContext(ctx, "feed state unreadable; pulling from scratch", slog.String("feed", f.Name), slog.Any("error", err))
		}
	}
	ctx, done := s.pulls.track(ctx, f.ID)
	defer done()
	imp, err := s.newImporter(ctx, f, progress)
	if err != nil {
		return false, err
	}
	if feeds.WholeSet(f) {
		imp.imp.WholeSet(at)
	}
	res, err := feeds.FetchLimited(ctx, s.client, s.maxIntel, f, intel.Options{Now: at, Warninglists: s.benign}, prev, imp.add)
	if gone := deletedFeed(ctx, imp.err); gone != nil {
		return false, gone // nothing to record: the feed's row is gone, or names another source now
	}
	if err != nil && ctx.Err() != nil {
		// Cut short (the server stopping, a job lost to another server): no fault of the
		// feed's. The batches stored stay, and the next pull fetches them again.
		return false, err
	}
	if err != nil {
		s.metrics.feedPulls.WithLabelValues("error").Inc()
		s.log.WarnContext(ctx, "feed pull failed", slog.String("feed", f.Name), slog.Any("error", err))
		// A delta that failed part way is kept; so is what a long pull stored before it
		// failed (its state does not move and nothing is withdrawn). A short one that
		// failed stored nothing yet and keeps the feed's previous set as it was.
		if res.Partial || imp.done.Stored > 0 {
			return s.keep(ctx, f, at, res, imp, err)
		}
		return false, s.store.RecordPull(ctx, f.ID, vigil.FeedPull{At: at, Err: pullError(err)})
	}
	if res.NotModified {
		s.metrics.feedPulls.WithLabelValues("not_modified").Inc()
		if feeds.WholeSet(f) { // the list stands as last pulled: every value on it is listed again now
			if err := s.store.ConfirmListing(ctx, f.Name, at); err != nil {
				return false, err
			}
		}
		return false, s.store.RecordPull(ctx, f.ID, vigil.FeedPull{At: at, State: stateJSON(res.State)})
	}
	return s.keep(ctx, f, at, res, imp, nil)
}

// keep stores the rest of what a pull fetched, withdraws after a complete pull what it
// no longer lists, records the pull and, when the indicator set changed, publishes it.
// pullErr is nil for a pull that succeeded; otherwise what it fetched is kept and, for a
// delta that failed part way (Result.Partial), its state moves past it, so the next pull
// resumes there rather than failing on the same page with nothing kept; the feed still
// shows the error.
func (s *Service) keep(ctx context.Context, f vigil.Feed, at time.Time, res feeds.Result, imp *importer, pullErr error) (bool, error) {
	ch, err := imp.finish(res.Complete)
	if gone := deletedFeed(ctx, err); gone != nil {
		return false, gone
	}
	if err != nil {
		if pullErr == nil {
			s.metrics.feedPulls.WithLabelValues("error").Inc()
			pullErr = errors.New("the pulled indicators could not be stored; see the server log")
		}
		_ = s.store.RecordPull(ctx, f.ID, vigil.FeedPull{At: at, Err: pullError(pullErr)})
		return false, err
	}
	if pullErr == nil {
		s.metrics.feedPulls.WithLabelValues("ok").Inc()
	}
	s.metrics.indicatorsLoaded.Add(float64(imp.done.Stored))
	if err := s.store.RecordPull(ctx, f.ID, vigil.FeedPull{At: at, Err: pullError(pullErr), State: stateJSON(res.State),
		Counts: importCounts(reportOf(res), ch)}); err != nil {
		return false, err
	}
	return ch.Added+ch.Withdrawn+imp.changedCount > 0, s.publish(ctx, imp, ch)
}

// deletedFeed is the error of a pull whose feed was deleted (or renamed) while it ran,
// found by the pull's context (cancelled on this server by DeleteFeed) or by a batch the
// store refused (deleted at another server, or renamed anywhere); nil while the feed is
// there under the name the pull stores for.
func deletedFeed(ctx context.Context, storeErr error) error {
	if cause := context.Cause(ctx); errors.Is(cause, store.ErrFeedDeleted) {
		return cause
	}
	if errors.Is(storeErr, store.ErrFeedDeleted) {
		return storeErr
	}
	return nil
}

// pullJobName is the lease one pull of feed id holds, on whichever server, so that two
// complete pulls of a feed never overlap (each would withdraw what the other stored);
// cluster.Service.Once keeps one server from running it twice at once too.
func pullJobName(id int64) string { return "feed-pull-" + strconv.FormatInt(id, 10) }

// pullError is the error as the feed's page shows it to a person: what vigil said of the
// pull (the URL redacted, the step), with the failure beneath it worded by
// feeds.FailureReason rather than as the network library put it ("dial tcp
// 10.0.0.5:443: connect: connection refused" names what was dialled, and helps nobody
// fix it). The server log keeps the raw error.
func pullError(err error) error {
	if err == nil {
		return nil
	}
	if why := feeds.Worded(err, "feed_allow_private"); why != err.Error() {
		return errors.New(why)
	}
	return err // vigil's own words already
}

func stateJSON(st feeds.State) json.RawMessage {
	b, _ := json.Marshal(st)
	return b
}

func reportOf(res feeds.Result) *intel.Report {
	if res.Report == nil {
		return &intel.Report{}
	}
	return res.Report
}
