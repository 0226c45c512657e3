package api

import "context"

type sectorAdvisoryListIn struct {
	Withdrawn bool `query:"withdrawn" doc:"Include withdrawn advisories."`
}

type sectorAdvisoryListOut struct {
	Body struct {
		Items []SectorAdvisory `json:"items" nullable:"false"`
	}
}

// sectorAdvisoryList lists the sector advisories the caller may see, by ID.
func (a *API) sectorAdvisoryList(ctx context.Context, in *sectorAdvisoryListIn) (*sectorAdvisoryListOut, error) {
	list, err := a.app.Exposure.ListSectorAdvisories(ctx, principal(ctx), in.Withdrawn)
	if err != nil {
		return nil, err
	}
	out := &sectorAdvisoryListOut{}
	out.Body.Items = mapSlice(list, sectorAdvisoryOut)
	return out, nil
}
