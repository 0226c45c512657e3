package centre

import (
	"context"
	"io"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// Recompile rebuilds the matcher snapshot from the stored indicators and swaps it in.
// (Stub: replaced by the intel work.)
func (s *Service) Recompile(ctx context.Context) error { return nil }

// runFeeds pulls registered feeds on their schedules until ctx ends. (Stub.)
func (s *Service) runFeeds(ctx context.Context) { <-ctx.Done() }

// IntelUpload describes an uploaded intel file.
type IntelUpload struct {
	// Source is the source name the indicators are credited to.
	Source string
	// TLP marks indicators the file does not mark itself.
	TLP vigil.TLP
	// Name is the file name, for the report.
	Name string
	// By is who uploaded it, for the audit log.
	By string
}

// ImportIntel imports one uploaded file (any supported format, gzip allowed), stores its
// indicators with their provenance, recompiles the matcher and runs Early Warning and
// retro-hunts for what is new. (Stub.)
func (s *Service) ImportIntel(ctx context.Context, u IntelUpload, r io.Reader) (*intel.Report, error) {
	return &intel.Report{}, nil
}

// indicatorSighted resets the decay of the indicator an organisation's telemetry just
// matched. (Stub.)
func (s *Service) indicatorSighted(ctx context.Context, t vigil.IndicatorType, value string, at time.Time) {
}
