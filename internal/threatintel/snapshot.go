package threatintel

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/match"
)

// Recompile rebuilds the matcher snapshot from the stored indicators and swaps it in.
// Indicators whose decay score fell below feeds.Threshold, and source claims whose
// validity is over or that are kept as intelligence only, are left out (Assess says
// why). Readers keep the previous snapshot until the swap; rebuilds are serialised so
// that an older result never replaces a newer one.
func (s *Service) Recompile(ctx context.Context) error {
	s.recompileMu.Lock()
	defer s.recompileMu.Unlock()
	start, now := time.Now(), s.now()
	// The change count is read first: a change committed while the indicators are read
	// may or may not be in the snapshot, so the snapshot claims only the earlier count
	// and the next check rebuilds it.
	v, err := s.store.Versions(ctx)
	if err != nil {
		return err
	}
	b := match.NewBuilder()
	err = s.store.EachMatchable(ctx, func(si *vigil.StoredIndicator) error {
		srcs, _ := matchable(*si, now)
		for _, src := range srcs {
			b.Add(vigil.Indicator{Type: si.Type, Value: si.Value, Provenance: src.Provenance})
		}
		return nil
	})
	if err != nil {
		return err
	}
	snap := b.Build()
	s.held.swap(&s.matcher, snap, v.Intel)
	s.metrics.indicators.Set(float64(snap.Len()))
	s.log.InfoContext(ctx, "matcher recompiled", slog.Int64("version", v.Intel), slog.Int("indicators", snap.Len()),
		slog.Int("rejected", b.Rejected()), slog.Duration("took", time.Since(start)))
	return nil
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
	last := lastFresh(si)
	a := Assessment{Score: feeds.Score(si.Type, last, now)}
	_, a.Why = matchable(si, now)
	a.Matching = a.Why == ""
	return a
}

// lastFresh is when a source last published si or telemetry last sighted it.
func lastFresh(si vigil.StoredIndicator) time.Time {
	last := si.LastPublished()
	if si.LastSighted.After(last) {
		last = si.LastSighted
	}
	return last
}

// matchable returns the claims of si that match at now, or none and the reason.
func matchable(si vigil.StoredIndicator, now time.Time) ([]vigil.IndicatorSource, string) {
	if why := feeds.Why(si.Type, lastFresh(si), now); why != "" {
		return nil, why
	}
	var out []vigil.IndicatorSource
	why := ""
	for _, src := range si.Sources {
		switch {
		case src.NotForMatching != "":
			why = src.Source + ": " + src.NotForMatching
		case src.Expired(now):
			why = "expired: " + src.Source + " gave it until " + src.ValidUntil.UTC().Format(time.DateOnly)
		default:
			out = append(out, src)
		}
	}
	if len(out) > 0 {
		return out, ""
	}
	if why == "" {
		why = "no source holds it any more"
	}
	return nil, why
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
