package centre

import (
	"context"

	"github.com/vigil-health/vigil"
)

// retroHunt looks new indicators up in the keyed observable index and raises retro-hunt
// alerts for organisations that saw them earlier. (Stub: replaced by the telemetry work.)
func (s *Service) retroHunt(ctx context.Context, added []vigil.Indicator) {}

// runHousekeeping purges expired sessions and the observable index past retention until
// ctx ends. (Stub.)
func (s *Service) runHousekeeping(ctx context.Context) { <-ctx.Done() }
