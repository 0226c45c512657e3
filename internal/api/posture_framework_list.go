package api

import (
	"context"

	"github.com/vigil-health/vigil/internal/posture/frameworks"
)

type frameworkListOut struct {
	Body struct {
		// Items are the frameworks with their sections, groups and items.
		Items []frameworks.Framework `json:"items" nullable:"false"`
	}
}

// frameworkList lists the self-assessment frameworks vigil ships.
func (a *API) frameworkList(ctx context.Context, _ *struct{}) (*frameworkListOut, error) {
	fws, err := a.app.Posture.Frameworks(principal(ctx))
	if err != nil {
		return nil, err
	}
	out := &frameworkListOut{}
	out.Body.Items = fws
	return out, nil
}
