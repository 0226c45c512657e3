package exposure

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// Board lists the vulnerabilities found, one line each with how many organisations they
// affect and how far those are with them, in sort's order (most urgent first when
// empty). The sector centre sees every organisation; an organisation's people see their
// own findings only.
func (s *Service) Board(ctx context.Context, p vigil.Principal, sort vigil.VulnSort) ([]vigil.VulnSummary, error) {
	org, err := boardScope(p)
	if err != nil {
		return nil, err
	}
	if err := sort.Check(); err != nil {
		return nil, err
	}
	list, err := s.store.VulnBoard(ctx, org)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, boardOrder(sort.Or()))
	return list, nil
}

// Vulnerability returns one vulnerability's findings, by any of its IDs (a CVE finds the
// GHSA it is an alias of): which organisations, which components, and the state of
// each one's alert. An organisation's people see their own finding only; a vulnerability
// not found at any organisation p may see is not found.
func (s *Service) Vulnerability(ctx context.Context, p vigil.Principal, id string) ([]vigil.Exposure, error) {
	org, err := boardScope(p)
	if err != nil {
		return nil, err
	}
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 200 {
		return nil, vigil.Errorf(vigil.EINVALID, "give a vulnerability ID such as CVE-2021-44228 or GHSA-jfh8-c2jp-5v3q")
	}
	list, err := s.store.VulnExposures(ctx, s.snap.Load().cache.DB().Root(id), org)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "vulnerability %s is not found at any organisation you may see", id)
	}
	return list, nil
}

// boardScope is the organisation whose findings p may see, "" for all of them.
func boardScope(p vigil.Principal) (string, error) {
	if err := p.Need(vigil.AlertWorkers...); err != nil {
		return "", err
	}
	if p.Role.Sector() {
		return "", nil
	}
	if p.Org == "" {
		return "", vigil.Errorf(vigil.EFORBIDDEN, "your account belongs to no organisation")
	}
	return p.Org, nil
}

// boardOrder compares two lines of the board in one of its orders; ties follow the ID.
func boardOrder(sort vigil.VulnSort) func(a, b vigil.VulnSummary) int {
	return func(a, b vigil.VulnSummary) int {
		var c int
		switch sort {
		case vigil.VulnBySeverity:
			c = cmp.Or(cmpBool(b.KEV, a.KEV), cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(b.Score, a.Score))
		case vigil.VulnByOrgs:
			c = cmp.Compare(b.Orgs, a.Orgs)
		case vigil.VulnByOverdue:
			c = cmp.Or(cmp.Compare(b.Overdue, a.Overdue), cmp.Compare(b.Orgs, a.Orgs))
		case vigil.VulnByEPSS:
			c = cmp.Compare(b.EPSS, a.EPSS)
		case vigil.VulnByNewest:
			c = b.FirstFound.Compare(a.FirstFound)
		}
		return cmp.Or(c, cmp.Compare(a.ID, b.ID))
	}
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
