package api

import "context"

type inventoryDeleteIn struct {
	ODS    string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Source string `path:"source" maxLength:"64" doc:"The inventory's source name."`
}

// inventoryDelete removes one of an organisation's inventories.
func (a *API) inventoryDelete(ctx context.Context, in *inventoryDeleteIn) (*struct{}, error) {
	return nil, a.app.Inventories.Delete(ctx, principal(ctx), in.ODS, in.Source)
}
