package api

import "context"

// feedPull pulls a feed now and answers it with the outcome. A pull that fails is
// still a 200: the feed shows status "error" and why, and keeps its indicators.
func (a *API) feedPull(ctx context.Context, in *feedIDIn) (*feedResult, error) {
	f, err := a.centre.PullFeed(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if _, err := a.store.Audit(ctx, principal(ctx).Email, "feed.pull", feedTarget(f), map[string]any{"status": f.Status}); err != nil {
		a.log.ErrorContext(ctx, "audit feed pull", "feed", f.Name, "error", err)
	}
	return &feedResult{Body: feedOut(f)}, nil
}
