package api

import "context"

// sectorAdvisoryWithdraw withdraws a sector advisory.
func (a *API) sectorAdvisoryWithdraw(ctx context.Context, in *sectorAdvisoryIDIn) (*struct{}, error) {
	_, err := a.app.Exposure.WithdrawSectorAdvisory(ctx, principal(ctx), in.ID)
	return nil, err
}
