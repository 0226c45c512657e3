package orgs

import (
	"context"

	"github.com/vigil-health/vigil"
)

// Get returns an organisation p may see; any other is not found. A supplier sees its
// customers without their contacts: their staff's details are not the supplier's to see.
func (s *Service) Get(ctx context.Context, p vigil.Principal, ods string) (vigil.Org, error) {
	if err := p.Need(vigil.People...); err != nil {
		return vigil.Org{}, err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return vigil.Org{}, err
	}
	code, err := vigil.NormalizeODS(ods)
	if err != nil || !aud.SeesOrg(code) {
		return vigil.Org{}, vigil.OrgNotFound(ods)
	}
	o, err := s.store.GetOrg(ctx, code)
	if err != nil {
		return vigil.Org{}, err
	}
	return withoutForeignContacts(aud, o), nil
}

// withoutForeignContacts drops the contacts of an organisation that is not the
// audience's own, unless the audience is the sector's.
func withoutForeignContacts(aud vigil.Audience, o vigil.Org) vigil.Org {
	if !aud.All && o.ODSCode != aud.Own {
		o.Contacts = nil
	}
	return o
}

// List returns a page of the organisations p may see, in f.Sort's order, and the cursor
// of the next page ("" on the last): every one for sector roles, its own for
// organisation roles, itself and its customers (without their contacts) for a supplier.
// The audience is part of the query, as for alerts and sightings.
func (s *Service) List(ctx context.Context, p vigil.Principal, f vigil.OrgFilter) ([]vigil.Org, string, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, "", err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, "", err
	}
	f.Audience = &aud
	orgs, next, err := s.store.ListOrgs(ctx, f)
	for i := range orgs {
		orgs[i] = withoutForeignContacts(aud, orgs[i])
	}
	return orgs, next, err
}

// Overlaps returns a page of the flagged overlaps between organisations' assets, oldest
// first, and the cursor of the next page; sector roles only.
func (s *Service) Overlaps(ctx context.Context, p vigil.Principal, f vigil.OverlapFilter) ([]vigil.Overlap, string, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, "", err
	}
	return s.store.ListOverlaps(ctx, f)
}
