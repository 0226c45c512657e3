package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type overlapListIn struct {
	Org    string              `query:"org" maxLength:"20" doc:"Only overlaps in which this organisation is either side."`
	Status vigil.OverlapStatus `query:"status" enum:"open,accepted" doc:"Only overlaps in this state."`
	PageParams
}

// overlapList lists flagged overlaps between organisations' assets, oldest first.
func (a *API) overlapList(ctx context.Context, in *overlapListIn) (*pageOut[Overlap], error) {
	f := vigil.OverlapFilter{Org: in.Org, Status: in.Status, Cursor: in.Cursor, Limit: in.Limit}
	os, next, err := a.app.Orgs.Overlaps(ctx, principal(ctx), f)
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(os, overlapOut), next), nil
}
