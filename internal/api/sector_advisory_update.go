package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vuln"
)

type sectorAdvisoryUpdateIn struct {
	ID   string `path:"id" minLength:"1" maxLength:"100" doc:"The advisory's ID; the body's id, when given, must be the same."`
	Body vuln.SectorAdvisoryJSON
}

// sectorAdvisoryUpdate replaces a sector advisory and checks the organisations it
// concerns, before and after.
func (a *API) sectorAdvisoryUpdate(ctx context.Context, in *sectorAdvisoryUpdateIn) (*sectorAdvisoryResult, error) {
	if in.Body.ID != "" && in.Body.ID != in.ID {
		return nil, vigil.OnField("id", vigil.Errorf(vigil.EINVALID, "id %q in the body is not %q in the path: an advisory's ID does not change", in.Body.ID, in.ID))
	}
	in.Body.ID = in.ID
	adv, err := in.Body.Advisory()
	if err != nil {
		return nil, err
	}
	out, err := a.app.Exposure.SaveSectorAdvisory(ctx, principal(ctx), adv, false)
	if err != nil {
		return nil, err
	}
	return &sectorAdvisoryResult{Body: sectorOutcomeOut(out)}, nil
}
