package api

import (
	"context"

	"github.com/vigil-health/vigil/internal/vuln"
)

type sectorAdvisoryCreateIn struct {
	Body vuln.SectorAdvisoryJSON
}

// sectorAdvisoryCreate writes a new sector advisory and checks the organisations it may
// concern.
func (a *API) sectorAdvisoryCreate(ctx context.Context, in *sectorAdvisoryCreateIn) (*sectorAdvisoryResult, error) {
	adv, err := in.Body.Advisory()
	if err != nil {
		return nil, err
	}
	out, err := a.app.Exposure.SaveSectorAdvisory(ctx, principal(ctx), adv, true)
	if err != nil {
		return nil, err
	}
	return &sectorAdvisoryResult{Body: sectorOutcomeOut(out)}, nil
}
