package alerts

import (
	"context"

	"github.com/vigil-health/vigil"
)

// Groups returns a page of the alerts p may see grouped by problem (vigil.AlertGroup),
// the problems at the most organisations first, and the cursor of the next page: how a
// supplier sees one problem across its customers as one row. A supplier's groups hold
// its customers' alerts only (its own are in List). The audience is part of the query,
// so a group counts nothing p may not see.
func (s *Service) Groups(ctx context.Context, p vigil.Principal, f vigil.AlertGroupFilter) ([]vigil.AlertGroup, string, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, "", err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if p.Role == vigil.RoleSupplier {
		aud.Own = "" // seeing less is always safe
	}
	f.Audience = &aud
	return s.store.GroupAlerts(ctx, f)
}

// OpenCounts counts the unresolved alerts p may see, per organisation, in ODS-code
// order: a supplier's list of customers shows how many each has.
func (s *Service) OpenCounts(ctx context.Context, p vigil.Principal) ([]vigil.OrgAlertCount, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.store.CountOpenAlerts(ctx, &aud)
}
