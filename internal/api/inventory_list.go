package api

import "context"

type inventoryListOut struct {
	Body struct {
		// Items are the organisation's inventories, by source name.
		Items []Inventory `json:"items" nullable:"false"`
	}
}

// inventoryList lists an organisation's inventories.
func (a *API) inventoryList(ctx context.Context, in *inventoryOrgIn) (*inventoryListOut, error) {
	invs, err := a.app.Inventories.List(ctx, principal(ctx), in.ODS)
	if err != nil {
		return nil, err
	}
	out := &inventoryListOut{}
	out.Body.Items = make([]Inventory, len(invs))
	for i, inv := range invs {
		out.Body.Items[i] = inventoryOut(inv)
	}
	return out, nil
}
