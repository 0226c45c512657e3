package api

import "context"

type advisorySourceListOut struct {
	Body struct {
		// Items are every registered advisory source, by name.
		Items []AdvisorySource `json:"items" nullable:"false"`
	}
}

// advisorySourceList lists the advisory sources with how their last pulls went.
func (a *API) advisorySourceList(ctx context.Context, _ *struct{}) (*advisorySourceListOut, error) {
	list, err := a.app.Exposure.ListSources(ctx, principal(ctx))
	if err != nil {
		return nil, err
	}
	out := &advisorySourceListOut{}
	out.Body.Items = mapSlice(list, advisorySourceOut)
	return out, nil
}
