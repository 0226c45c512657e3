package api

import "context"

// feedDelete removes a feed and withdraws the indicators it held; indicators other
// sources also hold stay with those sources.
func (a *API) feedDelete(ctx context.Context, in *feedIDIn) (*struct{}, error) {
	if err := a.centre.DeleteFeed(ctx, in.ID, principal(ctx).Email); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
