package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture"
)

// ContinuityPlan is an organisation's continuity plan and the LSO to call.
type ContinuityPlan struct {
	vigil.ContinuityPlan
	// LSO is the Local Support Organisation serving the organisation, if one is linked.
	LSO *Org `json:"lso,omitempty"`
}

type planOut struct {
	Body ContinuityPlan
}

func planOutput(v posture.PlanView) *planOut {
	out := &planOut{Body: ContinuityPlan{ContinuityPlan: v.Plan}}
	if v.LSO != nil {
		o := orgOut(*v.LSO)
		out.Body.LSO = &o
	}
	return out
}

// planGet returns an organisation's continuity plan.
func (a *API) planGet(ctx context.Context, in *postureOrgIn) (*planOut, error) {
	v, err := a.app.Posture.Plan(ctx, principal(ctx), in.ODS)
	if err != nil {
		return nil, err
	}
	return planOutput(v), nil
}
