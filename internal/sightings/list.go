package sightings

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// ListSightings lists the sightings p may see, in f.Sort's order, and the cursor of the next
// page: every organisation's for sector roles (f.Org to pick one), their own for
// organisation roles, and for a supplier its own and its customers', without its
// customers' sightings marked TLP:AMBER+STRICT or TLP:RED. The audience is part of the
// query, so a page and its cursor hold nothing hidden. An organisation p may not see is
// answered as one that does not exist. Each sighting names the alert it raised when p
// may see that alert.
func (s *Service) ListSightings(ctx context.Context, p vigil.Principal, f vigil.SightingFilter) ([]vigil.Sighting, string, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, "", err
	}
	if f.Type != "" && !f.Type.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "indicator type %q is not known: use one of %s", f.Type, vigil.IndicatorTypeNames())
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if f.Org, err = aud.PickOrg(f.Org); err != nil {
		return nil, "", err
	}
	f.Audience = &aud
	list, next, err := s.store.ListSightings(ctx, f)
	if err != nil {
		return nil, "", err
	}
	if err := s.linkAlerts(ctx, aud, list); err != nil {
		return nil, "", err
	}
	return list, next, nil
}

// linkAlerts sets each sighting's Alert to the alert its upload raised (the same key
// sightingAlert gives it), when aud may see that alert: a repeat may have marked the
// alert more strictly than the sighting.
func (s *Service) linkAlerts(ctx context.Context, aud vigil.Audience, list []vigil.Sighting) error {
	keys := make([]store.AlertKey, len(list))
	for i, r := range list {
		keys[i] = sightingKey(r)
	}
	found, err := s.store.AlertsByKey(ctx, keys)
	if err != nil {
		return err
	}
	for i := range list {
		if a, ok := found[keys[i]]; ok && aud.SeesAlert(a) {
			list[i].Alert = a.ID
		}
	}
	return nil
}

// sightingKey is the key of the alert a sighting raised.
func sightingKey(r vigil.Sighting) store.AlertKey {
	return store.AlertKey{Org: r.Org, DedupKey: dedupKey("sighting", r.Day.Format(time.DateOnly), string(r.ObservableType),
		r.Observable, string(r.IndicatorType), r.Indicator)}
}
