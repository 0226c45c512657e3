package api

import "context"

type lsoLinkIn struct {
	ODS  string `path:"ods" maxLength:"20" doc:"The provider's ODS code."`
	Body struct {
		LSO string `json:"lso" maxLength:"20" doc:"The ODS code of the Local Support Organisation (kind lso) that serves it; empty removes the link."`
	}
}

// lsoLink links a provider to the Local Support Organisation that serves it.
func (a *API) lsoLink(ctx context.Context, in *lsoLinkIn) (*struct{}, error) {
	return &struct{}{}, a.app.Support.LinkLSO(ctx, principal(ctx), in.ODS, in.Body.LSO)
}
