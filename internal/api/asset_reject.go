package api

import "context"

// assetReject refuses an organisation's pending asset and removes it.
func (a *API) assetReject(ctx context.Context, in *assetReviewIn) (*assetResult, error) {
	o, err := a.app.Orgs.RejectAsset(ctx, principal(ctx), in.ID, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &assetResult{Body: orgAssetOut(o)}, nil
}
