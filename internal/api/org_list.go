package api

import (
	"context"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

type orgListIn struct {
	Kind   vigil.OrgKind `query:"kind" enum:"trust,gp,care_provider,supplier,centre" doc:"Only organisations of this kind."`
	Region string        `query:"region" maxLength:"100" doc:"Only organisations in this region (exact match)."`
	PageParams
}

// orgList lists the organisations the caller may see, in ODS-code order: every one for
// sector roles, its own for organisation roles, itself and its customers for a supplier.
func (a *API) orgList(ctx context.Context, in *orgListIn) (*pageOut[Org], error) {
	p := principal(ctx)
	if !p.Role.Sector() {
		return a.orgListOwn(ctx, p, in)
	}
	f := vigil.OrgFilter{Kind: in.Kind, Region: in.Region, Cursor: in.Cursor, Limit: in.Limit}
	orgs, next, err := a.store.ListOrgs(ctx, f)
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(orgs, func(o vigil.Org) Org { return orgOut(o, true) }), next), nil
}

// orgListOwn lists a non-sector caller's organisation and, for a supplier, its
// customers, paged here: there are few.
func (a *API) orgListOwn(ctx context.Context, p vigil.Principal, in *orgListIn) (*pageOut[Org], error) {
	cur, err := decodeMultiCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	own, err := a.store.GetOrg(ctx, p.Org)
	if err != nil {
		return nil, err
	}
	orgs := []vigil.Org{own}
	if p.Role == vigil.RoleSupplier {
		cs, err := a.store.Customers(ctx, p.Org)
		if err != nil {
			return nil, err
		}
		orgs = append(orgs, cs...)
		slices.SortFunc(orgs, func(x, y vigil.Org) int { return strings.Compare(x.ODSCode, y.ODSCode) })
	}
	var items []Org
	next := ""
	for _, o := range orgs {
		if o.ODSCode <= cur.Org || in.Kind != "" && o.Kind != in.Kind || in.Region != "" && o.Region != in.Region {
			continue
		}
		if len(items) == limitOf(in.Limit) {
			next = multiCursor{Org: items[len(items)-1].ODSCode}.encode()
			break
		}
		items = append(items, orgOut(o, o.ODSCode == p.Org))
	}
	return newPage(items, next), nil
}
