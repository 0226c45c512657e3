package centre

import (
	"context"

	"github.com/vigil-health/vigil"
)

// indicatorsChanged runs after the indicator set gained or refreshed values and the new
// snapshot is live: Early Warning for organisations whose assets the indicators touch, and
// retro-hunts for organisations that saw them earlier.
func (s *Service) indicatorsChanged(ctx context.Context, added []vigil.Indicator) {
	s.warning.WarnOnIndicators(ctx, added)
	s.retroHunt(ctx, added)
}
