package earlywarning

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/vigil-health/vigil/internal/warn"
)

// maxLoggedOverlaps bounds the overlaps Reroute logs one by one; the rest are counted.
const maxLoggedOverlaps = 20

// Reroute rebuilds the asset router from the organisations' registered assets and swaps
// it in. Call it after any change of assets; readers keep the old router until the swap.
func (s *Service) Reroute(ctx context.Context) error {
	s.rerouteMu.Lock()
	defer s.rerouteMu.Unlock()
	// The count first: a change committed while the claims are read is rebuilt again.
	v, err := s.store.Versions(ctx)
	if err != nil {
		return fmt.Errorf("reroute: %w", err)
	}
	claims, err := s.store.AssetClaims(ctx)
	if err != nil {
		return fmt.Errorf("reroute: %w", err)
	}
	r, overlaps := warn.NewRouter(claims)
	s.router.Store(r)
	s.version.Store(v.Assets)
	s.logRouter(ctx, r, overlaps)
	return nil
}

// logRouter reports at debug level what the new router holds and what it flagged; the
// store has already recorded overlaps for analysts, so these are for operators.
func (s *Service) logRouter(ctx context.Context, r *warn.Router, overlaps []warn.Overlap) {
	st := r.Stats()
	s.log.DebugContext(ctx, "asset router rebuilt", slog.Int("prefixes", st.Prefixes), slog.Int("domains", st.Domains),
		slog.Int("claims", st.Claims), slog.Int("invalid", st.Invalid), slog.Int("overlaps", len(overlaps)))
	for i, o := range overlaps {
		if i == maxLoggedOverlaps {
			s.log.DebugContext(ctx, "more overlapping claims", slog.Int("not_logged", len(overlaps)-i))
			break
		}
		s.log.DebugContext(ctx, "overlapping claims", slog.String("overlap", o.String()))
	}
	for _, c := range r.Invalid() {
		s.log.DebugContext(ctx, "claim left out of the router", slog.String("claim", warn.ClaimString(c)),
			slog.Any("reason", warn.ValidateClaim(c)))
	}
}
