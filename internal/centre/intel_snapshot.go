package centre

import "context"

// Recompile rebuilds the matcher snapshot from the stored indicators and swaps it in.
// (Stub: replaced by the intel work.)
func (s *Service) Recompile(ctx context.Context) error { return nil }

// runFeeds pulls registered feeds on their schedules until ctx ends. (Stub.)
func (s *Service) runFeeds(ctx context.Context) { <-ctx.Done() }
