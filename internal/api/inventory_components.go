package api

import "context"

type inventoryComponentsIn struct {
	ODS    string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Source string `query:"source" maxLength:"64" doc:"Only this inventory's components; every inventory's when absent."`
	Limit  int    `query:"limit" minimum:"0" maximum:"5000" doc:"At most this many (500 when 0)."`
}

type inventoryComponentsOut struct {
	Body struct {
		// Items are the components, by inventory and in the order uploaded.
		Items []Component `json:"items" nullable:"false"`
		// Total is how many there are in all; more than len(items) when capped.
		Total int `json:"total"`
	}
}

// inventoryComponents lists the components of an organisation's inventories.
func (a *API) inventoryComponents(ctx context.Context, in *inventoryComponentsIn) (*inventoryComponentsOut, error) {
	comps, total, err := a.app.Inventories.Components(ctx, principal(ctx), in.ODS, in.Source, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &inventoryComponentsOut{}
	out.Body.Total = total
	out.Body.Items = make([]Component, len(comps))
	for i, c := range comps {
		out.Body.Items[i] = componentOut(c)
	}
	return out, nil
}
