package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type assetListIn struct {
	Status vigil.AssetStatus `query:"status" enum:"pending,approved" doc:"Only assets in this state: pending for the claims waiting for review."`
	Org    string            `query:"org" maxLength:"20" doc:"Only this organisation's assets."`
	PageParams
}

// assetList lists organisations' assets, in the order they were claimed, with their
// overlaps: a sector analyst's review queue.
func (a *API) assetList(ctx context.Context, in *assetListIn) (*pageOut[OrgAsset], error) {
	f := vigil.AssetFilter{Status: in.Status, Org: in.Org, Cursor: in.Cursor, Limit: in.Limit}
	as, next, err := a.app.Orgs.Assets(ctx, principal(ctx), f)
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(as, orgAssetOut), next), nil
}
