package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type supportListIn struct {
	Status vigil.SupportStatus `query:"status" enum:"open,answered,closed" doc:"Only requests in this state."`
	Org    string              `query:"org" maxLength:"20" doc:"Only this organisation's requests (sector roles)."`
	LSO    string              `query:"lso" maxLength:"20" doc:"Only requests to this LSO (sector roles)."`
	Limit  int                 `query:"limit" minimum:"0" maximum:"1000" doc:"At most this many (50 when 0)."`
}

type supportListOut struct {
	Body struct {
		// Items are the requests, newest first.
		Items []vigil.SupportRequest `json:"items" nullable:"false"`
	}
}

// supportList lists the requests the caller may see: an LSO its queue, a provider its own.
func (a *API) supportList(ctx context.Context, in *supportListIn) (*supportListOut, error) {
	rs, err := a.app.Support.List(ctx, principal(ctx), vigil.SupportFilter{Status: in.Status, Org: in.Org, LSO: in.LSO, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	out := &supportListOut{}
	out.Body.Items = rs
	if out.Body.Items == nil {
		out.Body.Items = []vigil.SupportRequest{}
	}
	return out, nil
}
