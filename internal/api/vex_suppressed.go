package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type vexOrgIn struct {
	ODS string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
}

// SuppressedFinding is a vulnerability a VEX statement took off an organisation's list.
type SuppressedFinding struct {
	Vuln          string                    `json:"vuln"`
	Status        string                    `json:"status" enum:"not_affected,fixed"`
	Justification string                    `json:"justification,omitempty" doc:"The statement's justification as written."`
	Reason        string                    `json:"reason" doc:"Which statement, and why."`
	Components    []vigil.AffectedComponent `json:"components" nullable:"false"`
	DecidedAt     time.Time                 `json:"decided_at"`
}

type vexSuppressedOut struct {
	Body struct {
		Items []SuppressedFinding `json:"items" nullable:"false"`
	}
}

// vexSuppressed lists the organisation's findings that VEX statements closed.
func (a *API) vexSuppressed(ctx context.Context, in *vexOrgIn) (*vexSuppressedOut, error) {
	list, err := a.app.Exposure.Suppressed(ctx, principal(ctx), in.ODS)
	if err != nil {
		return nil, err
	}
	out := &vexSuppressedOut{}
	out.Body.Items = mapSlice(list, func(x vigil.VEXSuppression) SuppressedFinding {
		return SuppressedFinding{Vuln: x.Vuln, Status: string(x.Status), Justification: x.Justification, Reason: x.Reason, Components: x.Components, DecidedAt: x.DecidedAt}
	})
	return out, nil
}
