package api

import "context"

// sectorAdvisoryGet returns one sector advisory.
func (a *API) sectorAdvisoryGet(ctx context.Context, in *sectorAdvisoryIDIn) (*sectorAdvisoryResult, error) {
	adv, err := a.app.Exposure.GetSectorAdvisory(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &sectorAdvisoryResult{Body: sectorAdvisoryOut(adv)}, nil
}
