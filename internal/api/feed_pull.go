package api

import "context"

// feedPull pulls a feed now and answers it with the outcome. A pull that fails is
// still a 200: the feed shows status "error" and why, and keeps its indicators.
func (a *API) feedPull(ctx context.Context, in *feedIDIn) (*feedResult, error) {
	f, err := a.app.ThreatIntel.PullFeed(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &feedResult{Body: feedOut(f)}, nil
}
