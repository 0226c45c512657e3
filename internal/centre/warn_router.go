package centre

import (
	"context"

	"github.com/vigil-health/vigil"
)

// Reroute rebuilds the asset router from the organisations' registered assets and swaps
// it in. (Stub: replaced by the Early Warning work.)
func (s *Service) Reroute(ctx context.Context) error { return nil }

// warnOnIndicators raises Early Warning alerts for organisations whose assets the
// indicators touch. (Stub.)
func (s *Service) warnOnIndicators(ctx context.Context, added []vigil.Indicator) {}

// runDigest writes the daily digest at the configured hour until ctx ends. (Stub.)
func (s *Service) runDigest(ctx context.Context) { <-ctx.Done() }
