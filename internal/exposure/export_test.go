package exposure

import "context"

// Check is check for the tests and benchmarks of package exposure_test.
func (s *Service) Check(ctx context.Context, org string) (Outcome, error) { return s.check(ctx, org) }
