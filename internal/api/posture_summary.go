package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type postureSummaryOut struct {
	Body struct {
		// Items are the organisation's score on each framework, scored now.
		Items []vigil.PostureScore `json:"items" nullable:"false"`
	}
}

// postureSummary returns an organisation's score and status on every framework.
func (a *API) postureSummary(ctx context.Context, in *postureOrgIn) (*postureSummaryOut, error) {
	scores, err := a.app.Posture.Summary(ctx, principal(ctx), in.ODS)
	if err != nil {
		return nil, err
	}
	out := &postureSummaryOut{}
	out.Body.Items = scores
	return out, nil
}
