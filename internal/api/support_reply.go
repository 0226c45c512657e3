package api

import "context"

type supportReplyIn struct {
	ID   int64 `path:"id" doc:"The request's number."`
	Body struct {
		Body string `json:"body" maxLength:"4000" doc:"The reply."`
	}
}

// supportReply adds a reply; the LSO's first reply records its response time.
func (a *API) supportReply(ctx context.Context, in *supportReplyIn) (*supportOut, error) {
	r, err := a.app.Support.Reply(ctx, principal(ctx), in.ID, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &supportOut{Body: r}, nil
}
