package api

import "context"

type feedListOut struct {
	Body struct {
		// Items are every registered feed, in name order.
		Items []Feed `json:"items" nullable:"false"`
	}
}

// feedList lists every registered feed with how its last pull went.
func (a *API) feedList(ctx context.Context, _ *struct{}) (*feedListOut, error) {
	list, err := a.app.ThreatIntel.ListFeeds(ctx, principal(ctx))
	if err != nil {
		return nil, err
	}
	out := &feedListOut{}
	out.Body.Items = mapSlice(list, feedOut)
	return out, nil
}
