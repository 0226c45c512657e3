package incidents

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Case is an incident with everything recorded about it, as its page shows it.
type Case struct {
	// Incident is the incident itself.
	vigil.Incident
	// Suggested is the NCSC category the report's answers suggest.
	Suggested vigil.NCSCCategory
	// OrgName is the organisation's name.
	OrgName string
	// Timeline is what happened to it, oldest first.
	Timeline []vigil.IncidentEntry
	// Links are the alerts, indicators and organisations linked to it.
	Links []vigil.IncidentLink
	// Evidence are its files (without their content); empty for a supplier, whose
	// Case also names people without their e-mail addresses (forSupplier).
	Evidence []vigil.Evidence
	// FilesWithheld says Evidence is empty because the reader is a supplier, not
	// because there are none: a page must not tell a supplier "no files".
	FilesWithheld bool
}

// List returns a page of the incidents p may see that f selects, and the next page's
// cursor: the centre's board, or an organisation's own list.
func (s *Service) List(ctx context.Context, p vigil.Principal, f vigil.IncidentFilter) ([]vigil.Incident, string, error) {
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
	if p.Role == vigil.RoleSupplier && f.Assignee != "" {
		// A supplier is told of the centre's people only as "the sector centre": a
		// filter by address would tell, by what it returns, whether a guess is right.
		return nil, "", vigil.Errorf(vigil.EINVALID, "a supplier cannot filter incidents by assignee: a supplier is not told who handles an incident")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "status %q is not one of new, triaged, contained, recovered, closed", f.Status)
	}
	if f.Category != 0 && !f.Category.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "category must be 1 to 6, not %d", f.Category)
	}
	f.Audience = &aud
	list, next, err := s.store.ListIncidents(ctx, f)
	if err != nil {
		return nil, "", err
	}
	named := map[string]*people{} // by organisation: a supplier serves a few
	for i, inc := range list {
		if !forSupplier(p, inc) {
			continue
		}
		if named[inc.Org] == nil {
			org, err := s.store.GetOrg(ctx, inc.Org)
			if err != nil {
				return nil, "", err
			}
			named[inc.Org] = newPeople(ctx, s.store, org.ODSCode, org.Name)
		}
		list[i] = named[inc.Org].incident(inc)
	}
	return list, next, nil
}

// Get returns incident id with its timeline, links and files, when p may see it.
func (s *Service) Get(ctx context.Context, p vigil.Principal, id int64) (Case, error) {
	if err := p.Need(vigil.People...); err != nil {
		return Case{}, err
	}
	var c Case
	// Reads only: no transaction, so that reading never waits for SQLite's writer.
	err := func(tx *store.Store) error {
		inc, _, err := visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		org, err := tx.GetOrg(ctx, inc.Org)
		if err != nil {
			return err
		}
		c = Case{Incident: inc, Suggested: vigil.SuggestCategory(org.Kind, inc), OrgName: org.Name}
		if c.Timeline, err = tx.IncidentEntries(ctx, id); err != nil {
			return err
		}
		if c.Links, err = tx.IncidentLinks(ctx, id); err != nil {
			return err
		}
		if forSupplier(p, inc) {
			c = newPeople(ctx, tx, org.ODSCode, org.Name).forSupplierCase(c)
			return nil
		}
		c.Evidence, err = tx.IncidentEvidence(ctx, id)
		return err
	}(s.store)
	return c, err
}
