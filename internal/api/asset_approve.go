package api

import "context"

// assetApprove approves an organisation's pending asset, so that it routes from now on.
func (a *API) assetApprove(ctx context.Context, in *assetReviewIn) (*assetResult, error) {
	o, err := a.app.Orgs.ApproveAsset(ctx, principal(ctx), in.ID, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &assetResult{Body: orgAssetOut(o)}, nil
}
