package exposure

import "context"

// Check is check for the tests and benchmarks of package exposure_test.
func (s *Service) Check(ctx context.Context, org string) (Outcome, error) { return s.check(ctx, org) }

// RecheckAll is checkAll for the benchmarks of package exposure_test.
func RecheckAll(ctx context.Context, s *Service, orgs []string) error { return s.checkAll(ctx, orgs) }

// SetCheckBatch makes a re-check of many check n organisations together; 1 checks them
// one by one, as before batches, for comparison.
func SetCheckBatch(s *Service, n int) { s.batch = n }

// PullDue is pullDue, the scheduled pass, for the tests of package exposure_test.
func PullDue(s *Service, ctx context.Context) { s.pullDue(ctx) }
