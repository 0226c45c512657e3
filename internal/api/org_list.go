package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type orgListIn struct {
	Search string        `query:"q" maxLength:"100" doc:"Only organisations whose ODS code starts with this, or whose name holds it (any case)."`
	Kind   vigil.OrgKind `query:"kind" enum:"trust,gp,care_provider,supplier,centre,lso" doc:"Only organisations of this kind."`
	Region string        `query:"region" maxLength:"100" doc:"Only organisations in this region (exact match)."`
	Sort   vigil.OrgSort `query:"sort" enum:"ods_code,name,kind,region" doc:"The order: ods_code (the default), name (A to Z), kind or region, each then by ODS code. A cursor continues only the order it came from."`
	PageParams
}

// orgList lists the organisations the caller may see, in the order asked for: every one for
// sector roles, its own for organisation roles, itself and its customers for a supplier.
func (a *API) orgList(ctx context.Context, in *orgListIn) (*pageOut[Org], error) {
	f := vigil.OrgFilter{Search: in.Search, Kind: in.Kind, Region: in.Region, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit}
	os, next, err := a.app.Orgs.List(ctx, principal(ctx), f)
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(os, orgOut), next), nil
}
