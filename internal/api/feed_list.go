package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type feedListIn struct {
	Sort vigil.FeedSort `query:"sort" enum:"name,last_pull,status" doc:"The order: name (the default), last_pull (most recently pulled first, those never pulled last) or status (failing first: error, never, ok); ties by name."`
}

type feedListOut struct {
	Body struct {
		// Items are every registered feed, in the order asked for.
		Items []Feed `json:"items" nullable:"false"`
	}
}

// feedList lists every registered feed with how its last pull went.
func (a *API) feedList(ctx context.Context, in *feedListIn) (*feedListOut, error) {
	list, err := a.app.ThreatIntel.ListFeeds(ctx, principal(ctx), in.Sort)
	if err != nil {
		return nil, err
	}
	out := &feedListOut{}
	out.Body.Items = mapSlice(list, feedOut)
	return out, nil
}
