package api

import "context"

// postureGet returns an organisation's assessment on one framework, scored now.
func (a *API) postureGet(ctx context.Context, in *postureIn) (*assessmentOutput, error) {
	as, err := a.app.Posture.Assessment(ctx, principal(ctx), in.ODS, in.Framework)
	if err != nil {
		return nil, err
	}
	return &assessmentOutput{Body: assessmentOut(as)}, nil
}
