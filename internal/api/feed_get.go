package api

import "context"

// feedGet returns one feed with how its last pull went.
func (a *API) feedGet(ctx context.Context, in *feedIDIn) (*feedResult, error) {
	f, err := a.app.ThreatIntel.GetFeed(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &feedResult{Body: feedOut(f)}, nil
}
