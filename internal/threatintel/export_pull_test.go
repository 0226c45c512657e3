package threatintel

import "context"

// PullDue runs one pass of the scheduled pulls, as Run does on its tick.
func PullDue(s *Service, ctx context.Context) { s.pullDue(ctx) }
