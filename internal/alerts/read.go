package alerts

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Get returns alert id when p may see it. An alert p may not see is not found, in the
// same words as one that does not exist, so that alert numbers tell a caller nothing.
func (s *Service) Get(ctx context.Context, p vigil.Principal, id int64) (vigil.Alert, error) {
	if err := p.Need(vigil.People...); err != nil {
		return vigil.Alert{}, err
	}
	return visible(ctx, s.store, p, id)
}

// List returns a page of the alerts p may see that f selects, newest first, and the
// cursor of the next page ("" on the last). Sector roles see every organisation's, and
// f.Org goes to the store as given (an unknown code lists nothing); organisation roles
// see their own; a supplier its own and its customers' (but not their TLP:AMBER+STRICT
// or TLP:RED ones). The audience is part of the query, so a page and its cursor hold
// nothing hidden. Naming an organisation p may not see is not found.
func (s *Service) List(ctx context.Context, p vigil.Principal, f vigil.AlertFilter) ([]vigil.Alert, string, error) {
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
	return s.store.ListAlerts(ctx, f)
}

// visible reads alert id through st (the store, or the transaction a change runs in)
// when p may see it, and answers not found otherwise.
func visible(ctx context.Context, st *store.Store, p vigil.Principal, id int64) (vigil.Alert, error) {
	aud, err := st.Audience(ctx, p)
	if err != nil {
		return vigil.Alert{}, err
	}
	al, err := st.GetAlert(ctx, id)
	if err != nil {
		return vigil.Alert{}, err
	}
	if !aud.SeesAlert(al) {
		return vigil.Alert{}, vigil.Errorf(vigil.ENOTFOUND, "no alert %d", id)
	}
	return al, nil
}
