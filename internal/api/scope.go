package api

import (
	"context"
	"slices"

	"github.com/vigil-health/vigil"
)

// scope is which organisations a caller may see: every one for sector roles, its own
// for organisation roles, and for a supplier its own and its customers'.
type scope struct {
	all       bool            // a sector role
	own       string          // the caller's organisation, if any
	customers map[string]bool // a supplier's customers
}

// scopeOf works out what p may see; for a supplier it reads the customer list.
func (a *API) scopeOf(ctx context.Context, p vigil.Principal) (scope, error) {
	s := scope{all: p.Role.Sector(), own: p.Org}
	if p.Role != vigil.RoleSupplier || p.Org == "" {
		return s, nil
	}
	cs, err := a.store.Customers(ctx, p.Org)
	if err != nil {
		return s, err
	}
	s.customers = make(map[string]bool, len(cs))
	for _, c := range cs {
		s.customers[c.ODSCode] = true
	}
	return s, nil
}

// seesOrg reports whether the caller may see the organisation with this (normalised)
// ODS code.
func (s scope) seesOrg(ods string) bool {
	return s.all || s.own != "" && ods == s.own || s.customers[ods]
}

// seesAlert reports whether the caller may see the alert. A supplier does not see its
// customers' alerts marked TLP:AMBER+STRICT or TLP:RED, which are for the organisation
// alone.
func (s scope) seesAlert(a vigil.Alert) bool {
	switch {
	case s.all, s.own != "" && a.Org == s.own:
		return true
	case s.customers[a.Org]:
		return a.TLP.Rank() < vigil.TLPAmberStrict.Rank()
	}
	return false
}

// codes returns the organisations a non-sector caller may see, in ODS-code order.
func (s scope) codes() []string {
	out := make([]string, 0, len(s.customers)+1)
	if s.own != "" {
		out = append(out, s.own)
	}
	for c := range s.customers {
		if c != s.own {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// orgNotFound is the answer for an organisation that does not exist or that the
// caller may not see: the same words either way, as the store would say them.
func orgNotFound(ods string) error {
	code, err := vigil.NormalizeODS(ods)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no organisation %q", ods)
	}
	return vigil.Errorf(vigil.ENOTFOUND, "no organisation %s", code)
}
