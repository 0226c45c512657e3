package sightings

import (
	"context"

	"github.com/vigil-health/vigil"
)

// ListSightings lists the sightings p may see, newest first, and the cursor of the next
// page: every organisation's for sector roles (f.Org to pick one), their own for
// organisation roles, and for a supplier its own and its customers', without its
// customers' sightings marked TLP:AMBER+STRICT or TLP:RED. The audience is part of the
// query, so a page and its cursor hold nothing hidden. An organisation p may not see is
// answered as one that does not exist.
func (s *Service) ListSightings(ctx context.Context, p vigil.Principal, f vigil.SightingFilter) ([]vigil.Sighting, string, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, "", err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if f.Org, err = aud.PickOrg(f.Org); err != nil {
		return nil, "", err
	}
	f.Audience = &aud
	return s.store.ListSightings(ctx, f)
}
