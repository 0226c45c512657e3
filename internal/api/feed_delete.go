package api

import "context"

// feedDelete removes a feed and withdraws the indicators it held; indicators other
// sources also hold stay with those sources.
func (a *API) feedDelete(ctx context.Context, in *feedIDIn) (*struct{}, error) {
	if err := a.app.ThreatIntel.DeleteFeed(ctx, principal(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
