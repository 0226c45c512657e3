package threatintel

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/store"
)

// Recompile brings the live matcher snapshot up to date with the stored indicators and
// swaps it in. When the store's log of changed indicators covers everything since the
// version the snapshot holds, and the change is not large, only the changed indicators
// are read and applied on top of the current snapshot (match.Snapshot.Apply): that is
// what another server does after an announcement, in milliseconds rather than the
// seconds of a full rebuild. Otherwise, and once the changes applied add up to a sizeable
// part of the snapshot, it rebuilds in full (RecompileAll). Readers keep the previous
// snapshot until the swap; rebuilds are serialised so that an older result never
// replaces a newer one.
func (s *Service) Recompile(ctx context.Context) error {
	s.recompileMu.Lock()
	defer s.recompileMu.Unlock()
	applied, err := s.applyChanges(ctx)
	if err != nil || applied {
		return err
	}
	return s.rebuild(ctx)
}

// RecompileAll rebuilds the matcher snapshot from every stored indicator and swaps it in.
// Indicators whose decay score fell below feeds.Threshold, and source claims whose
// validity is over or that are kept as intelligence only, are left out (Assess says
// why). The hourly decay tick runs it, and Recompile falls back to it: it is the safety
// net under the incremental path. It then prunes the change log up to what every live
// server holds.
func (s *Service) RecompileAll(ctx context.Context) error {
	s.recompileMu.Lock()
	defer s.recompileMu.Unlock()
	return s.rebuild(ctx)
}

// Limits of the incremental path. Applying a change compiles every change applied since
// the last full rebuild again (match.Snapshot.Apply), so its cost grows with them: a
// change naming more indicators than maxDelta, or leaving more applied changes than
// mergeAt allows for the snapshot's size, rebuilds in full instead. Large imports then
// cost what they always did, and the small changes after them start from a fresh base.
const (
	maxDelta    = 10_000
	minMergeAt  = 8192
	logLiveness = time.Minute // a server silent for longer no longer holds back pruning
)

// mergeAt is how many applied changes a snapshot of n indicators carries before the
// next change rebuilds it whole: about what compiles in a few tens of milliseconds.
func mergeAt(n int) int { return minMergeAt + n/64 }

// rebuild is RecompileAll with recompileMu held.
func (s *Service) rebuild(ctx context.Context) error {
	start, now := time.Now(), s.now()
	// The change count is read first: a change committed while the indicators are read
	// may or may not be in the snapshot, so the snapshot claims only the earlier count
	// and the next check applies it again. The same holds for the store reading ranges
	// of ids in snapshots of their own (store.EachMatchable): an indicator read other
	// than as it stood at the count was changed after it, and is logged after it.
	v, err := s.store.Versions(ctx)
	if err != nil {
		return err
	}
	b, keep, err := s.readAll(ctx, now)
	if err != nil {
		return err
	}
	snap := b.Build()
	s.held.swap(&s.matcher, snap, v.Intel)
	s.metrics.indicators.Set(float64(snap.Len()))
	s.metrics.recompiles.WithLabelValues("full").Inc()
	s.log.InfoContext(ctx, "matcher recompiled", slog.Int64("version", v.Intel), slog.Int("indicators", snap.Len()),
		slog.Int("rejected", b.Rejected()), slog.Duration("took", time.Since(start)))
	// The ranges read from the rows are kept for the next rebuild only now, so that the
	// matcher never waits for them; a failure costs the next rebuild their rows again.
	if err := keep(ctx); err != nil {
		s.log.WarnContext(ctx, "keep the matcher's read", slog.Any("error", err))
	}
	if err := s.store.PruneIntelChanges(ctx, v.Intel, now.Add(-logLiveness)); err != nil {
		s.log.WarnContext(ctx, "prune the log of changed indicators", slog.Any("error", err))
	}
	return nil
}

// readAll reads every stored indicator's matchable claims into a Builder. The store
// decodes rows (or the ranges it kept from an earlier read: store.EachMatchableKept) on
// a goroutine per core and hands them over here in id order; the claims are added on
// another goroutine, a batch at a time, so that filing values overlaps with reading.
// keep writes back what the store read from rows this time. The batches are small and
// few (a claim is 232 bytes until added): they are live through the whole read, at the
// rebuild's peak of memory, where 4096 claims and 4 waiting held 5 MB. They go back
// and forth rather than being made anew: a new batch for every 1024 claims was most of
// what a rebuild allocated (232 MB a million), and so most of its garbage collections.
func (s *Service) readAll(ctx context.Context, now time.Time) (*match.Builder, store.KeepMatchable, error) {
	const batch, inFlight = 1024, 2
	b := match.NewBuilder()
	batches := make(chan []vigil.Indicator, inFlight)
	free := make(chan []vigil.Indicator, inFlight+1)
	for range inFlight + 1 {
		free <- make([]vigil.Indicator, 0, batch)
	}
	added := make(chan struct{})
	go func() {
		defer close(added)
		for claims := range batches {
			for _, c := range claims {
				b.Add(c) // keeps nothing of c: the batch can be filled again
			}
			free <- claims[:0]
		}
	}()
	claims := <-free
	keep, err := s.store.EachMatchableKept(ctx, func(si *vigil.StoredIndicator) error {
		eachMatching(si, now, func(src *vigil.IndicatorSource) {
			claims = append(claims, vigil.Indicator{Type: si.Type, Value: si.Value, Provenance: src.Provenance})
		})
		if len(claims) >= batch {
			batches <- claims
			claims = <-free
		}
		return nil
	})
	batches <- claims
	close(batches)
	<-added
	return b, keep, err
}

// applyChanges applies the indicators changed since the snapshot's version on top of
// it, reporting false when it cannot (nothing compiled yet, the log does not reach back
// far enough, too many changes) and a full rebuild must do.
func (s *Service) applyChanges(ctx context.Context) (bool, error) {
	start, now := time.Now(), s.now()
	cur, held := s.matcher.Load(), s.MatcherVersion()
	if held == 0 {
		return false, nil
	}
	v, err := s.store.Versions(ctx)
	if err != nil {
		return false, err
	}
	if v.Intel <= held {
		return true, nil
	}
	ch, err := s.store.IntelChangesSince(ctx, held, maxDelta)
	if err != nil || !ch.Complete || cur.OverlayLen()+len(ch.Keys) > mergeAt(cur.Len()) {
		return false, err
	}
	var claims []vigil.Indicator
	err = s.store.EachMatchableOf(ctx, ch.Keys, func(si *vigil.StoredIndicator) error {
		srcs, _ := matchable(*si, now)
		for _, src := range srcs {
			claims = append(claims, vigil.Indicator{Type: si.Type, Value: si.Value, Provenance: src.Provenance})
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	snap, ok := cur.Apply(ch.Keys, claims)
	if !ok || snap.OverlayLen() > mergeAt(snap.Len()) {
		return false, nil
	}
	s.held.swap(&s.matcher, snap, v.Intel)
	s.metrics.indicators.Set(float64(snap.Len()))
	s.metrics.recompiles.WithLabelValues("changes").Inc()
	s.log.InfoContext(ctx, "matcher changes applied", slog.Int64("version", v.Intel), slog.Int("changed", len(ch.Keys)),
		slog.Int("indicators", snap.Len()), slog.Int("overlay", snap.OverlayLen()), slog.Duration("took", time.Since(start)))
	return true, nil
}

// Assessment says whether a stored indicator takes part in matching, and why not.
type Assessment struct {
	// Score is the decay score in (0, 1]: 1 when just published or sighted.
	Score float64
	// Matching is true when the indicator is in the live snapshot (as of the last recompile).
	Matching bool
	// Why explains, for a person, why it does not match; empty when it does.
	Why string
}

// Assess judges si at now the way Recompile does.
func Assess(si vigil.StoredIndicator, now time.Time) Assessment {
	last := lastFresh(&si)
	a := Assessment{Score: feeds.Score(si.Type, last, now)}
	_, a.Why = matchable(si, now)
	a.Matching = a.Why == ""
	return a
}

// lastFresh is when a source last published si or telemetry last sighted it.
func lastFresh(si *vigil.StoredIndicator) time.Time {
	last := si.LastPublished()
	if si.LastSighted.After(last) {
		last = si.LastSighted
	}
	return last
}

// matchable returns the claims of si that match at now, or none and the reason.
func matchable(si vigil.StoredIndicator, now time.Time) ([]vigil.IndicatorSource, string) {
	var out []vigil.IndicatorSource
	why := eachMatching(&si, now, func(src *vigil.IndicatorSource) { out = append(out, *src) })
	return out, why
}

// eachMatching calls yield with each claim of si that matches at now, and returns ""
// when there was one, the reason none matches otherwise. It is matchable for a rebuild,
// which copies each claim once, where it is filed, rather than into a slice of its own
// first (an allocation an indicator).
func eachMatching(si *vigil.StoredIndicator, now time.Time, yield func(*vigil.IndicatorSource)) string {
	if why := feeds.Why(si.Type, lastFresh(si), now); why != "" {
		return why
	}
	why, n := "", 0
	for i := range si.Sources {
		src := &si.Sources[i]
		switch {
		case src.NotForMatching != "":
			why = src.Source + ": " + src.NotForMatching
		case src.Expired(now):
			why = "expired: " + src.Source + " gave it until " + src.ValidUntil.UTC().Format(time.DateOnly)
		default:
			yield(src)
			n++
		}
	}
	if n > 0 {
		return ""
	}
	if why == "" {
		why = "no source holds it any more"
	}
	return why
}

// IndicatorSighted resets the decay of the indicator an organisation's telemetry just
// matched. It is one conditional update (the store skips sightings within the hour);
// the next recompile sees the new score. Errors are logged, not returned: a sighting
// must never fail for want of this bookkeeping.
func (s *Service) IndicatorSighted(ctx context.Context, t vigil.IndicatorType, value string, at time.Time) {
	if err := s.store.MarkSighted(ctx, t, value, at); err != nil {
		s.log.WarnContext(ctx, "mark indicator sighted", slog.String("type", string(t)), slog.Any("error", err))
	}
}
